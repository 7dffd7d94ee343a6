"""The index (issue 14, keiretsu/index/): a platform with trades, cancels, a recovery, freezes,
dividends, changes to its investors, an oversubscribed offering and a shareholder vote is indexed
and every balance, hold and freeze, every open order with its escrow, every trade, every dividend's
totals, every investor, subscription, offering, tally and ballot, and every row's block timestamp is
compared with the chain; a node that refuses large log ranges
is met with smaller ones; a reset chain (history rewritten under a running follower, or a new
chain with another genesis) and a new schema version rebuild the index from scratch.

Each test taking `database_url` (tests/fixtures/postgres.py) runs on SQLite and on a throwaway
PostgreSQL."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from eth_abi import encode
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, update
from sqlalchemy.exc import DBAPIError

from keiretsu.chain import LocalChain, rpc
from keiretsu.index import schema
from keiretsu.index.database import engine_for
from keiretsu.index.follower import Follower
from keiretsu.index.reconcile import differences
from keiretsu.replay import BUILD
from keiretsu.rpc_batch import rpc_batch
from tests.fixtures.dividends import DAY
from tests.fixtures.proof import provider_url, roots_of
from tests.fixtures.registry import ENTERPRISE, QUALIFIED
from tests.test_replay import scripted_scenario

# The tables whose rows record a happening, with the columns naming its block and that block's time.
STAMPED = [
    (schema.events, "block_number", "block_time"), (schema.transfers, "block_number", "block_time"),
    (schema.trades, "block_number", "block_time"), (schema.dividend_payments, "block_number", "block_time"),
    (schema.investor_changes, "block_number", "block_time"), (schema.subscription_events, "block_number", "block_time"),
    (schema.orders, "placed_block", "placed_time"), (schema.dividends, "declared_block", "declared_time"),
    (schema.investors, "registered_block", "registered_time"), (schema.investors, "updated_block", "updated_time"),
    (schema.offerings, "initialized_block", "initialized_time"), (schema.offerings, "closed_block", "closed_time"),
    (schema.subscriptions, "updated_block", "updated_time"), (schema.votes, "opened_block", "opened_time"),
    (schema.ballots, "cast_block", "cast_time"), (schema.ballots, "changed_block", "changed_time"),
]
BESU_RANGE_ERROR = "Requested range exceeds maximum RPC range limit"
WAIT_SECONDS = 60


def follower_for(url: str, database_url: str, p, lines: list[str], **options) -> Follower:
    return Follower(url, engine_for(database_url), roots_of(p), p.start_block, log=lines.append, **options)


def rows(follower: Follower, table: Table, *conditions) -> list[dict]:
    """The table's rows in the order of its primary key (PostgreSQL keeps no insertion order)."""
    with follower.engine.connect() as connection:
        query = select(table).where(*conditions).order_by(*table.primary_key.columns)
        return [dict(r) for r in connection.execute(query).mappings()]


def indexed_head(follower: Follower) -> int | None:
    """The last indexed block, or None while the index is being (re)built."""
    try:
        return rows(follower, schema.meta)[0]["last_block"]
    except (DBAPIError, IndexError):
        return None


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"not within {WAIT_SECONDS} s: {what}"
        time.sleep(0.1)


def wrong_block_times(url: str, follower: Follower) -> list[str]:
    """Every row whose block time is not its block's timestamp on the chain."""
    stamped = [(table.name, row[block], row[time]) for table, block, time in STAMPED
               for row in rows(follower, table) if row[block] is not None]
    blocks = sorted({block for _, block, _ in stamped})
    times = dict(zip(blocks, (int(b["timestamp"], 16) for b in rpc_batch(url, [("eth_getBlockByNumber", [hex(n), False]) for n in blocks]))))
    return [f"{table} at block {block}: chain {times[block]}, index {time}" for table, block, time in stamped if times[block] != time]


