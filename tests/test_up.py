"""`make up` end to end: `python -m keiretsu.up` on a fresh chain directory and ports of its own.

The first run deploys, seeds the demo market, builds the dApp (`vite build` into the chain
directory) and serves it; SIGTERM stops it. The second run resumes the same state without sending
a transaction, a third run on the same directory meanwhile is refused, and SIGINT stops the second.
The demo market is read straight from the chain with web3 (not through the code under test); the
read API `make up` serves over its index must list the same securities and trades, and after the
restart the index resumes where it stopped instead of being rebuilt.

Ports: KEIRETSU_TEST_CHAIN_PORT, KEIRETSU_TEST_DAPP_PORT and KEIRETSU_TEST_API_PORT, else free ones.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from web3 import Web3

from keiretsu.chain import REPO, port_in_use
from keiretsu.up import ALREADY_RUNNING, READY_LINE

BUY, SELL = 0, 1
OFFERING_SUCCEEDED = 3
STATUS_LISTED = 2
START_TIMEOUT = 420


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class UpProcess:
    """One `python -m keiretsu.up` run; its stdout is read up to the ready banner."""

    def __init__(self, chain_dir: Path, chain_port: int, dapp_port: int, api_port: int):
        self.command = [sys.executable, "-m", "keiretsu.up", "--chain-dir", str(chain_dir),
                        "--chain-port", str(chain_port), "--dapp-port", str(dapp_port), "--api-port", str(api_port)]
        self.environment = {**os.environ, "PYTHONPATH": str(REPO)}
        for variable in ("APE_FOUNDRY_HOST", "KEIRETSU_DATABASE_URL"):  # the index beside the chain
            self.environment.pop(variable, None)
        self.stderr = chain_dir.parent / f"{chain_dir.name}-{chain_port}-{dapp_port}.err"
        self.process: subprocess.Popen | None = None
        self.banner = ""

    def run_to_end(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.command, cwd=REPO, env=self.environment, capture_output=True, text=True, timeout=120)

    def start(self) -> "UpProcess":
        self.process = subprocess.Popen(self.command, cwd=REPO, env=self.environment, stdout=subprocess.PIPE,
                                        stderr=open(self.stderr, "w"), text=True)
        watchdog = threading.Timer(START_TIMEOUT, self.process.kill)
        watchdog.start()
        try:
            for line in self.process.stdout:
                self.banner += line
                if line.startswith("Ctrl-C stops everything"):
                    break
        finally:
            watchdog.cancel()
        assert READY_LINE in self.banner, f"make up did not come up:\n{self.banner}\n{self.log()}"
        return self

    def stop(self, signal_number: int) -> int:
        self.process.send_signal(signal_number)
        return self.process.wait(timeout=60)

    def log(self) -> str:
        return self.stderr.read_text()


def abi(project, name: str) -> list[dict]:
    return [entry.model_dump(mode="json", by_alias=True, exclude_none=True) for entry in getattr(project, name).contract_type.abi]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.status == 200
        return json.load(answer)


def api_matches_the_chain(api_url: str, market: dict) -> None:
    """The API lists the securities and the trades the chain has."""
    listed = get_json(api_url + "securities")
    assert {(s["symbol"], s["token"].lower(), s["status"]) for s in listed} == {
        (symbol, security["token"].lower(), security["status"]) for symbol, security in market["securities"].items()}
    for symbol, security in market["securities"].items():
        page = get_json(f"{api_url}securities/{symbol}/trades")
        assert [(t["maker"].lower(), t["taker"].lower(), t["lots"], t["tick"]) for t in page["items"]] == [
            (maker.lower(), taker.lower(), lots, tick) for maker, taker, lots, tick in security["trades"]]


def fresh_shell(command: str) -> subprocess.CompletedProcess:
    """`command` in bash from the repository, with the environment of a new login: no virtual
    environment on the PATH, nothing of ours exported."""
    environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run(["bash", "-c", command], cwd=REPO, env=environment, capture_output=True, text=True, timeout=300)


def banner_commands_work_from_a_fresh_shell(console: str, script: str, rpc_url: str) -> None:
    ran = fresh_shell(script)
    assert ran.returncode == 0 and "Trades of ANDES (4 trades" in ran.stdout, ran.stdout + ran.stderr
    planned = fresh_shell(f"make -n {console.removeprefix('make ')}")  # an interactive console: its command only
    assert planned.returncode == 0, planned.stderr
    assert f"APE_FOUNDRY_HOST={rpc_url} .venv/bin/ape console" in planned.stdout.splitlines()
    assert (REPO / ".venv/bin/ape").exists()


def demo_market(rpc_url: str, manifest_path: Path, project) -> dict:
    """Everything the demo market consists of, read from the chain."""
    web3 = Web3(Web3.HTTPProvider(rpc_url))
    contracts = json.loads(manifest_path.read_text())["contracts"]
    at = lambda name, address: web3.eth.contract(address=address, abi=abi(project, name))  # noqa: E731
    factory = at("IssuanceFactory", contracts["IssuanceFactory"]["address"])
    dividends = at("Dividends", contracts["Dividends"]["address"])
    cash = at("CashToken", contracts["CashToken"]["address"])
    securities = {}
    for index in range(factory.functions.security_count().call()):
        isin, token_address, issuer, market_address, offering_address, status, _ = factory.functions.security_at(index).call()
        token, market = at("SecurityToken", token_address), at("OrderBook", market_address)
        offering = at("Offering", offering_address)
        trades = market.events.Trade().get_logs(from_block=0)
        dividend_count = dividends.functions.dividend_count(token_address).call()
        securities[token.functions.symbol().call()] = {
            "token": token_address,
            "status": status,
            "supply": token.functions.totalSupply().call(),
            "offering": (offering.functions.state().call(), offering.functions.total_subscribed().call()),
            "bids": market.functions.depth(BUY, 50).call(),
            "asks": market.functions.depth(SELL, 50).call(),
            "trades": [(log.args.maker, log.args.taker, log.args.lots, log.args.tick) for log in trades],
            "market_cash": cash.functions.balanceOf(market_address).call(),
            "dividends": [dividends.functions.dividend(token_address, i).call() for i in range(1, dividend_count + 1)],
        }
    return {"block": web3.eth.block_number, "securities": securities}


@pytest.fixture
def started():
    """Starts `make up` runs; any still running after the test (a failed assertion) is stopped, so
    that its chain, indexer and API do not outlive the test."""
    runs: list[UpProcess] = []

    def start(*arguments) -> UpProcess:
        runs.append(UpProcess(*arguments))
        return runs[-1].start()

    yield start
    for run in runs:
        if run.process and run.process.poll() is None:
            run.stop(signal.SIGINT)


@pytest.fixture(scope="module")
def ports():
    return tuple(int(os.environ.get(f"KEIRETSU_TEST_{name}_PORT") or free_port()) for name in ("CHAIN", "DAPP", "API"))


def test_make_up_seeds_serves_resumes_and_refuses_a_second_run(tmp_path, ports, project, started):
    chain_port, dapp_port, api_port = ports
    chain_dir = tmp_path / "chain"
    rpc_url, dapp_url = f"http://127.0.0.1:{chain_port}", f"http://127.0.0.1:{dapp_port}/"
    api_url = f"http://127.0.0.1:{api_port}/"
    manifest = chain_dir / "deployments/31337.json"

    first = started(chain_dir, chain_port, dapp_port, api_port)
    deployments = chain_dir.resolve() / "deployments"
    console = f"make console KEIRETSU_CHAIN_PORT={chain_port} KEIRETSU_DEPLOYMENTS={deployments}"
    script = (f"APE_FOUNDRY_HOST={rpc_url} KEIRETSU_DEPLOYMENTS={deployments} KEIRETSU_CHAIN_DIR={chain_dir.resolve()} "
              ".venv/bin/ape run report trades ANDES")
    for line in ("dApp       " + dapp_url, "chain id   31337", "RPC URL    " + rpc_url, "console    " + console,
                 "scripts    " + script, "issuer: Andes Robotics SA", "investor 12",
                 f"API        {api_url} (browse it at {api_url}docs; index log {chain_dir.resolve() / 'index.log'})"):
        assert line in first.banner
    assert "warning" not in first.log()  # nothing a user cannot act on
    assert abs(Web3(Web3.HTTPProvider(rpc_url)).eth.get_block("latest").timestamp - time.time()) < 60  # seeded on real time
    banner_commands_work_from_a_fresh_shell(console, script, rpc_url)
    with urllib.request.urlopen(dapp_url, timeout=10) as answer:
        assert answer.status == 200
        page = answer.read().decode()
    assert page == (chain_dir / "dapp/dist/index.html").read_text() and '<div id="root">' in page
    factory_address = json.loads(manifest.read_text())["contracts"]["IssuanceFactory"]["address"]
    built_for = (chain_dir / "dapp/generated/deployment.ts").read_text()
    assert factory_address in built_for and rpc_url in built_for

    seeded = demo_market(rpc_url, manifest, project)
    assert set(seeded["securities"]) == {"ANDES", "PAMPA"}
    for symbol, expected_supply in (("ANDES", 4_000), ("PAMPA", 2_600)):
        market = seeded["securities"][symbol]
        assert market["status"] == STATUS_LISTED
        assert market["offering"] == (OFFERING_SUCCEEDED, expected_supply) and market["supply"] == expected_supply
        assert market["bids"] and market["asks"] and market["bids"][0][0] < market["asks"][0][0]
        assert market["market_cash"] > 0  # the resting bids' escrow
    assert seeded["securities"]["ANDES"]["asks"] == [[1300, 90], [1320, 50]]
    assert seeded["securities"]["ANDES"]["bids"] == [[1240, 20], [1220, 100], [1200, 60]]
    assert len(seeded["securities"]["ANDES"]["trades"]) == 4 and len(seeded["securities"]["PAMPA"]["trades"]) == 2
    (andes_dividend,) = seeded["securities"]["ANDES"]["dividends"]
    assert andes_dividend[1] == 4_000 * 10**6 and andes_dividend[7]  # amount; settled
    assert 0 < andes_dividend[9] < andes_dividend[1]  # claimed in part
    assert seeded["securities"]["PAMPA"]["dividends"] == []
    api_matches_the_chain(api_url, seeded)
    assert "Swagger UI" in urllib.request.urlopen(api_url + "docs", timeout=10).read().decode()

    assert first.stop(signal.SIGTERM) == 0
    assert not port_in_use(api_port)  # the API stopped with the chain
    assert "stopping: writing the chain state" in first.log()
    assert (chain_dir / "state.json").exists()

    second = started(chain_dir, chain_port, dapp_port, api_port)
    assert "the platform is already deployed: nothing sent" in second.log()
    assert "the demo market is already seeded" in second.log() and "seeding:" not in second.log()
    assert demo_market(rpc_url, manifest, project) == seeded  # same block: not one transaction sent
    api_matches_the_chain(api_url, seeded)
    assert "rebuilding" not in (chain_dir / "index.log").read_text()  # resumed from the last indexed block

    refused = UpProcess(chain_dir, free_port(), free_port(), free_port()).run_to_end()
    assert refused.returncode == ALREADY_RUNNING
    assert f"make up is already running on this chain directory (pid {second.process.pid})" in refused.stderr
    assert f"dApp {dapp_url}" in refused.stderr and f"API {api_url}" in refused.stderr
    with urllib.request.urlopen(dapp_url, timeout=10) as answer:  # the running one is left alone
        assert answer.status == 200

    assert second.stop(signal.SIGINT) == 0
    assert second.log().rstrip().endswith("stopped")
    assert (chain_dir / "up.pid").read_text() == ""


def test_settings_come_from_options_then_environment_then_defaults(tmp_path):
    from keiretsu.manifest import DEPLOYMENTS
    from keiretsu.up import DEFAULT_CHAIN_DIR, parse_settings

    defaults = parse_settings([], {})
    assert (defaults.chain_dir, defaults.chain_port, defaults.dapp_port) == (DEFAULT_CHAIN_DIR.resolve(), 8545, 5173)
    assert defaults.api_port == 8550 and defaults.api_url == "http://127.0.0.1:8550/"
    assert defaults.deployments == DEPLOYMENTS and defaults.serve_dapp and not defaults.exit_when_ready
    environment = {"KEIRETSU_CHAIN_DIR": str(tmp_path), "KEIRETSU_CHAIN_PORT": "9545", "KEIRETSU_DAPP_PORT": "5180",
                   "KEIRETSU_API_PORT": "8551"}
    from_environment = parse_settings([], environment)
    assert (from_environment.chain_dir, from_environment.chain_port, from_environment.dapp_port) == (tmp_path, 9545, 5180)
    assert from_environment.deployments == tmp_path / "deployments"  # a manifest stays with its chain
    assert from_environment.api_port == 8551 and parse_settings(["--api-port", "8552"], environment).api_port == 8552
    chosen = parse_settings(["--chain-port", "9999", "--deployments", str(tmp_path / "m"), "--no-dapp"], environment)
    assert (chosen.chain_port, chosen.dapp_port, chosen.deployments, chosen.serve_dapp) == (9999, 5180, tmp_path / "m", False)
    assert chosen.rpc_url == "http://127.0.0.1:9999" and chosen.lock_file == tmp_path / "up.pid"


def test_a_signal_during_a_step_stops_after_the_step():
    from keiretsu.up import Interruptions

    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    said: list[str] = []
    interruptions = Interruptions(said.append)
    interruptions.install()
    try:
        finished = []
        with pytest.raises(KeyboardInterrupt):
            with interruptions.step():
                os.kill(os.getpid(), signal.SIGTERM)
                os.kill(os.getpid(), signal.SIGINT)
                finished.append("step")
        assert finished == ["step"] and said == ["stopping after the current step"]
        with pytest.raises(KeyboardInterrupt):  # outside a step, at once
            os.kill(os.getpid(), signal.SIGINT)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
