"""Issue 14: the index of the platform's events, on SQLite.

`index_backfill_events_per_second`: a chain of at least 20,000 platform events, made by
keiretsu/load.py's machinery (the platform deployed with its own manifest, then random orders sent
as raw JSON-RPC batches, twenty per block), indexed from scratch by `Follower.backfill`.

`index_lag_ms`: with `python -m keiretsu.index follow` and `python -m keiretsu.api` (on the port after
the benchmark chain's) running as `make up` runs them (the follower resuming the backfilled index,
polling every 0.5 s), the median time from a trade's receipt to the trade's row in the API's trade tape. The trades are sent at
random moments of the follower's polling cycle: sent right after the previous one appeared, each
would arrive just as the follower starts waiting, and measure the whole interval.
`index_follow_peak_rss_mb`: the follower process's peak resident memory (VmHWM) at the end of that run.

`api_statement_ms_at_100k_trades` and `api_register_ms_at_10k_holders`: the 95th percentile of the
read API's answer time, asked over HTTP of `python -m keiretsu.api` (a uvicorn subprocess, as `make
up` runs it) on SQLite. The index it reads is SYNTHETIC: rows written straight into the index's
tables with the schema's own types (Amount and all), because making 100,000 trades and 10,000
holders on anvil (200,000 orders sent and mined, then indexed) would dominate the whole benchmark's
time. The rows are consistent as the endpoints read them: 10,000 holders minted shares, 1,000 of
them also cash, then 100,000 trades among those 1,000, one per block five minutes apart, each a
transaction with the share Transfer, the cash Transfer and the Trade (in `events`, `transfers` and
`trades`), `balances` folded from the transfers with each token's `supplies` row, and a record date
half way, passed, with its snapshot (`record_dates`, `record_balances`) as the follower takes it. The
statement is one trader's over 30 days; `api_register_ms_at_10k_holders` is the slower of the
register's first page (100 holders, the API's default) now and at the record date;
`api_register_page_ms_at_10k_holders` and `api_register_record_date_page_ms_at_10k_holders` are each
of them, `api_register_csv_ms_at_10k_holders` the whole register downloaded as CSV (10,000 rows,
streamed). `api_peak_rss_mb`: the API process's peak resident memory (VmHWM) after those requests.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import insert

from bench.context import BenchContext
from keiretsu.chain import CHAIN_ID, REPO, rpc
from keiretsu.index.database import engine_for
from keiretsu.index.follower import Follower
from keiretsu.index import schema
from keiretsu.index.projection import ZERO
from keiretsu.index.roots import manifest_roots
from keiretsu.load import BUY, IOC, GTC, SELL, LoadResult, LoadSetup, Trading, _calldata, prepare_connected

EVENTS = 20_000
ROUNDS_PER_BATCH = 50  # blocks of twenty orders between two counts of the events
LAG_TRADES = 30
FOLLOW_POLL_SECONDS = 0.5  # `python -m keiretsu.index follow`'s default, which `make up` runs
POLL_SECONDS = 0.01  # how often the benchmark asks the API (well under the follower's 0.5 s)
PLACE_ORDER = "place_order(uint8,uint256,uint256,uint8,uint256,uint256)"
ORDER_TYPES = ["uint8", "uint256", "uint256", "uint8", "uint256", "uint256"]
# The synthetic index for the API's figures (see the module docstring).
SYNTHETIC_HOLDERS = 10_000
SYNTHETIC_TRADERS = 1_000
SYNTHETIC_TRADES = 100_000
SYNTHETIC_START = 1_767_225_600  # 2026-01-01, the first block's time
SYNTHETIC_BLOCK_SECONDS = 300
SYNTHETIC_SYMBOL = "SYN"
STATEMENT_FROM_DAY, STATEMENT_DAYS = 180, 30
API_WARMUP, API_REQUESTS = 3, 40


def _events_on_chain(setup: LoadSetup, log) -> int:
    """Trades until the load alone logged EVENTS platform events; returns how many it logged."""
    trading, result = Trading(setup), LoadResult()
    while result.events < EVENTS:
        trading.run(ROUNDS_PER_BATCH, result)
        log(f"bench: index chain has {result.events:,} load events")
    return result.events


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


def _get(url: str) -> bytes:
    """The whole answer, JSON or a CSV download."""
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read()


def _wait_for(url: str, api: subprocess.Popen) -> None:
    """Until the API at `url` answers (a minute at most)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            _get_json(url)
            return
        except OSError:
            if time.monotonic() > deadline or api.poll() is not None:
                raise RuntimeError("bench: the index API did not come up") from None
            time.sleep(0.1)