def investors_offering_and_vote(chain, p, registrar, issuer) -> None:
    """After the scripted scenario: the registry changes an identity, revokes and reinstates one,
    removes dave's lost wallet; the offering is oversubscribed, closed early by the issuer and
    settled pro rata; a shareholder vote is opened and three holders vote, one changing his mind."""
    alice, bob, carol, dave, erin = p.people[:5]
    p.registry.update_identity([bob], ENTERPRISE, 276, chain.pending_timestamp + 400 * DAY, QUALIFIED, sender=registrar)
    p.registry.revoke_identity([erin], sender=registrar)
    p.registry.reinstate_identity([erin], sender=registrar)
    p.registry.remove_wallet(dave, sender=registrar)
    p.offering.subscribe(300, sender=alice)
    p.offering.subscribe(400, sender=bob)  # 780 subscribed for a hard cap of 600
    p.offering.close(sender=issuer)
    p.offering.settle_many([erin, alice, bob], sender=issuer)
    now = chain.pending_timestamp
    p.votes.open_vote(p.token, "Merge with Keiretsu Holdings?", ["yes", "no", "abstain"], now + 60, now + DAY, sender=issuer)
    chain.mine(timestamp=now + 120)
    vote_id = p.votes.vote_count(p.token)
    p.votes.vote(p.token, vote_id, 0, sender=alice)
    p.votes.vote(p.token, vote_id, 1, sender=bob)
    p.votes.vote(p.token, vote_id, 2, sender=erin)
    p.votes.vote(p.token, vote_id, 0, sender=bob)


def trades_on_chain(url: str, p) -> list[tuple[int, int, int, int]]:
    """(block, log index, lots, cash) of every Trade the market logged."""
    from keiretsu.index.decoding import decoders

    topic = next(t for t, d in decoders().items() if d.name == "Trade")
    logs = rpc(url, "eth_getLogs", [{"address": p.market.address, "fromBlock": hex(p.start_block), "toBlock": "latest", "topics": [topic]}])
    decoded = [decoders()[topic].decode(log["topics"], log["data"]) | {"b": int(log["blockNumber"], 16), "i": int(log["logIndex"], 16)} for log in logs]
    return [(d["b"], d["i"], d["lots"], d["cash"]) for d in decoded]


