"""The operator console helpers, on a platform deployed by the fixtures."""

import pytest

from keiretsu.console import OperatorConsole
from tests.fixtures.factory import issuance_request

STATUS_HALTED, STATUS_LISTED = 3, 2


@pytest.fixture
def console(registry, factory, cash, operator, project, registrar, verified_issuer):
    listed = factory.issue_security(issuance_request(verified_issuer), sender=verified_issuer)
    return OperatorConsole(registry, factory, cash, operator, project.SecurityToken), project.SecurityToken.at(listed.return_value)


def test_securities_by_symbol(console):
    helpers, token = console
    assert helpers.securities() == {"ACME": token}
    with pytest.raises(KeyError, match="no security with symbol 'NOPE'; listed: ACME"):
        helpers.security("NOPE")


def test_onboard_and_status(console, registry, operator, registrar, alice):
    helpers, _ = console
    registry.grantRole(registry.REGISTRAR_ROLE(), operator, sender=operator)
    helpers.onboard_investor(alice, "dossier-42", kind="enterprise", country="DE", qualified=True)
    status = helpers.kyc_status(alice)
    assert status["verified"] and status["kind"] == "enterprise" and status["country"] == 276
    assert status["qualified"] and not status["issuer"] and not status["revoked"]
    with pytest.raises(ValueError, match="unknown country"):
        helpers.onboard_investor(alice, "x", country="XX")


def test_freeze_recover_halt(console, operator, agent, alice, registry, registrar, accounts, verified_investors):
    helpers, token = console
    helpers.sender = agent  # the transfer agent freezes and recovers
    token.mint(alice, 100, sender=agent)
    helpers.freeze("ACME", alice)
    assert token.isFrozen(alice)
    helpers.unfreeze("ACME", alice)
    assert not token.isFrozen(alice)
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    helpers.recover("ACME", alice, new_wallet)
    assert token.balanceOf(new_wallet) == 100
    helpers.sender = operator
    helpers.halt("ACME")
    assert helpers.factory.security_by_token(token).status == STATUS_HALTED
    helpers.resume("ACME")
    assert helpers.factory.security_by_token(token).status == STATUS_LISTED


def test_cap_table_prints(console, agent, alice, verified_investors, capsys):
    helpers, token = console
    token.mint(alice, 5, sender=agent)
    helpers.cap_table("ACME")
    assert alice.address in capsys.readouterr().out
