"""Applies decoded events to the index's tables, in chain order, the way keiretsu/replay.py
rebuilds the ledger: each change is taken from the event that states it (a bid's escrow from
`OrderPlaced.escrow`, a trade releasing its `cash` + `maker_fee` from it, a recovery's held and
frozen shares from `HoldingsRecovered`).

Rows that change (balances, orders, dividends, securities) are kept in a cache of the rows
touched so far and written at the end of each range, in the range's transaction; rows that are only
appended (events, transfers, trades, payments) are written in bulk. `forget()` drops the cache
when a transaction is rolled back or the index rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_utils import keccak
from sqlalchemy import Connection, Table, and_, bindparam, insert, select, update

from keiretsu.index import schema

ZERO = "0x" + "0" * 40
BUY = 0
MARKET_ROLE = "0x" + keccak(text="MARKET_ROLE").hex()


@dataclass(frozen=True)
class Log:
    """A decoded log with where it sits on the chain."""

    block_number: int
    log_index: int
    tx_hash: str
    contract: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Discovery:
    """A contract found in a log, whose own logs must be read from now on."""

    address: str
    kind: str  # security, market, offering
    security: str | None


def discoveries(log: Log, securities: set[str]) -> list[Discovery]:
    """The clones a log reveals: a listing's token, a security's market (the order book the token
    gives MARKET_ROLE: the factory's, or one wired by hand), an offering."""
    a = log.args
    if log.name == "SecurityIssued":
        return [Discovery(a["token"], "security", None)]
    if log.name == "OfferingCreated":
        return [Discovery(a["offering"], "offering", a["token"])]
    if log.name == "RoleGranted" and a["role"] == MARKET_ROLE and log.contract in securities:
        return [Discovery(a["account"], "market", log.contract)]
    return []


class RowCache:
    """The rows of one table touched so far, by primary key, with what must be written."""

    def __init__(self, table: Table):
        self.table = table
        self.keys = [c.name for c in table.primary_key.columns]
        self.rows: dict[tuple, dict] = {}
        self.new: set[tuple] = set()
        self.dirty: set[tuple] = set()

    def get(self, connection: Connection, key: tuple, default: Callable[[], dict] | None = None) -> dict | None:
        """The row (to change in place, then `touch`), read from the database the first time;
        a missing row is created from `default`, or None without one."""
        row = self.rows.get(key)
        if row is not None:
            return row
        condition = and_(*(self.table.c[name] == value for name, value in zip(self.keys, key)))
        found = connection.execute(select(self.table).where(condition)).mappings().first()
        if found is not None:
            row = dict(found)
        elif default is not None:
            row = dict(zip(self.keys, key)) | default()
            self.new.add(key)
        else:
            return None
        self.rows[key] = row
        return row

    def touch(self, key: tuple) -> None:
        self.dirty.add(key)

    def flush(self, connection: Connection) -> None:
        created = [self.rows[k] for k in self.new]
        if created:
            connection.execute(insert(self.table), created)
        changed = [self.rows[k] for k in self.dirty - self.new]
        if changed:
            # Bound as _k_<column> so that the key's parameters do not collide with the SET ones.
            where = and_(*(self.table.c[name] == bindparam(f"_k_{name}") for name in self.keys))
            values = {c.name: bindparam(c.name) for c in self.table.columns if c.name not in self.keys}
            connection.execute(
                update(self.table).where(where).values(values),
                [row | {f"_k_{name}": row[name] for name in self.keys} for row in changed],
            )
        self.new.clear()
        self.dirty.clear()

    def forget(self) -> None:
        self.rows.clear()
        self.new.clear()
        self.dirty.clear()


@dataclass
class Projection:
    """Turns decoded logs into rows. `apply` every log of a range, then `flush` in its transaction."""

    balances: RowCache = field(default_factory=lambda: RowCache(schema.balances))
    orders: RowCache = field(default_factory=lambda: RowCache(schema.orders))
    dividends: RowCache = field(default_factory=lambda: RowCache(schema.dividends))
    securities: RowCache = field(default_factory=lambda: RowCache(schema.securities))
    appended: dict[Table, list[dict]] = field(default_factory=dict)
    # token -> the first market given MARKET_ROLE on it, which a listing logged later names.
    market_of: dict[str, str] = field(default_factory=dict)

    def caches(self) -> list[RowCache]:
        return [self.balances, self.orders, self.dividends, self.securities]

    def _append(self, table: Table, row: dict) -> None:
        self.appended.setdefault(table, []).append(row)

    def apply(self, connection: Connection, log: Log) -> None:
        self._connection = connection
        self._append(schema.events, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash,
            "contract": log.contract, "name": log.name, "args": json.dumps(log.args, separators=(",", ":")),
        })
        handler = getattr(self, f"_on_{log.name}", None)
        if handler is not None:
            handler(log, log.args)

    def flush(self, connection: Connection) -> None:
        for cache in self.caches():
            cache.flush(connection)
        for table, rows in self.appended.items():
            connection.execute(insert(table), rows)
        self.appended.clear()

    def forget(self) -> None:
        for cache in self.caches():
            cache.forget()
        self.appended.clear()
        self.market_of.clear()

    # --- balances, holds, freezes ---

    def _account(self, log: Log, token: str, account: str) -> dict:
        key = (token, account)
        row = self.balances.get(self._connection, key, lambda: {"balance": 0, "held": 0, "frozen": 0, "wallet_frozen": False})
        row["updated_block"] = log.block_number
        self.balances.touch(key)
        return row

    def _on_Transfer(self, log: Log, a: dict) -> None:
        sender, receiver, value = a["sender"], a["receiver"], a["value"]
        kind = "mint" if sender == ZERO else "burn" if receiver == ZERO else "transfer"
        self._append(schema.transfers, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash,
            "token": log.contract, "sender": sender, "receiver": receiver, "amount": value, "kind": kind,
        })
        if sender != ZERO:
            self._account(log, log.contract, sender)["balance"] -= value
        if receiver != ZERO:
            self._account(log, log.contract, receiver)["balance"] += value

    def _on_HoldPlaced(self, log: Log, a: dict) -> None:
        self._account(log, log.contract, a["holder"])["held"] += a["amount"]

    def _on_HoldReleased(self, log: Log, a: dict) -> None:
        self._account(log, log.contract, a["holder"])["held"] -= a["amount"]

    def _on_HoldSettled(self, log: Log, a: dict) -> None:
        self._account(log, log.contract, a["seller"])["held"] -= a["amount"]

    def _on_TokensFrozen(self, log: Log, a: dict) -> None:
        self._account(log, log.contract, a["user_address"])["frozen"] += a["amount"]

    def _on_TokensUnfrozen(self, log: Log, a: dict) -> None:
        self._account(log, log.contract, a["user_address"])["frozen"] -= a["amount"]

    def _on_AddressFrozen(self, log: Log, a: dict) -> None:
        self._account(log, log.contract, a["user_address"])["wallet_frozen"] = a["is_frozen"]

    def _on_HoldingsRecovered(self, log: Log, a: dict) -> None:
        # The balance moved with its own Transfer; this is the rest of what the recovery moved.
        lost = self._account(log, log.contract, a["lost_wallet"])
        new = self._account(log, log.contract, a["new_wallet"])
        lost["held"] -= a["held"]
        new["held"] += a["held"]
        lost["frozen"] -= a["frozen"]
        new["frozen"] += a["frozen"]
        if a["wallet_frozen"]:
            lost["wallet_frozen"], new["wallet_frozen"] = False, True

    # --- listings ---

    def _on_SecurityIssued(self, log: Log, a: dict) -> None:
        key = (a["token"],)
        self.securities.get(self._connection, key, lambda: {
            "factory": log.contract, "listing_index": a["index"], "isin": a["isin"], "symbol": a["symbol"],
            "issuer": a["issuer"], "market": self.market_of.get(a["token"]), "offering": None, "status": None,
            "issued_block": log.block_number, "issued_tx": log.tx_hash,
        })

    def _on_RoleGranted(self, log: Log, a: dict) -> None:
        if a["role"] != MARKET_ROLE:
            return
        self.market_of.setdefault(log.contract, a["account"])
        listing = self.securities.get(self._connection, (log.contract,))
        if listing is not None and listing["market"] is None:
            listing["market"] = a["account"]
            self.securities.touch((log.contract,))

    def _on_OfferingCreated(self, log: Log, a: dict) -> None:
        listing = self.securities.get(self._connection, (a["token"],))
        if listing is not None:
            listing["offering"] = a["offering"]
            self.securities.touch((a["token"],))

    def _on_ListingStatusChanged(self, log: Log, a: dict) -> None:
        listing = self.securities.get(self._connection, (a["token"],))
        if listing is not None:
            listing["status"] = a["status"]
            self.securities.touch((a["token"],))

    # --- orders and trades ---

    def _on_OrderPlaced(self, log: Log, a: dict) -> None:
        self.orders.get(self._connection, (log.contract, a["order_id"]), lambda: {
            "owner": a["owner"], "side": a["side"], "tick": a["tick"], "lots": a["lots"], "remaining": a["lots"],
            "order_type": a["order_type"], "expiry": a["expiry"], "escrow": a["escrow"],
            "maker_fee_bps": a["maker_fee_bps"], "status": "open", "cancel_reason": None,
            "placed_block": log.block_number, "placed_tx": log.tx_hash, "closed_block": None,
        })

    def _on_Trade(self, log: Log, a: dict) -> None:
        self._append(schema.trades, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash, "market": log.contract,
            "maker_order_id": a["maker_order_id"], "maker": a["maker"], "taker": a["taker"], "taker_side": a["taker_side"],
            "tick": a["tick"], "lots": a["lots"], "cash": a["cash"], "maker_fee": a["maker_fee"], "taker_fee": a["taker_fee"],
        })
        key = (log.contract, a["maker_order_id"])
        order = self.orders.get(self._connection, key)
        if order is None:
            return  # placed before the index's first block
        order["remaining"] -= a["lots"]
        if order["side"] == BUY:
            # The book releases exactly the notional and the maker fee of the lots from a bid's escrow.
            order["escrow"] -= a["cash"] + a["maker_fee"]
        if order["remaining"] == 0:
            order["status"], order["closed_block"] = "filled", log.block_number
        else:
            order["status"] = "partially_filled"
        self.orders.touch(key)

    def _on_OrderCancelled(self, log: Log, a: dict) -> None:
        key = (log.contract, a["order_id"])
        order = self.orders.get(self._connection, key)
        if order is None:
            return
        order.update(status="cancelled", cancel_reason=a["reason"], escrow=0, closed_block=log.block_number)
        self.orders.touch(key)

    # --- dividends ---

    def _dividend(self, log: Log, a: dict) -> tuple[tuple, dict | None]:
        key = (log.contract, a["token"], a["dividend_id"])
        return key, self.dividends.get(self._connection, key)

    def _on_DividendDeclared(self, log: Log, a: dict) -> None:
        self.dividends.get(self._connection, (log.contract, a["token"], a["dividend_id"]), lambda: {
            "cash": a["cash"], "amount": a["amount"], "record_date_id": a["record_date_id"],
            "record_timestamp": a["record_timestamp"], "payment_date": a["payment_date"], "expiry": a["expiry"],
            "eligible_supply": None, "paid": 0, "reclaimed": 0, "cancelled": False,
            "declared_block": log.block_number, "declared_tx": log.tx_hash,
        })

    def _on_DividendSettled(self, log: Log, a: dict) -> None:
        key, dividend = self._dividend(log, a)
        if dividend is not None:
            dividend["eligible_supply"] = a["eligible_supply"]
            self.dividends.touch(key)

    def _payment(self, log: Log, a: dict, receiver: str | None, amount: int, pushed: bool, skipped: int | None) -> None:
        self._append(schema.dividend_payments, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash, "contract": log.contract,
            "token": a["token"], "dividend_id": a["dividend_id"], "holder": a["holder"], "receiver": receiver,
            "amount": amount, "pushed": pushed, "skipped_reason": skipped,
        })

    def _on_DividendPaid(self, log: Log, a: dict) -> None:
        self._payment(log, a, a["receiver"], a["amount"], a["pushed"], None)
        key, dividend = self._dividend(log, a)
        if dividend is not None:
            dividend["paid"] += a["amount"]
            self.dividends.touch(key)

    def _on_DividendPaymentSkipped(self, log: Log, a: dict) -> None:
        self._payment(log, a, None, 0, True, a["reason"])

    def _on_DividendReclaimed(self, log: Log, a: dict) -> None:
        key, dividend = self._dividend(log, a)
        if dividend is not None:
            dividend["reclaimed"] += a["amount"]
            self.dividends.touch(key)

    def _on_DividendCancelled(self, log: Log, a: dict) -> None:
        # The whole amount goes back: the dividend then reads on chain as an amount of 0.
        key, dividend = self._dividend(log, a)
        if dividend is not None:
            dividend["amount"] -= a["amount"]
            dividend["cancelled"] = True
            self.dividends.touch(key)