def _send(url: str, sender: str, market: str, order: list) -> dict:
    """One order, mined at once (automine); its receipt."""
    tx = rpc(url, "eth_sendTransaction", [{"from": sender, "to": market, "data": _calldata(PLACE_ORDER, ORDER_TYPES, order),
                                            "gas": hex(1_200_000)}])
    while (receipt := rpc(url, "eth_getTransactionReceipt", [tx])) is None:
        time.sleep(0.001)
    return receipt


def _lag_ms(setup: LoadSetup, database_url: str, api_port: int) -> tuple[float, float]:
    """Median milliseconds from a trade's receipt to its row in the API, while following; and the
    follower's peak memory in MiB."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    quiet = {"cwd": REPO, "env": environment, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    follower = subprocess.Popen([sys.executable, "-m", "keiretsu.index", "follow", "--rpc-url", setup.url,
                                 "--database-url", database_url, "--deployments", setup.deployments,
                                 "--poll-seconds", str(FOLLOW_POLL_SECONDS)], **quiet)
    api = subprocess.Popen([sys.executable, "-m", "keiretsu.api", "--database-url", database_url, "--port", str(api_port)], **quiet)
    trades_url = f"http://127.0.0.1:{api_port}/securities/LOAD/trades"
    try:
        _wait_for(trades_url + "?limit=1", api)
        seller, buyer = setup.traders[0], setup.traders[1]
        lags, moments = [], random.Random(1)
        for _ in range(LAG_TRADES):
            time.sleep(moments.uniform(0, FOLLOW_POLL_SECONDS))
            _send(setup.url, seller, setup.market, [SELL, 60_000 - 1, 1, GTC, 0, 8])
            # A buy at the highest tick meets the best ask: one trade at least.
            receipt = _send(setup.url, buyer, setup.market, [BUY, 60_000, 1, IOC, 0, 8])
            received = time.monotonic()
            block = int(receipt["blockNumber"], 16)
            while not any(t["tx_hash"] == receipt["transactionHash"]
                          for t in _get_json(f"{trades_url}?limit=100&cursor={block - 1}-0")["items"]):
                time.sleep(POLL_SECONDS)
            lags.append((time.monotonic() - received) * 1000)
        follower_rss_mb = _peak_rss_mb(follower.pid)
    finally:
        for process in (follower, api):
            process.terminate()
            process.wait()
    return statistics.median(lags), follower_rss_mb


def _peak_rss_mb(pid: int) -> float:
    """A live process's peak resident memory (Linux's VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"bench: no VmHWM for process {pid}")


def _address(kind: int, number: int) -> str:
    """A synthetic lowercase address: `kind` in the first byte keeps contracts and holders apart."""
    return f"0x{kind:02x}{number:038x}"


