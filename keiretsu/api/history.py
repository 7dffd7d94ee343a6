"""What the index's append-only tables say about the past: balances at a moment, a wallet's movements
with their causes, candles; a record date and its snapshot. Amounts are folded in Python because SQLite stores them as text
(keiretsu.index.schema.Amount) and cannot sum them exactly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, and_, or_, select

from keiretsu.index import schema
from keiretsu.reports import balances_from_transfers

# A transfer's cause is read from the other events of its transaction; the first group with an event
# there wins, so a recovery or a forced transfer is not mistaken for the plain transfer it logs.
CAUSES: list[tuple[str, frozenset[str]]] = [
    ("recovery", frozenset({"RecoverySuccess", "HoldingsRecovered"})),
    ("forced_transfer", frozenset({"ForcedTransfer"})),
    ("dividend", frozenset({"DividendDeclared", "DividendPaid", "DividendReclaimed", "DividendCancelled"})),
    ("subscription", frozenset({"Subscribed", "Withdrawn", "Settled", "Refunded"})),
    ("trade", frozenset({"Trade"})),
    ("order_escrow", frozenset({"OrderPlaced"})),
    ("order_release", frozenset({"OrderCancelled"})),
    ("market_withdrawal", frozenset({"CashWithdrawn"})),
]
CAUSE_EVENTS = frozenset().union(*(names for _, names in CAUSES))


def balances_until(db: Connection, token: str, time_condition) -> dict[str, int]:
    """Every account's balance of `token` after the transfers whose block time meets `time_condition`."""
    table = schema.transfers
    query = select(table.c.sender, table.c.receiver, table.c.amount).where(table.c.token == token, time_condition)
    return balances_from_transfers(db.execute(query))


def record_date(db: Connection, token: str, record_date_id: int) -> dict | None:
    """A token's record date as the index keeps it (schema.record_dates): when it falls, whether it
    was cancelled, and once passed its snapshot's block, supply and holder count; None for an id
    never scheduled."""
    table = schema.record_dates
    row = db.execute(select(table).where(table.c.token == token, table.c.record_date_id == record_date_id)).mappings().first()
    return None if row is None else dict(row)


def indexed_time(db: Connection) -> int | None:
    """The block time of the last event indexed: the index's "now"."""
    events = schema.events
    return db.execute(select(events.c.block_time).order_by(events.c.block_number.desc(), events.c.log_index.desc())
                      .limit(1)).scalar()


def wallet_transfers(db: Connection, wallet: str, since: int | None = None, before: int | None = None,
                     until: int | None = None) -> list[dict]:
    """The wallet's transfers on every token, in chain order, within the block-time bounds given
    (`since` and `until` included, `before` not)."""
    table = schema.transfers
    conditions = [or_(table.c.sender == wallet, table.c.receiver == wallet)]
    if since is not None:
        conditions.append(table.c.block_time >= since)
    if before is not None:
        conditions.append(table.c.block_time < before)
    if until is not None:
        conditions.append(table.c.block_time <= until)
    query = select(table).where(and_(*conditions)).order_by(table.c.block_number, table.c.log_index)
    return [dict(r) for r in db.execute(query).mappings()]


def causes_by_transaction(db: Connection, tx_hashes: Iterable[str]) -> dict[str, str]:
    """Per transaction, the cause its events give its transfers (absent: none of CAUSE_EVENTS)."""
    events = schema.events
    names: dict[str, set[str]] = defaultdict(set)
    hashes = sorted(set(tx_hashes))
    # In chunks: a statement over years has more transactions than a query should bind at once.
    for start in range(0, len(hashes), 500):
        query = select(events.c.tx_hash, events.c.name).where(
            events.c.tx_hash.in_(hashes[start:start + 500]), events.c.name.in_(CAUSE_EVENTS))
        for tx_hash, name in db.execute(query):
            names[tx_hash].add(name)
    return {tx: next(cause for cause, group in CAUSES if group & found) for tx, found in names.items()}


def cause_of(transfer: dict, by_transaction: dict[str, str]) -> str:
    cause = by_transaction.get(transfer["tx_hash"])
    if cause is not None:
        return cause
    return {"mint": "issue", "burn": "redemption"}.get(transfer["kind"], "transfer")


def candles(trades: Iterable[dict], interval: int) -> list[dict]:
    """OHLC of the ticks per `interval` seconds (buckets aligned on the Unix epoch), from trades in chain order."""
    buckets: dict[int, dict] = {}
    for trade in trades:
        start = trade["block_time"] // interval * interval
        candle = buckets.get(start)
        if candle is None:
            candle = buckets[start] = {"start": start, "open": trade["tick"], "high": trade["tick"], "low": trade["tick"],
                                       "close": trade["tick"], "lots": 0, "cash": 0, "trades": 0}
        candle["high"] = max(candle["high"], trade["tick"])
        candle["low"] = min(candle["low"], trade["tick"])
        candle["close"] = trade["tick"]
        candle["lots"] += trade["lots"]
        candle["cash"] += trade["cash"]
        candle["trades"] += 1
    return list(buckets.values())
