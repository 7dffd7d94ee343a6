"""Issue 15 end to end: the operator's scripts, a day on the market, a dividend pushed by the
transfer agent, the operator's console, the reports, the index and its reconciliation, all through the locked-down production node of
tests/fixtures/production_node.py, which refuses nothing they ask; then the reports and the
index again through a node that caps `eth_getLogs` at a few blocks."""

import csv
import re
import subprocess
import sys
import time

from keiretsu.chain import REPO, rpc
from tests.fixtures.production_node import (
    DISABLED_NAMESPACES,
    ProductionNode,
    console_on_node,
    operator_project,
    run_on_node,
    sent_by,
)

MARKET_DAY = REPO / "tests/data/node_scripts/market_day.py"
# The demo's issuer of COBRE (dev account 2), which make up's seeding would have registered.
ISSUER_ROW = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,0x" + "ab" * 32 + ",enterprise,CL,2030-12-31,no,yes"
# TEST::0, anvil's dev account 0: deployer, registrar, transfer agent and treasury in these runs.
OPERATOR = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
# market_day.py's seller (TEST::16) and buyer (TEST::17): 20 YERBA change hands at 200 ticks of 5,000.
SELLER, BUYER = "0x2546BcD3c84621e976D8185a91A922aE77ECEc30", "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E"
# A cap far below the chain's length, so that every read of the logs has to page and shrink.
TIGHT_LOGS_RANGE = 8


def succeeded(finished: subprocess.CompletedProcess) -> str:
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout


def wait_for_block_time(url: str, timestamp: int) -> None:
    while int(rpc(url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16) < timestamp:
        time.sleep(0.5)


REPORTS = {"cap-table": [], "trades": [], "dividends": [], "payments": ["dividends", "--payments"]}


def reports(project, deployments, environment) -> dict[tuple[str, str], list[dict[str, str]]]:
    """YERBA's registers (REPORTS) as CSV rows, from the logs and from the index."""
    rows = {}
    for source in ("logs", "index"):
        for name, command in REPORTS.items():
            path = project / f"{name}-{source}.csv"
            arguments = ["report", *(command or [name]), "YERBA", "--csv", str(path)] + (["--from-logs"] if source == "logs" else [])
            succeeded(run_on_node(project, deployments, *arguments, account=None, environment=environment))
            rows[name, source] = list(csv.DictReader(path.open()))
    return rows


def test_the_platform_runs_through_a_production_node(production_node, tmp_path):
    project = operator_project(tmp_path / "project", production_node, extra_scripts=(MARKET_DAY,))
    deployments = tmp_path / "deployments"
    investors = tmp_path / "investors.csv"
    investors.write_text("\n".join((REPO / "examples/investors.csv").read_text().splitlines() + [ISSUER_ROW]) + "\n")
    for arguments in (["deploy"], ["onboard", "--file", str(investors)], ["issue", "--file", str(REPO / "examples/issuances.yaml")]):
        succeeded(run_on_node(project, deployments, *arguments))
    day = succeeded(run_on_node(project, deployments, "market_day"))
    wait_for_block_time(production_node.upstream, int(re.search(r"record date (\d+)", day)[1]))

    # The push is cut once its transaction is accepted, its hash unanswered; the second run finds it.
    production_node.drop_after_send(1, answer_send=False)
    pay = ["pay-dividend", "--token", "YERBA", "--dividend", "1"]
    cut = run_on_node(project, deployments, *pay)
    assert cut.returncode == 1 and "run the same command again" in cut.stderr, cut.stderr
    production_node.restore()
    resumed = succeeded(run_on_node(project, deployments, *pay))
    assert re.search(r"^pay dividend 1 to holders 1 to 2: 0x[0-9a-f]{64} found, sent by an earlier run$", resumed, re.MULTILINE)
    assert "0 with an unpaid dividend 1 of YERBA" in resumed

    assert production_node.refused == []  # nothing traced, nothing pending, no priority fee asked
    assert not [method for method in production_node.requests if method.startswith(DISABLED_NAMESPACES)]

    # The operator's console: blocks read, a transaction sent with the configured fees and margin.
    console = console_on_node(project, deployments, "\n".join([
        "keiretsu.sender = accounts.test_accounts[0]",
        "print('listed as', list_cash_token(cash))",
        f"print('verified', kyc_status('{SELLER}')['verified'])",
    ]) + "\n")
    assert "listed as 0" in console.stdout and "verified True" in console.stdout, console.stdout + console.stderr
    # After each transaction Ape looks for contract debug logs in a trace; refused, it goes on without.
    assert {method for method, _ in production_node.refused} <= {"trace_transaction", "debug_traceTransaction"}
    # Every transaction, the scripts' and the console's, is a legacy one at the configured gas price, 0.
    assert {(t["type"], int(t["gasPrice"], 16)) for t in sent_by(production_node.upstream, OPERATOR)} == {("0x0", 0)}

    environment = {"KEIRETSU_DATABASE_URL": f"sqlite:///{tmp_path / 'index.sqlite'}"}
    capped = ProductionNode(production_node.upstream, max_logs_range=TIGHT_LOGS_RANGE).start()
    try:
        capped_project = operator_project(tmp_path / "capped", capped)
        indexed = subprocess.run(
            [sys.executable, "-m", "keiretsu.index", "backfill", "--rpc-url", capped.url, "--deployments", str(deployments)],
            env={**environment, "PATH": str(REPO / ".venv/bin") + ":/usr/bin:/bin", "PYTHONPATH": str(REPO)},
            capture_output=True, text=True, timeout=300,
        )
        succeeded(indexed)
        registers = reports(capped_project, deployments, environment)
        reconciled = succeeded(run_on_node(capped_project, deployments, "reconcile", account=None, environment=environment))
    finally:
        capped.stop()
    assert re.search(r"^index at block \d+ of chain id \d+", reconciled, re.MULTILINE) and "differences" not in reconciled
    assert {method for method, _ in capped.refused} == {"eth_getLogs"}  # refused as too long, then paged shorter

    for name in REPORTS:
        assert registers[name, "logs"] == registers[name, "index"], name
    assert {row["holder"]: row["shares"] for row in registers["cap-table", "logs"]} == {SELLER: "20", BUYER: "20"}
    (trade,) = registers["trades", "logs"]
    assert (trade["buyer"], trade["seller"], trade["shares"], trade["cash"]) == (BUYER, SELLER, "20", str(20 * 200 * 5000))
    (dividend,) = registers["dividends", "logs"]
    assert (dividend["amount"], dividend["holders paid"], dividend["outstanding"]) == ("4000000", "2", "0")
    # Each holder paid once, by the one push the cut run sent.
    assert sorted((row["holder"], row["how"], row["amount"]) for row in registers["payments", "logs"]) == sorted(
        (holder, "pushed", "2000000") for holder in (SELLER, BUYER))
