"""Reconciliation (issue 14): the index compared with the chain it indexes, one line per difference.

Every account (balance on every token; on a security also held, frozen and whether the wallet is
frozen), every token's supply and holder count, every passed record date's snapshot (each account
that ever held the token, the supply and the holder count then, against balanceOfAt and
totalSupplyAt), every resting order and its escrow, the open orders each known account has on the chain,
every dividend (declared amount, claimed total), investor, offering (total subscribed, state),
subscription, tally and ballot. The index's rows are read in one database transaction together with
its last indexed block, and the chain's views are read at that block, so an index being followed
while the chain moves on still reconciles. Views go in JSON-RPC batches of VIEWS_PER_BATCH.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Engine

from keiretsu.index import schema
from keiretsu.index.database import engine_for
from keiretsu.index.follower import Follower
from keiretsu.rpc_batch import View, read_views

VIEWS_PER_BATCH = 500
OPEN = ("open", "partially_filled")
# The offering's state() once closed; a live offering reads 0 (pending), 1 (open) or 2 (ended).
CLOSED_STATES = {"succeeded": 3, "failed": 4, "cancelled": 5}
LIVE_STATES = (0, 1, 2)
# open_orders(owner, side, levels, per level) is a bounded view: the deepest search it allows.
OPEN_ORDER_LEVELS, OPEN_ORDERS_PER_LEVEL = 50, 100
ORDER = ("address", "uint8", "uint256", "uint256", "uint256")  # owner, side, tick, remaining, expiry
DIVIDEND = ("(address,uint256,uint256,uint256,uint256,uint256,address[],bool,uint256,uint256,bool)",)
AMOUNT, CLAIMED = 1, 9  # positions in DIVIDEND
INVESTOR = ("bytes20", "uint8", "uint16", "uint256", "uint8", "bool")
NO_IDENTITY = "0x" + "0" * 40


def rows(connection: Connection, table: Table, *conditions) -> list[dict]:
    """The table's rows in the order of its primary key, so differences come in a stable order."""
    query = select(table).where(*conditions).order_by(*table.primary_key.columns)
    return [dict(row) for row in connection.execute(query).mappings()]


def read_in_batches(url: str, views: list[View], block: int) -> Iterator[Any]:
    """Every view's value at `block`, in order, VIEWS_PER_BATCH to a request."""
    for start in range(0, len(views), VIEWS_PER_BATCH):
        yield from read_views(url, views[start : start + VIEWS_PER_BATCH], hex(block))


def fresh_index_differences(url: str, roots: list[str], start_block: int, database_url: str | None = None) -> list[str]:
    """Indexes the chain at `url` from `start_block` into a fresh index (Follower backfill from
    `roots`) and returns its `differences` with the chain: the check the invariant fuzzer and
    `make load` end with. The index is a new SQLite file in a temporary folder, removed afterwards,
    or, given `database_url`, that database emptied first."""
    with tempfile.TemporaryDirectory(prefix="keiretsu-reconcile-") as folder:
        engine = engine_for(database_url or f"sqlite:///{Path(folder) / 'index.sqlite'}")
        try:
            schema.metadata.drop_all(engine)
            Follower(url, engine, roots, start_block, log=lambda line: None).backfill()
            return differences(url, engine)
        finally:
            engine.dispose()


