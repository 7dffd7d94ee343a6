"""The operator's scripts as a new user runs them: on the seeded demo market (what `make up` builds),
from a shell without a terminal, with the files of examples/ as shipped.

A user error must end in one line and a non-zero exit with nothing sent; without --account the
local chain signs with the operator's dev account and says so.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from keiretsu.deploy import deploy_platform
from keiretsu.seed import seed_demo_market

APE = str(Path(sys.executable).with_name("ape"))
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OPERATOR_LINE = "signing as the operator's dev account TEST::0"


@pytest.fixture(scope="module")
def seeded(accounts, chain, tmp_path_factory) -> tuple[Path, float]:
    """The platform deployed and the demo market seeded, as `make up` does: its manifest folder, and
    how many seconds seeding moved the chain's clock beyond the real time it took. The chain's clock
    is measured against the wall clock before and after, as this session's chain need not start on
    real time (earlier tests move it and revert)."""
    deployments = tmp_path_factory.mktemp("deployments")
    deployment = deploy_platform(accounts[0], directory=deployments, log=lambda _: None)
    ahead_before = chain.pending_timestamp - time.time()
    seed_demo_market(deployment, list(accounts), directory=deployments, log=lambda _: None)
    return deployments, chain.pending_timestamp - time.time() - ahead_before


@pytest.fixture(scope="module")
def demo(seeded) -> Path:
    return seeded[0]


def run(chain, demo, *args: str, network: tuple[str, ...] = ("--network", "ethereum:local:foundry")):
    environment = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri, "KEIRETSU_DEPLOYMENTS": str(demo),
                   "KEIRETSU_CHAIN_DIR": str(demo)}
    return subprocess.run([APE, "run", *args, *network], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=environment, timeout=300)


def report(chain, demo, *args: str) -> subprocess.CompletedProcess:
    """`ape run report ARGS` after indexing the demo chain up to its head, as `make up`'s follower
    keeps it (the report reads the index beside the chain: KEIRETSU_CHAIN_DIR)."""
    subprocess.run([sys.executable, "-m", "keiretsu.index", "backfill", "--rpc-url", chain.provider.uri,
                    "--deployments", str(demo), "--chain-dir", str(demo)],
                   capture_output=True, text=True, check=True, timeout=300,
                   env={**os.environ, "PYTHONPATH": str(EXAMPLES.parent)})
    return run(chain, demo, "report", *args)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The single line a refused script printed (and nothing that looks like a traceback)."""
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_seeding_keeps_the_chain_clock_on_real_time(seeded):
    _, clock_jump = seeded
    assert abs(clock_jump) < 60


def test_every_example_file_works_on_the_demo_without_an_account(demo, chain, accounts):
    onboarded = run(chain, demo, "onboard", "--file", str(EXAMPLES / "investors.csv"))
    assert onboarded.returncode == 0, onboarded.stdout + onboarded.stderr
    assert f"{OPERATOR_LINE} ({accounts[0].address}) on the local chain" in onboarded.stdout
    assert "12 registered, 0 skipped" in onboarded.stdout

    issued = run(chain, demo, "issue", "--file", str(EXAMPLES / "issuances.yaml"))
    assert issued.returncode == 0, issued.stdout + issued.stderr
    assert "2 issued, 1 offerings opened, 0 skipped" in issued.stdout

    cap_table = report(chain, demo, "cap-table", "yerba")
    assert cap_table.returncode == 0, cap_table.stdout + cap_table.stderr
    assert "YERBA" in cap_table.stdout


def test_another_network_needs_an_account(demo, chain):
    # The same chain reached as the private network of ape-config.yaml: not the local chain.
    private = ("--network", "ethereum:private:node", "--provider-settings", f'{{"uri": "{chain.provider.uri}"}}')
    refused = run(chain, demo, "onboard", "--file", str(EXAMPLES / "investors.csv"), network=private)
    assert "ethereum:private (chain 31337) needs --account ALIAS" in one_line_error(refused)


def test_a_dividend_is_paid_by_symbol_in_any_case_with_amounts_in_units(demo, chain):
    paid = run(chain, demo, "pay-dividend", "--token", "andes", "--dividend", "1")
    assert paid.returncode == 0, paid.stdout + paid.stderr
    assert "with an unpaid dividend 1 of ANDES" in paid.stdout
    assert " DPESO in 1 transactions" in paid.stdout and "paid " in paid.stdout
    trades = report(chain, demo, "trades", "andes")
    assert trades.returncode == 0 and "Trades of ANDES" in trades.stdout


@pytest.mark.parametrize(
    "arguments, message",
    [
        (("--token", "ANDES", "--dividend", "99"), "ANDES has no dividend 99 (it has dividend 1)"),
        (("--token", "NOPE", "--dividend", "1"), "no security with symbol NOPE is listed on chain 31337 (listed: ANDES, PAMPA)"),
        (("--token", "0x0000000000000000000000000000000000000001", "--dividend", "1"),
         "no security with address 0x0000000000000000000000000000000000000001 is listed"),
        (("--token", "PAMPA", "--dividend", "1"), "PAMPA has no dividend 1 (it has no dividend)"),
    ],
)
def test_a_user_error_is_one_line_and_sends_nothing(demo, chain, accounts, arguments, message):
    nonce = accounts[0].nonce
    refused = run(chain, demo, "pay-dividend", *arguments)
    assert message in one_line_error(refused)
    assert accounts[0].nonce == nonce


def test_report_names_an_unknown_symbol_in_one_line(demo, chain):
    assert "no security with symbol cobre is listed" in one_line_error(run(chain, demo, "report", "trades", "cobre"))


def test_listing_the_scripts_loads_no_chain():
    """`ape run` imports every script to list its commands, even for `--help`: none may load Ape's
    chain manager (pandas, web3 providers: seconds) before a command runs."""
    heavy = ("ape.managers.chain", "pandas")
    code = f"import runpy, sys\nfor path in sys.argv[1:]: runpy.run_path(path)\nprint([m for m in {heavy!r} if m in sys.modules])"
    scripts = sorted(str(path) for path in (EXAMPLES.parent / "scripts").glob("*.py"))
    environment = {**os.environ, "PYTHONPATH": str(EXAMPLES.parent)}
    result = subprocess.run([sys.executable, "-c", code, *scripts], capture_output=True, text=True, env=environment, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