def test_index_of_a_traded_platform_matches_the_chain(chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    investors_offering_and_vote(chain, arena, registrar, issuer)
    url, lines = provider_url(chain), []
    follower = follower_for(url, database_url, arena, lines)
    events = follower.backfill()

    assert events > 100 and lines == []
    assert differences(url, follower.engine) == []
    assert wrong_block_times(url, follower) == []
    alice, bob, dave, erin = (arena.people[i].address.lower() for i in (0, 1, 3, 4))
    changes = {w: [c["change"] for c in rows(follower, schema.investor_changes, schema.investor_changes.c.wallet == w)]
               for w in (bob, dave, erin)}
    assert changes == {bob: ["registered", "updated"], dave: ["registered", "removed"], erin: ["registered", "revoked", "reinstated"]}
    [bob_row] = rows(follower, schema.investors, schema.investors.c.wallet == bob)
    assert (bob_row["kind"], bob_row["country"], bob_row["flags"]) == (ENTERPRISE, 276, QUALIFIED)
    spare = arena.people[6].address.lower()  # dave's new wallet, added to his identity before the recovery
    [spare_row] = rows(follower, schema.investors, schema.investors.c.wallet == spare)
    [dave_row] = rows(follower, schema.investors, schema.investors.c.wallet == dave)
    assert spare_row["registered"] and not dave_row["registered"] and spare_row["identity"] == dave_row["identity"]
    [offering] = rows(follower, schema.offerings)
    assert (offering["status"], offering["total_subscribed"]) == ("succeeded", 780)
    subscriptions = {s["investor"]: s for s in rows(follower, schema.subscriptions)}
    assert {s["investor"] for s in subscriptions.values() if s["settled"]} == {alice, bob, erin}
    for s in subscriptions.values():
        # Each investor's payment went to the issuer or came back: nothing stays in the offering.
        assert s["cash_paid"] == s["proceeds"] + s["refunded"] and s["refunded"] > 0
    assert subscriptions[erin]["allocated"] == arena.token.balanceOf(erin) > 0  # erin held no shares before
    # Pro rata to the hard cap of 600, rounded down per investor.
    assert [s["allocated"] for s in subscriptions.values()] == [arena.offering.allocation_of(i) for i in subscriptions]
    assert 600 - len(subscriptions) < sum(s["allocated"] for s in subscriptions.values()) <= 600
    [vote] = rows(follower, schema.votes)
    assert json.loads(vote["tally"])[1] == 0 and vote["votes_cast"] == sum(json.loads(vote["tally"]))
    assert {b["voter"]: b["choice"] for b in rows(follower, schema.ballots)} == {alice: 0, bob: 0, erin: 2}
    indexed_trades = [(t["block_number"], t["log_index"], t["lots"], t["cash"]) for t in rows(follower, schema.trades)]
    assert indexed_trades == trades_on_chain(url, arena) and len(indexed_trades) >= 4
    statuses = {o["status"] for o in rows(follower, schema.orders)}
    assert {"filled", "partially_filled", "cancelled"} <= statuses
    [listing] = rows(follower, schema.securities)
    on_chain = arena.factory.security_by_token(arena.token)
    # The status too: the factory reads its stored STATUS_OFFERING as listed once the offering closed.
    assert (listing["token"], listing["market"], listing["offering"], listing["isin"], listing["status"]) == (
        arena.token.address.lower(), on_chain.market.lower(), on_chain.offering.lower(), on_chain.isin, on_chain.status)
    [payment_count] = [len(rows(follower, schema.dividend_payments))]
    assert payment_count >= 4  # claimed, pushed twice, and carol's skipped payment
    # A second pass finds nothing new and changes nothing.
    assert follower.backfill() == 0
    assert differences(url, follower.engine) == []
    # The comparison sees a wrong investor, subscription, tally, ballot and block time.
    with follower.engine.begin() as connection:
        connection.execute(update(schema.investors).where(schema.investors.c.wallet == erin).values(country=4))
        connection.execute(update(schema.subscriptions).where(schema.subscriptions.c.investor == alice).values(subscribed=1))
        connection.execute(update(schema.votes).values(tally="[1, 0, 0]"))
        connection.execute(update(schema.ballots).where(schema.ballots.c.voter == bob).values(weight=1))
        connection.execute(update(schema.trades).values(block_time=0))
    problems = differences(url, follower.engine)
    token, offering_address = arena.token.address.lower(), arena.offering.address.lower()
    assert [problem.split(":")[0] for problem in problems] == [
        f"investor {erin} (identity, kind, country, KYC expiry, flags)",
        f"subscription of {alice} to {offering_address} (subscribed, settled)",
        f"tally of vote {vote['vote_id']} on {token}", f"ballot of {bob} in vote {vote['vote_id']} on {token} (voted, choice, weight)"]
    assert len(wrong_block_times(url, follower)) == len(indexed_trades)


def test_amounts_above_64_bits_are_exact(database_url):
    engine = engine_for(database_url)
    table = Table("amounts", MetaData(), Column("id", Integer, primary_key=True), Column("value", schema.Amount))
    table.create(engine)
    values = [0, 2**63, 2**256 - 1, 10**77 + 1]
    with engine.begin() as connection:
        connection.execute(insert(table), [{"id": i, "value": v} for i, v in enumerate(values)])
    with engine.connect() as connection:
        assert list(connection.execute(select(table.c.value).order_by(table.c.id)).scalars()) == values
        assert list(connection.execute(select(table.c.value).order_by(table.c.value)).scalars()) == sorted(values)


class RangeLimitedNode:
    """A JSON-RPC proxy in front of the chain that refuses, as Besu does, any eth_getLogs spanning
    more than `limit` blocks."""

    def __init__(self, upstream: str, limit: int):
        self.limit, self.refused = limit, 0
        node = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = json.loads(body)
                forwarded = urllib.request.Request(upstream, data=body, headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(forwarded) as response:
                    answer = json.load(response)
                for call, result in zip(request if isinstance(request, list) else [request], answer if isinstance(answer, list) else [answer]):
                    if call["method"] == "eth_getLogs" and node.too_wide(call["params"][0]):
                        node.refused += 1
                        result.pop("result", None)
                        result["error"] = {"code": -32005, "message": BESU_RANGE_ERROR}
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def too_wide(self, query: dict) -> bool:
        return int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1 > self.limit

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_ranges_halve_when_the_node_refuses_them(chain, arena, registrar, agent, issuer, operator, database_url, tmp_path):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    node = RangeLimitedNode(provider_url(chain), limit=3)
    lines: list[str] = []
    try:
        limited = follower_for(node.url, database_url, arena, lines, initial_range=1_000)
        events = limited.backfill()
    finally:
        node.close()
    direct = follower_for(provider_url(chain), f"sqlite:///{tmp_path / 'direct.sqlite'}", arena, lines, initial_range=100_000)

    assert direct.backfill() == events
    # Halved from 1,000 blocks to 3 or fewer in ten refusals at most, then never refused again.
    assert 0 < node.refused <= 10 and limited.range_size <= 3
    assert rows(limited, schema.events) == rows(direct, schema.events)
    assert differences(provider_url(chain), limited.engine) == []


def test_a_rewritten_history_under_a_running_follower_rebuilds_the_index(chain, arena, operator, database_url):
    url, lines = provider_url(chain), []
    follower = follower_for(url, database_url, arena, lines)
    before = chain.snapshot()
    alice, bob = arena.people[:2]
    arena.token.transfer(bob, 7, sender=alice)
    chain.mine(3)
    stop = threading.Event()
    running = threading.Thread(target=follower.follow, args=(stop, 0.05), daemon=True)
    running.start()
    try:
        head = chain.blocks.head.number
        wait_for(lambda: indexed_head(follower) == head, "the follower reached the head")
        chain.restore(before)
        arena.token.transfer(bob, 11, sender=alice)  # another history, longer than the indexed one
        chain.mine(5)
        head = chain.blocks.head.number
        wait_for(lambda: indexed_head(follower) == head, "the follower reached the new head")
    finally:
        stop.set()
        running.join()

    assert [line for line in lines if "reset" in line] == [lines[0]] and "now has another hash" in lines[0]
    moved = [t["amount"] for t in rows(follower, schema.transfers, schema.transfers.c.token == arena.token.address.lower(),
                                       schema.transfers.c.sender == alice.address.lower())]
    assert 11 in moved and 7 not in moved
    assert differences(url, follower.engine) == []


def test_a_schema_version_change_rebuilds_the_index(chain, arena, database_url, monkeypatch):
    url, lines = provider_url(chain), []
    follower_for(url, database_url, arena, lines).backfill()
    follower = follower_for(url, database_url, arena, lines)
    alice = arena.people[0].address.lower()
    with follower.engine.begin() as connection:  # a wrong row the rebuild must not keep
        connection.execute(update(schema.balances).where(schema.balances.c.account == alice).values(balance=1))
    follower.backfill()
    assert lines == [] and differences(url, follower.engine) != []  # same version: kept as it is

    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    follower_for(url, database_url, arena, lines).backfill()

    assert len(lines) == 1 and f"this indexer writes {schema.SCHEMA_VERSION}" in lines[0]
    assert rows(follower, schema.meta)[0]["schema_version"] == schema.SCHEMA_VERSION
    assert differences(url, follower.engine) == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def receipt(url: str, transaction: str) -> dict:
    """The receipt of a sent transaction: anvil answers eth_sendTransaction before it has mined the block."""
    for _ in range(200):
        found = rpc(url, "eth_getTransactionReceipt", [transaction])
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{transaction} was not mined within 10 s")


def deploy_cash(url: str, minted: int) -> str:
    """A CashToken deployed and minted from the dev account by plain JSON-RPC (no Ape on this chain)."""
    build = json.loads(Path(BUILD).read_text())["contractTypes"]["CashToken"]
    [sender] = rpc(url, "eth_accounts")[:1]
    code = build["deploymentBytecode"]["bytecode"] + encode(["string", "string", "uint8"], ["Digital Peso", "DPESO", 6]).hex()
    deployed = rpc(url, "eth_sendTransaction", [{"from": sender, "data": code, "gas": hex(5_000_000)}])
    cash = receipt(url, deployed)["contractAddress"]
    mint = "0x40c10f19" + encode(["address", "uint256"], [sender, minted]).hex()  # mint(address,uint256)
    rpc(url, "eth_sendTransaction", [{"from": sender, "to": cash, "data": mint, "gas": hex(200_000)}])
    return cash


def test_a_new_chain_under_a_running_follower_rebuilds_the_index(tmp_path, database_url):
    node = LocalChain(port=free_port(), state_dir=tmp_path / "chain")
    lines: list[str] = []
    stop = threading.Event()
    running: threading.Thread | None = None
    try:
        node.start()
        cash = deploy_cash(node.url, 1_000)
        follower = Follower(node.url, engine_for(database_url), [cash], 0, log=lines.append)
        running = threading.Thread(target=follower.follow, args=(stop, 0.05), daemon=True)
        running.start()

        def balance_rows() -> list[int] | None:
            try:
                return [r["balance"] for r in rows(follower, schema.balances)]
            except DBAPIError:  # being rebuilt
                return None

        wait_for(lambda: balance_rows() == [1_000], "the first chain indexed")
        old_genesis = rows(follower, schema.meta)[0]["genesis_hash"]
        node.stop()  # what `rm -rf chain` and a new `make up` do
        node.reset_state()
        time.sleep(1.1)  # anvil's genesis carries its start time: a new second, a new genesis
        node.start()
        assert deploy_cash(node.url, 2_500) == cash  # the same address on the new chain
        wait_for(lambda: balance_rows() == [2_500], "the new chain indexed")
    finally:
        stop.set()
        if running:
            running.join()
        node.stop()

    assert rows(follower, schema.meta)[0]["genesis_hash"] != old_genesis
    resets = [line for line in lines if "reset" in line]
    assert len(resets) == 1 and "genesis" in resets[0]
