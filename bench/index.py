"""Issue 14: the index of the platform's events, on SQLite.

`index_backfill_events_per_second`: a chain of at least 20,000 platform events, made by
keiretsu/load.py's machinery (the platform deployed with its own manifest, then random orders sent
as raw JSON-RPC batches, twenty per block), indexed from scratch by `Follower.backfill`.

`index_lag_ms`: with `python -m keiretsu.index follow` and `python -m keiretsu.api` (on the port after
the benchmark chain's) running as `make up` runs them (the follower resuming the backfilled index,
polling every 0.5 s), the median time from a trade's receipt to the trade's row in the API's trade tape. The trades are sent at
random moments of the follower's polling cycle: sent right after the previous one appeared, each
would arrive just as the follower starts waiting, and measure the whole interval.
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

from bench.context import BenchContext
from keiretsu.chain import CHAIN_ID, REPO, rpc
from keiretsu.index.database import engine_for
from keiretsu.index.follower import Follower
from keiretsu.index.roots import manifest_roots
from keiretsu.load import BUY, IOC, GTC, SELL, LoadResult, LoadSetup, Trading, _calldata, prepare_connected

EVENTS = 20_000
ROUNDS_PER_BATCH = 50  # blocks of twenty orders between two counts of the events
LAG_TRADES = 30
FOLLOW_POLL_SECONDS = 0.5  # `python -m keiretsu.index follow`'s default, which `make up` runs
POLL_SECONDS = 0.01  # how often the benchmark asks the API (well under the follower's 0.5 s)
PLACE_ORDER = "place_order(uint8,uint256,uint256,uint8,uint256,uint256)"
ORDER_TYPES = ["uint8", "uint256", "uint256", "uint8", "uint256", "uint256"]


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


def _send(url: str, sender: str, market: str, order: list) -> dict:
    """One order, mined at once (automine); its receipt."""
    tx = rpc(url, "eth_sendTransaction", [{"from": sender, "to": market, "data": _calldata(PLACE_ORDER, ORDER_TYPES, order),
                                            "gas": hex(1_200_000)}])
    while (receipt := rpc(url, "eth_getTransactionReceipt", [tx])) is None:
        time.sleep(0.001)
    return receipt


def _lag_ms(setup: LoadSetup, database_url: str, api_port: int) -> float:
    """Median milliseconds from a trade's receipt to its row in the API, while following."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    quiet = {"cwd": REPO, "env": environment, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    follower = subprocess.Popen([sys.executable, "-m", "keiretsu.index", "follow", "--rpc-url", setup.url,
                                 "--database-url", database_url, "--deployments", setup.deployments,
                                 "--poll-seconds", str(FOLLOW_POLL_SECONDS)], **quiet)
    api = subprocess.Popen([sys.executable, "-m", "keiretsu.api", "--database-url", database_url, "--port", str(api_port)], **quiet)
    trades_url = f"http://127.0.0.1:{api_port}/securities/LOAD/trades"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get_json(trades_url + "?limit=1")
                break
            except OSError:
                if time.monotonic() > deadline or api.poll() is not None:
                    raise RuntimeError("bench: the index API did not come up") from None
                time.sleep(0.1)
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
    finally:
        for process in (follower, api):
            process.terminate()
            process.wait()
    return statistics.median(lags)


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
    return {
        "index_backfill_events_per_second": round(events / seconds, 1),
        "index_lag_ms": round(_lag_ms(setup, database_url, api_port), 1),
    }