def _synthetic_index(database_url: str) -> dict:
    """Writes the synthetic index (see the module docstring); returns what the requests need."""
    token, cash, market, factory = (_address(0xC0, n) for n in range(4))
    holders = [_address(0xAA, n + 1) for n in range(SYNTHETIC_HOLDERS)]
    traders = holders[:SYNTHETIC_TRADERS]
    events, transfers, trades = [], [], []
    balances: dict[tuple[str, str], int] = {}

    def happen(block: int, log_index: int, tx_hash: str, contract: str, name: str, args: dict) -> None:
        events.append({"block_number": block, "log_index": log_index, "tx_hash": tx_hash,
                       "block_time": SYNTHETIC_START + block * SYNTHETIC_BLOCK_SECONDS, "contract": contract,
                       "name": name, "args": json.dumps(args)})

    def transfer(block: int, log_index: int, tx_hash: str, asset: str, sender: str, receiver: str, value: int) -> None:
        happen(block, log_index, tx_hash, asset, "Transfer", {"sender": sender, "receiver": receiver, "value": value})
        transfers.append({"block_number": block, "log_index": log_index, "tx_hash": tx_hash,
                          "block_time": SYNTHETIC_START + block * SYNTHETIC_BLOCK_SECONDS, "token": asset, "sender": sender,
                          "receiver": receiver, "amount": value, "kind": "mint" if sender == ZERO else "transfer"})
        for account, change in ((sender, -value), (receiver, value)):
            if account != ZERO:
                balances[asset, account] = balances.get((asset, account), 0) + change

    # Block 0: the mints, one transaction per hundred holders.
    for n, holder in enumerate(holders):
        transfer(0, n, f"0x{n // 100:064x}", token, ZERO, holder, 1_000_000)
    for n, trader in enumerate(traders):
        transfer(0, SYNTHETIC_HOLDERS + n, f"0x{(SYNTHETIC_HOLDERS + n) // 100:064x}", cash, ZERO, trader, 10**15)
    choose = random.Random(14)
    middle = SYNTHETIC_TRADES // 2
    record_time = SYNTHETIC_START + middle * SYNTHETIC_BLOCK_SECONDS
    for number in range(1, SYNTHETIC_TRADES + 1):
        if number == middle:  # the token counts the block timed at the record date as after it
            at_record = {account: balance for (asset, account), balance in balances.items() if asset == token and balance > 0}
        seller, buyer = choose.sample(traders, 2)
        tick, lots = choose.randint(9_000, 11_000), choose.randint(1, 10)
        tx_hash, value = f"0x{0xFF:02x}{number:062x}", tick * lots * 10_000
        transfer(number, 0, tx_hash, token, seller, buyer, lots)
        transfer(number, 1, tx_hash, cash, buyer, seller, value)
        trade = {"maker_order_id": number, "maker": seller, "taker": buyer, "taker_side": 0, "tick": tick, "lots": lots,
                 "cash": value, "maker_fee": 0, "taker_fee": 0}
        happen(number, 2, tx_hash, market, "Trade", trade)
        trades.append({"block_number": number, "log_index": 2, "tx_hash": tx_hash,
                       "block_time": SYNTHETIC_START + number * SYNTHETIC_BLOCK_SECONDS, "market": market, **trade})
    happen(middle, 3, f"0x{0xFE:02x}{middle:062x}", token, "RecordDateScheduled", {"record_date_id": 1, "timestamp": record_time})

    engine = engine_for(database_url)
    schema.metadata.create_all(engine)
    with engine.begin() as db:
        db.execute(insert(schema.meta), {"id": 1, "schema_version": schema.SCHEMA_VERSION, "chain_id": CHAIN_ID,
                                         "genesis_hash": "0x" + "00" * 32, "start_block": 0, "last_block": SYNTHETIC_TRADES,
                                         "last_block_hash": f"0x{SYNTHETIC_TRADES:064x}"})
        db.execute(insert(schema.contracts), [{"address": address, "kind": kind, "security": security, "discovered_block": 0}
                                              for address, kind, security in ((factory, "root", None), (token, "security", None),
                                                                              (market, "market", token))])
        db.execute(insert(schema.securities), {"token": token, "factory": factory, "listing_index": 0, "isin": "CH0000000014",
                                               "symbol": SYNTHETIC_SYMBOL, "issuer": holders[-1], "market": market,
                                               "offering": None, "status": 1, "issued_block": 0, "issued_tx": "0x" + "00" * 32})
        db.execute(insert(schema.markets), {"address": market, "token": token, "lot_size": 1, "tick_size": 10_000})
        db.execute(insert(schema.events), events)
        db.execute(insert(schema.transfers), transfers)
        db.execute(insert(schema.trades), trades)
        db.execute(insert(schema.balances), [
            {"token": asset, "account": account, "balance": balance, "held": 0, "frozen": 0, "wallet_frozen": False,
             "updated_block": SYNTHETIC_TRADES} for (asset, account), balance in balances.items()])
        db.execute(insert(schema.supplies), [
            {"token": asset, "supply": sum(b for (a, _), b in balances.items() if a == asset),
             "holder_count": sum(1 for (a, _), b in balances.items() if a == asset and b > 0), "updated_block": SYNTHETIC_TRADES}
            for asset in (token, cash)])
        db.execute(insert(schema.record_dates), {"token": token, "record_date_id": 1, "timestamp": record_time, "cancelled": False,
                                                 "snapshot_block": middle, "supply": sum(at_record.values()),
                                                 "holder_count": len(at_record)})
        db.execute(insert(schema.record_balances), [{"token": token, "record_date_id": 1, "account": account, "balance": balance}
                                                    for account, balance in at_record.items()])
    engine.dispose()
    statement_from = SYNTHETIC_START + STATEMENT_FROM_DAY * 86_400
    return {"statement": f"/wallets/{traders[0]}/statement?from={statement_from}&to={statement_from + STATEMENT_DAYS * 86_400 - 1}",
            "register": f"/securities/{SYNTHETIC_SYMBOL}/register",
            "register_at_record_date": f"/securities/{SYNTHETIC_SYMBOL}/register?record_date=1",
            "register_csv": f"/securities/{SYNTHETIC_SYMBOL}/register.csv"}


