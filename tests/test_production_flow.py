"""Issue 15 end to end: the operator's scripts, a day on the market, a dividend pushed by the
transfer agent, the reports and the index, all through the locked-down production node of
tests/fixtures/production_node.py, which refuses nothing they ask; then the reports and the
index again through a node that caps `eth_getLogs` at a few blocks."""

import re
import subprocess
import sys
import time

from keiretsu.chain import REPO, rpc
from tests.fixtures.production_node import DISABLED_NAMESPACES, ProductionNode, operator_project, run_on_node

MARKET_DAY = REPO / "tests/data/node_scripts/market_day.py"
# The demo's issuer of COBRE (dev account 2), which make up's seeding would have registered.
ISSUER_ROW = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,0x" + "ab" * 32 + ",enterprise,CL,2030-12-31,no,yes"
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


def reports(project, deployments, environment) -> dict[str, str]:
    """The three registers of YERBA as CSV, from the logs and from the index."""
    csv = {}
    for source in ("logs", "index"):
        for report in ("cap-table", "trades", "dividends"):
            path = project / f"{report}-{source}.csv"
            arguments = ["report", report, "--token", "YERBA", "--csv", str(path)] + (["--from-logs"] if source == "logs" else [])
            succeeded(run_on_node(project, deployments, *arguments, account=None, environment=environment))
            csv[report, source] = path.read_text()
    return csv


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
        csv = reports(capped_project, deployments, environment)
    finally:
        capped.stop()
    assert {method for method, _ in capped.refused} == {"eth_getLogs"}  # refused as too long, then paged shorter

    for report in ("cap-table", "trades", "dividends"):
        assert csv[report, "logs"] == csv[report, "index"], report
    holders = {line.split(",")[0]: line.split(",")[1] for line in csv["cap-table", "logs"].splitlines()[1:]}
    assert holders == {SELLER: "20", BUYER: "20"}
    (trade,) = csv["trades", "logs"].splitlines()[1:]
    assert ",20," in trade and ",200," in trade, trade
    (dividend,) = csv["dividends", "logs"].splitlines()[1:]
    assert "4000000" in dividend, dividend
