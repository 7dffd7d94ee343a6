"""`ape run pay-dividend`: finds the holders at the record date and pushes the dividend in batches."""

import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.dividends import to_time

APE = str(Path(sys.executable).with_name("ape"))


def run_script(chain, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri}
    command = [APE, "run", "pay-dividend", "--network", "ethereum:local:foundry", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)


def test_help_explains_the_options(chain):
    result = subprocess.run([APE, "run", "pay-dividend", "--help"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for option in ("--token", "--dividend", "--batch-size", "--holders-file", "--from-block", "--dividends"):
        assert option in result.stdout


def test_pushes_to_every_unpaid_holder(security, dividends, declare, cash, chain, agent, verified_investors, tmp_path):
    alice, bob, carol, dave, erin, treasury = verified_investors
    start_block = chain.blocks.head.number
    security.batchMint([alice, bob, carol, dave, erin, treasury], [1, 2, 4, 8, 16, 100], sender=agent)
    dividend_id = declare(31_000_000, excluded=[treasury])
    to_time(chain, dividends.dividend(security, dividend_id).payment_date)
    security.transfer(erin, 4, sender=carol)  # after the record date: carol is still due for 4 shares
    dividends.claim(security, dividend_id, sender=bob)
    security.setAddressFrozen(dave, True, sender=agent)

    result = run_script(
        chain, "--account", "TEST::3", "--token", security.address, "--dividend", str(dividend_id),
        "--batch-size", "2", "--dividends", dividends.address, "--from-block", str(start_block),
        "--deployments", str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 candidate wallets, 4 with an unpaid dividend" in result.stdout
    assert "paid 3 holders 21.00 DPESO in 2 transactions" in result.stdout
    assert f"skipped {dave.address}: frozen" in result.stdout
    assert [cash.balanceOf(w) for w in (alice, bob, carol, dave, erin, treasury)] == [
        1_000_000, 2_000_000, 4_000_000, 0, 16_000_000, 0
    ]
    assert not dividends.claimed(security, dividend_id, dave)


def test_refuses_a_token_the_factory_did_not_list(token, factory, dividends, chain, tmp_path):
    result = run_script(
        chain, "--account", "TEST::3", "--token", token.address, "--dividend", "1",
        "--dividends", dividends.address, "--deployments", str(tmp_path),
    )
    assert result.returncode != 0
    assert f"no security with address {token.address} is listed" in result.stderr
