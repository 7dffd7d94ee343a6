"""Crash recovery: the chain process is killed hard (SIGKILL) in the middle of a load run and
restarted from its state on disk.

What anvil guarantees, and what this test holds it to: anvil writes its whole state to
`--state` every `--state-interval` seconds (keiretsu/chain.py: STATE_INTERVAL_SECONDS) and on a
clean exit; SIGKILL skips the exit dump. So a transaction is durable once a periodic dump has run
after its receipt: one confirmed at least one interval (plus the time of a dump) before the kill
is still there after the restart, with the same block and status. Whatever was confirmed later
may or may not be; if it is, it is the same transaction in the same block. In every case the
restored chain is a consistent prefix: the books reconcile with its events, trading goes on, and
a fresh index of it on PostgreSQL (`make load` ends with one on SQLite) reconciles with it.
"""

import dataclasses
import os
import socket
import subprocess
import sys
import time

from keiretsu.chain import REPO, STATE_INTERVAL_SECONDS, LocalChain
from keiretsu.load import LoadSetup, Trading, index_differences, reconcile
from keiretsu.rpc_batch import rpc_batch

DUMP_MARGIN_SECONDS = 1.5  # one dump of this small state takes milliseconds; the margin is generous


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def receipts(url: str, hashes: list[str]) -> list[dict | None]:
    return rpc_batch(url, [("eth_getTransactionReceipt", [h]) for h in hashes])


def test_confirmed_transactions_survive_a_hard_kill(tmp_path, postgresql_database):
    node = LocalChain(port=free_port(), state_dir=tmp_path / "chain")
    node.start(log_path=tmp_path / "anvil.log")
    try:
        setup_file = tmp_path / "setup.json"
        subprocess.run(
            [sys.executable, "-m", "keiretsu.load", "--port", str(node.port), "--setup-only", str(setup_file)],
            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True, timeout=300,
        )
        setup = LoadSetup.load(setup_file)
        trading = Trading(setup, seed=7)
        durable = trading.run(rounds=10)
        assert durable.fills > 0 and durable.orders > 100
        time.sleep(STATE_INTERVAL_SECONDS + DUMP_MARGIN_SECONDS)
        # More orders, the last round still in the pool, and the kill right after them.
        late = trading.run(rounds=4, mine=False)
        node.kill()

        node.start(log_path=tmp_path / "anvil.log")
        survived = receipts(node.url, [c.hash for c in durable.confirmed])
        for confirmed, receipt in zip(durable.confirmed, survived):
            assert receipt is not None, f"{confirmed.hash} was confirmed before the last dump and is lost"
            assert (int(receipt["blockNumber"], 16), int(receipt["status"], 16)) == (confirmed.block, confirmed.status)
        for confirmed, receipt in zip(late.confirmed, receipts(node.url, [c.hash for c in late.confirmed])):
            if receipt is not None:
                assert (int(receipt["blockNumber"], 16), int(receipt["status"], 16)) == (confirmed.block, confirmed.status)
        assert reconcile(setup) == []

        # The restored chain trades on, its books still balance, and an index of it on PostgreSQL agrees with it.
        Trading(setup, seed=8).run(rounds=3)
        assert reconcile(setup) == []
        assert index_differences(setup, postgresql_database) == []
        # The reconciliation does see a unit out of place.
        first = setup.traders[0]
        skewed = dataclasses.replace(setup, shares={**setup.shares, first: setup.shares[first] + 1})
        [problem] = reconcile(skewed)
        assert problem.startswith(f"{first}: ") and "shares, the trades say" in problem
    finally:
        node.kill()
