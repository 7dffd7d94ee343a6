"""Every contract deploys on a chain that keeps EIP-170: at most 24,576 bytes of code. `make test-legacy`
builds the token over the limit on purpose (on an anvil with the limit lifted) and skips this test."""

import os

import pytest

from tests.legacy import EIP170_LIMIT, LEGACY_ENV, deployed_size


@pytest.mark.skipif(bool(os.environ.get(LEGACY_ENV)), reason="the legacy build exceeds EIP-170 on purpose")
def test_every_contract_fits_eip170(project):
    initcodes = {name: project.contracts[name].contract_type.deployment_bytecode for name in project.contracts}
    sizes = {name: deployed_size(code.to_bytes()) for name, code in initcodes.items() if code and code.to_bytes()}
    assert "SecurityToken" in sizes and "Dividends" in sizes
    assert {name: size for name, size in sizes.items() if size > EIP170_LIMIT} == {}