def _p95_ms(url: str) -> float:
    for _ in range(API_WARMUP):
        _get(url)
    times = []
    for _ in range(API_REQUESTS):
        started = time.perf_counter()
        _get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[-1]


def _api_figures(api_port: int, log) -> dict[str, float]:
    """The API's p95 answer times over the synthetic index, and its peak memory."""
    # Removed afterwards: the synthetic index takes some 400 MB.
    with tempfile.TemporaryDirectory(prefix="keiretsu-bench-api-") as directory:
        database_url = f"sqlite:///{Path(directory) / 'index.sqlite'}"
        started = time.monotonic()
        paths = _synthetic_index(database_url)
        log(f"bench: synthetic index of {SYNTHETIC_TRADES:,} trades written in {time.monotonic() - started:.1f} s")
        api = subprocess.Popen([sys.executable, "-m", "keiretsu.api", "--database-url", database_url, "--port", str(api_port)],
                               cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{api_port}"
        try:
            _wait_for(f"{base}/securities", api)
            p95 = {name: _p95_ms(base + path) for name, path in paths.items()}
            rss_mb = _peak_rss_mb(api.pid)
        finally:
            api.terminate()
            api.wait()
    log(f"bench: API p95 ms over the synthetic index: {', '.join(f'{name} {ms:.1f}' for name, ms in p95.items())}")
    return {"api_statement_ms_at_100k_trades": round(p95["statement"], 1),
            "api_register_ms_at_10k_holders": round(max(p95["register"], p95["register_at_record_date"]), 1),
            "api_register_page_ms_at_10k_holders": round(p95["register"], 1),
            "api_register_record_date_page_ms_at_10k_holders": round(p95["register_at_record_date"], 1),
            "api_register_csv_ms_at_10k_holders": round(p95["register_csv"], 1),
            "api_peak_rss_mb": round(rss_mb, 1)}


def measure(ctx: BenchContext) -> dict[str, float]:
    def log(line: str) -> None:
        print(line, file=sys.stderr)

    url = ctx.chain.provider.uri
    api_port = int(url.rsplit(":", 1)[1]) + 1  # next to the benchmark's own anvil
    setup = prepare_connected(url, log=lambda line: None)
    _events_on_chain(setup, log)
    database_url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='keiretsu-bench-index-')) / 'index.sqlite'}"
    roots, start_block = manifest_roots(CHAIN_ID, Path(setup.deployments))
    follower = Follower(url, engine_for(database_url), roots, start_block, log=log)
    started = time.monotonic()
    events = follower.backfill()
    seconds = time.monotonic() - started
    log(f"bench: indexed {events:,} events in {seconds:.2f} s")
    lag_ms, follower_rss_mb = _lag_ms(setup, database_url, api_port)
    return {
        "index_backfill_events_per_second": round(events / seconds, 1),
        "index_lag_ms": round(lag_ms, 1),
        "index_follow_peak_rss_mb": round(follower_rss_mb, 1),
        **_api_figures(api_port, log),
    }