def differences(url: str, engine: Engine) -> list[str]:
    """Every difference between the index in `engine` and the chain behind `url`, one line each,
    "<what>: chain <value>, index <value>"; empty when they agree."""
    with engine.connect() as connection, connection.begin():
        [position] = rows(connection, schema.meta)
        accounts = rows(connection, schema.balances)
        supplies = rows(connection, schema.supplies)
        record_dates = rows(connection, schema.record_dates, schema.record_dates.c.snapshot_block.is_not(None))
        snapshots = rows(connection, schema.record_balances)
        securities = rows(connection, schema.securities)
        orders = rows(connection, schema.orders)
        dividends = rows(connection, schema.dividends)
        investors = rows(connection, schema.investors)
        offerings = rows(connection, schema.offerings)
        subscriptions = rows(connection, schema.subscriptions)
        votes = rows(connection, schema.votes)
        ballots = rows(connection, schema.ballots)
        documents = rows(connection, schema.documents)
        fee_changes = rows(connection, schema.fee_changes)
        registry_of = _registries(connection)
    security_tokens = {s["token"] for s in securities}
    on_securities = [a for a in accounts if a["token"] in security_tokens]
    resting = [o for o in orders if o["status"] in OPEN]
    # Who may have orders on a market: its order owners and every holder of its token or of cash.
    cash_holders = {a["account"] for a in accounts if a["token"] not in security_tokens}
    traders = {
        s["market"]: sorted(cash_holders | {a["account"] for a in on_securities if a["token"] == s["token"]}
                            | {o["owner"] for o in orders if o["market"] == s["market"]})
        for s in securities if s["market"]
    }

    # Per passed record date, the accounts to ask balanceOfAt: every account that ever held the token
    # (a balances row stays at 0) and any the snapshot names.
    holders_ever: dict[str, set[str]] = {}
    for a in accounts:
        holders_ever.setdefault(a["token"], set()).add(a["account"])
    snapshot_of: dict[tuple[str, int], dict[str, int]] = {}
    for row in snapshots:
        snapshot_of.setdefault((row["token"], row["record_date_id"]), {})[row["account"]] = row["balance"]
    asked = [(r, sorted(holders_ever.get(r["token"], set()) | snapshot_of.get((r["token"], r["record_date_id"]), {}).keys()))
             for r in record_dates]

    views = [View(a["token"], "balanceOf(address)", (a["account"],)) for a in accounts]
    views += [View(s["token"], "totalSupply()") for s in supplies]
    views += [View(r["token"], "totalSupplyAt(uint256)", (r["record_date_id"],)) for r, _ in asked]
    views += [View(r["token"], "balanceOfAt(address,uint256)", (account, r["record_date_id"])) for r, holders in asked for account in holders]
    views += [View(a["token"], "held_balance(address)", (a["account"],)) for a in on_securities]
    views += [View(a["token"], "getFrozenTokens(address)", (a["account"],)) for a in on_securities]
    views += [View(a["token"], "isFrozen(address)", (a["account"],), ("bool",)) for a in on_securities]
    views += [View(o["market"], "order(uint256)", (o["order_id"],), ORDER) for o in resting]
    views += [View(o["market"], "escrow_of(uint256)", (o["order_id"],)) for o in resting]
    views += [View(market, "open_orders(address,uint8,uint256,uint256)",
                   (owner, side, OPEN_ORDER_LEVELS, OPEN_ORDERS_PER_LEVEL), ("uint256[]",))
              for market, owners in traders.items() for owner in owners for side in (0, 1)]
    views += [View(d["contract"], "dividend(address,uint256)", (d["token"], d["dividend_id"]), DIVIDEND) for d in dividends]
    views += [View(registry_of[i["wallet"]], "investor(address)", (i["wallet"],), INVESTOR) for i in investors]
    views += [View(o["address"], signature, (), returns) for o in offerings
              for signature, returns in (("total_subscribed()", ("uint256",)), ("state()", ("uint8",)))]
    views += [View(s["offering"], signature, (s["investor"],), returns) for s in subscriptions
              for signature, returns in (("subscription_of(address)", ("uint256",)), ("is_settled(address)", ("bool",)))]
    views += [View(v["contract"], "tally(address,uint256)", (v["token"], v["vote_id"]), ("uint256[]",)) for v in votes]
    views += [View(b["contract"], "ballot(address,uint256,address)", (b["token"], b["vote_id"], b["voter"]),
                   ("(bool,uint256,uint256)",)) for b in ballots]
    views += [View(d["token"], "getDocument(bytes32)", (bytes.fromhex(d["name"][2:]),), ("string", "bytes32", "uint256"))
              for d in documents]
    fee_schedules = {f["market"]: f for f in fee_changes}  # rows in chain order: the last change of each market stands
    views += [View(market, "fees()", (), ("uint256", "uint256")) for market in fee_schedules]
    values = read_in_batches(url, views, position["last_block"])

    problems: list[str] = []

    def compare(what: str, on_chain: Any, indexed: Any) -> None:
        if on_chain != indexed:
            problems.append(f"{what}: chain {on_chain}, index {indexed}")

    chain_holders: dict[str, int] = {}
    for a in accounts:
        balance = next(values)
        chain_holders[a["token"]] = chain_holders.get(a["token"], 0) + (balance > 0)
        compare(f"balance of {a['account']} on {a['token']}", balance, a["balance"])
    for s in supplies:
        compare(f"supply of {s['token']}", next(values), s["supply"])
        compare(f"holder count of {s['token']}", chain_holders.get(s["token"], 0), s["holder_count"])
    for r, _ in asked:
        compare(f"supply of {r['token']} at record date {r['record_date_id']}", next(values), r["supply"])
    for r, holders in asked:
        snapshot, holding = snapshot_of.get((r["token"], r["record_date_id"]), {}), 0
        for account in holders:
            balance = next(values)
            holding += balance > 0
            compare(f"balance of {account} on {r['token']} at record date {r['record_date_id']}", balance, snapshot.get(account, 0))
        compare(f"holder count of {r['token']} at record date {r['record_date_id']}", holding, r["holder_count"])
    for column in ("held", "frozen", "wallet_frozen"):
        for a in on_securities:
            compare(f"{column} of {a['account']} on {a['token']}", next(values), a[column])
    for o in resting:
        owner, side, tick, remaining, expiry = next(values)
        compare(f"order {o['order_id']} on {o['market']} (owner, side, tick, remaining, expiry)",
                (owner.lower(), side, tick, remaining, expiry), (o["owner"], o["side"], o["tick"], o["remaining"], o["expiry"]))
    for o in resting:
        compare(f"escrow of order {o['order_id']} on {o['market']}", next(values), o["escrow"])
    indexed_open = {(o["market"], o["order_id"]) for o in resting}
    chain_open = {(market, order_id) for market, owners in traders.items() for _ in owners for _side in (0, 1)
                  for order_id in next(values)}
    for market, order_id in sorted(chain_open - indexed_open):
        problems.append(f"order {order_id} on {market}: chain open, index {_status(orders, market, order_id)}")
    for market, order_id in sorted(indexed_open - chain_open):
        problems.append(f"order {order_id} on {market}: chain not among its owner's open orders, index open")
    for d in dividends:
        state = next(values)
        compare(f"dividend {d['dividend_id']} of {d['token']} (amount, claimed)",
                (state[AMOUNT], state[CLAIMED]), (d["amount"], d["paid"]))
    for i in investors:
        identity, kind, country, expiry, flags, _ = next(values)
        indexed = (i["identity"], i["kind"], i["country"], i["kyc_expiry"], i["flags"]) if i["registered"] else (NO_IDENTITY, 0, 0, 0, 0)
        compare(f"investor {i['wallet']} (identity, kind, country, KYC expiry, flags)",
                ("0x" + identity.hex(), kind, country, expiry, flags), indexed)
    for o in offerings:
        total, state = next(values), next(values)
        indexed_state = CLOSED_STATES.get(o["status"], state if state in LIVE_STATES else "live")
        if (total, state) != (o["total_subscribed"], indexed_state):
            problems.append(f"offering {o['address']} (total subscribed, state): chain {(total, state)}, "
                            f"index {(o['total_subscribed'], o['status'])}")
    for s in subscriptions:
        compare(f"subscription of {s['investor']} to {s['offering']} (subscribed, settled)",
                (next(values), next(values)), (s["subscribed"], s["settled"]))
    for v in votes:
        compare(f"tally of vote {v['vote_id']} on {v['token']}", list(next(values)), json.loads(v["tally"]))
    for b in ballots:
        compare(f"ballot of {b['voter']} in vote {b['vote_id']} on {b['token']} (voted, choice, weight)",
                tuple(next(values)), (True, b["choice"], b["weight"]))
    for d in documents:
        uri, document_hash, updated = next(values)
        # A withdrawn document reads as empty on the token.
        indexed = ("", "0x" + "00" * 32, 0) if d["removed"] else (d["uri"], d["document_hash"], d["updated_time"])
        compare(f"document {d['name']} of {d['token']} (uri, hash, updated)", (uri, "0x" + document_hash.hex(), updated), indexed)
    for market, schedule in fee_schedules.items():
        compare(f"fees of {market} (maker, taker bps)", tuple(next(values)), (schedule["maker_fee_bps"], schedule["taker_fee_bps"]))
    return problems


def _status(orders: list[dict], market: str, order_id: int) -> str:
    return next((o["status"] for o in orders if (o["market"], o["order_id"]) == (market, order_id)), "missing")


def _registries(connection: Connection) -> dict[str, str]:
    """Each indexed wallet's identity registry: the contract that logged its last change."""
    changes, events = schema.investor_changes, schema.events
    query = (select(changes.c.wallet, events.c.contract)
             .join(events, (events.c.block_number == changes.c.block_number) & (events.c.log_index == changes.c.log_index))
             .order_by(changes.c.block_number, changes.c.log_index))
    return {wallet: contract for wallet, contract in connection.execute(query)}
