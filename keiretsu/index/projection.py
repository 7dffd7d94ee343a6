"""Applies decoded events to the index's tables, in chain order, the way keiretsu/replay.py
rebuilds the ledger: each change is taken from the event that states it (a bid's escrow from
`OrderPlaced.escrow`, a trade releasing its `cash` + `maker_fee` from it, a recovery's held and
frozen shares from `HoldingsRecovered`, an investor's data from the registry's packed record).

Rows that change (balances, orders, dividends, securities, investors, offerings, subscriptions,
votes, ballots, documents) are kept in a cache of the rows
touched so far and written at the end of each range, in the range's transaction; rows that are only
appended (events, transfers, trades, payments, investor changes, subscription events, fee changes) are written in bulk. `forget()` drops the cache
when a transaction is rolled back or the index rebuilt.

Each token's supply and holder count follow its transfers (`supplies`). A record date has passed
once the range's last block is timed at or after it (the token counts a change in a block timed at
the record date as after it, and every later block is timed no earlier); the range that sees it pass
copies the token's holders into `record_balances`, in its own transaction (see `_snapshot`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_utils import keccak
from sqlalchemy import Connection, Table, and_, bindparam, delete, insert, literal, select, update

from keiretsu.index import schema

ZERO = "0x" + "0" * 40
BUY = 0
MARKET_ROLE = "0x" + keccak(text="MARKET_ROLE").hex()
FLAG_REVOKED = 128  # in an investor's flags: verification revoked, data kept
LISTING_OFFERING, LISTING_LISTED = 1, 2  # the factory's STATUS_OFFERING and STATUS_LISTED
MASK_160 = (1 << 160) - 1


@dataclass(frozen=True)
class Log:
    """A decoded log with where it sits on the chain."""

    block_number: int
    log_index: int
    tx_hash: str
    contract: str
    name: str
    args: dict[str, Any]
    timestamp: int  # the block's, read once per block (see follower._block_times)


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
    investors: RowCache = field(default_factory=lambda: RowCache(schema.investors))
    offerings: RowCache = field(default_factory=lambda: RowCache(schema.offerings))
    subscriptions: RowCache = field(default_factory=lambda: RowCache(schema.subscriptions))
    votes: RowCache = field(default_factory=lambda: RowCache(schema.votes))
    ballots: RowCache = field(default_factory=lambda: RowCache(schema.ballots))
    documents: RowCache = field(default_factory=lambda: RowCache(schema.documents))
    supplies: RowCache = field(default_factory=lambda: RowCache(schema.supplies))
    record_dates: RowCache = field(default_factory=lambda: RowCache(schema.record_dates))
    appended: dict[Table, list[dict]] = field(default_factory=dict)
    # token -> the first market given MARKET_ROLE on it, which a listing logged later names.
    market_of: dict[str, str] = field(default_factory=dict)

    def caches(self) -> list[RowCache]:
        return [self.balances, self.orders, self.dividends, self.securities, self.investors, self.offerings,
                self.subscriptions, self.votes, self.ballots, self.documents, self.supplies, self.record_dates]

    def _append(self, table: Table, row: dict) -> None:
        self.appended.setdefault(table, []).append(row)

    def apply(self, connection: Connection, log: Log) -> None:
        self._connection = connection
        self._append(schema.events, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash,
            "block_time": log.timestamp, "contract": log.contract, "name": log.name, "args": json.dumps(log.args, separators=(",", ":")),
        })
        handler = getattr(self, f"_on_{log.name}", None)
        if handler is not None:
            handler(log, log.args)

    def flush(self, connection: Connection, last_block: int, last_time: int) -> None:
        """Writes the range that ends at `last_block`, timed `last_time`, and snapshots the record
        dates that range saw pass."""
        for cache in self.caches():
            cache.flush(connection)
        for table, rows in self.appended.items():
            connection.execute(insert(table), rows)
        self.appended.clear()
        rd = schema.record_dates
        due = connection.execute(select(rd.c.token, rd.c.record_date_id).where(
            rd.c.snapshot_block.is_(None), rd.c.timestamp <= last_time, rd.c.cancelled.is_(False))
            .order_by(rd.c.token, rd.c.record_date_id)).all()
        for token, record_date_id in due:
            self._snapshot(connection, token, record_date_id, last_block)
        self.record_dates.flush(connection)

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
            "block_time": log.timestamp, "token": log.contract, "sender": sender, "receiver": receiver, "amount": value, "kind": kind,
        })
        key = (log.contract,)
        supply = self.supplies.get(self._connection, key, lambda: {"supply": 0, "holder_count": 0})
        supply["updated_block"] = log.block_number
        self.supplies.touch(key)
        for account, change in ((sender, -value), (receiver, value)):
            if account == ZERO:
                supply["supply"] -= change  # a mint comes from the zero address, a burn goes to it
                continue
            row = self._account(log, log.contract, account)
            before = row["balance"]
            row["balance"] += change
            supply["holder_count"] += (row["balance"] > 0) - (before > 0)

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

    # --- record dates ---

    def _on_RecordDateScheduled(self, log: Log, a: dict) -> None:
        # An id freed by a cancel comes back for another time: the row starts afresh.
        key = (log.contract, a["record_date_id"])
        row = self.record_dates.get(self._connection, key, lambda: {})
        row.update(timestamp=a["timestamp"], cancelled=False, snapshot_block=None, supply=None, holder_count=None)
        self.record_dates.touch(key)

    def _on_RecordDateCancelled(self, log: Log, a: dict) -> None:
        key = (log.contract, a["record_date_id"])
        row = self.record_dates.get(self._connection, key)
        if row is not None:
            row["cancelled"] = True
            self.record_dates.touch(key)

    def _snapshot(self, connection: Connection, token: str, record_date_id: int, last_block: int) -> None:
        """Copies every holder's balance of `token` at the record date, which this range saw pass,
        into record_balances. Called once the range's balances are written: the balances table is
        the state after `last_block`. The record date had not passed when the previous range ended,
        so every transfer timed at or after it is in this range; the copy is corrected by undoing
        them (a record date in the middle of a range). The cost is the token's holders plus the
        transfers of the range's tail."""
        key = (token, record_date_id)
        record = self.record_dates.get(connection, key)
        transfers = schema.transfers
        later = connection.execute(select(transfers.c.sender, transfers.c.receiver, transfers.c.amount).where(
            transfers.c.token == token, transfers.c.block_time >= record["timestamp"]))
        moved: dict[str, int] = {}  # what each account gained since the record date (the zero address: minus the minted)
        for sender, receiver, amount in later:
            moved[sender] = moved.get(sender, 0) - amount
            moved[receiver] = moved.get(receiver, 0) + amount
        now = self.supplies.get(connection, (token,)) or {"supply": 0, "holder_count": 0}  # none: never minted
        supply, holder_count = now["supply"] + moved.pop(ZERO, 0), now["holder_count"]
        balances, snapshot = schema.balances, schema.record_balances
        connection.execute(insert(snapshot).from_select(
            ["token", "record_date_id", "account", "balance"],
            select(balances.c.token, literal(record_date_id, schema.record_dates.c.record_date_id.type), balances.c.account,
                   balances.c.balance).where(balances.c.token == token, balances.c.balance > 0)))
        corrected = []
        for account, gained in moved.items():
            if gained == 0:
                continue
            balance = self.balances.get(connection, (token, account))["balance"]
            then = balance - gained
            holder_count += (then > 0) - (balance > 0)
            corrected.append({"account": account, "balance": then})
        if corrected:
            connection.execute(delete(snapshot).where(snapshot.c.token == token, snapshot.c.record_date_id == record_date_id,
                                                      snapshot.c.account == bindparam("gone")),
                               [{"gone": c["account"]} for c in corrected])
            held = [{"token": token, "record_date_id": record_date_id} | c for c in corrected if c["balance"] > 0]
            if held:
                connection.execute(insert(snapshot), held)
        record.update(snapshot_block=last_block, supply=supply, holder_count=holder_count)
        self.record_dates.touch(key)

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

    # --- documents and fee schedules ---

    def _document(self, log: Log, a: dict, removed: bool) -> None:
        key = (log.contract, a["name"])
        row = self.documents.get(self._connection, key, lambda: {})
        row.update(uri=a["uri"], document_hash=a["document_hash"], removed=removed, updated_block=log.block_number,
                   updated_time=log.timestamp)
        self.documents.touch(key)

    def _on_DocumentUpdated(self, log: Log, a: dict) -> None:
        self._document(log, a, removed=False)

    def _on_DocumentRemoved(self, log: Log, a: dict) -> None:
        self._document(log, a, removed=True)

    def _on_FeesChanged(self, log: Log, a: dict) -> None:
        self._append(schema.fee_changes, {
            "block_number": log.block_number, "log_index": log.log_index, "block_time": log.timestamp, "market": log.contract,
            "maker_fee_bps": a["maker_fee_bps"], "taker_fee_bps": a["taker_fee_bps"], "fee_recipient": a["fee_recipient"],
        })

    # --- orders and trades ---

    def _on_OrderPlaced(self, log: Log, a: dict) -> None:
        self.orders.get(self._connection, (log.contract, a["order_id"]), lambda: {
            "owner": a["owner"], "side": a["side"], "tick": a["tick"], "lots": a["lots"], "remaining": a["lots"],
            "order_type": a["order_type"], "expiry": a["expiry"], "escrow": a["escrow"],
            "maker_fee_bps": a["maker_fee_bps"], "status": "open", "cancel_reason": None,
            "placed_block": log.block_number, "placed_tx": log.tx_hash, "placed_time": log.timestamp,
            "updated_time": log.timestamp, "closed_block": None,
        })

    def _on_Trade(self, log: Log, a: dict) -> None:
        self._append(schema.trades, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash,
            "block_time": log.timestamp, "market": log.contract,
            "maker_order_id": a["maker_order_id"], "maker": a["maker"], "taker": a["taker"], "taker_side": a["taker_side"],
            "tick": a["tick"], "lots": a["lots"], "cash": a["cash"], "maker_fee": a["maker_fee"], "taker_fee": a["taker_fee"],
        })
        key = (log.contract, a["maker_order_id"])
        order = self.orders.get(self._connection, key)
        if order is None:
            return  # placed before the index's first block
        order["remaining"] -= a["lots"]
        order["updated_time"] = log.timestamp
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
        order.update(status="cancelled", cancel_reason=a["reason"], escrow=0, closed_block=log.block_number,
                     updated_time=log.timestamp)
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
            "declared_block": log.block_number, "declared_tx": log.tx_hash, "declared_time": log.timestamp,
        })

    def _on_DividendSettled(self, log: Log, a: dict) -> None:
        key, dividend = self._dividend(log, a)
        if dividend is not None:
            dividend["eligible_supply"] = a["eligible_supply"]
            self.dividends.touch(key)

    def _payment(self, log: Log, a: dict, receiver: str | None, amount: int, pushed: bool, skipped: int | None) -> None:
        self._append(schema.dividend_payments, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash,
            "block_time": log.timestamp, "contract": log.contract, "token": a["token"], "dividend_id": a["dividend_id"], "holder": a["holder"], "receiver": receiver,
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

    # --- the identity registry ---

    def _investor_change(self, log: Log, wallet: str, change: str) -> None:
        """Stamps the wallet's row as changed by `log` and records its data after the change."""
        row = self.investors.get(self._connection, (wallet,))
        row["updated_block"], row["updated_time"] = log.block_number, log.timestamp
        self.investors.touch((wallet,))
        self._append(schema.investor_changes, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash, "block_time": log.timestamp,
            "wallet": wallet, "identity": row["identity"], "change": change, "kind": row["kind"], "country": row["country"],
            "kyc_expiry": row["kyc_expiry"], "flags": row["flags"],
        })

    def _register_wallet(self, log: Log, wallet: str, profile: dict) -> None:
        """A wallet registered afresh (a wallet removed earlier may be registered again)."""
        row = self.investors.get(self._connection, (wallet,), lambda: {"registered_block": log.block_number, "registered_time": log.timestamp})
        row.update(profile, registered=True, registered_block=log.block_number, registered_time=log.timestamp)

    def _on_InvestorRegistered(self, log: Log, a: dict) -> None:
        self._register_wallet(log, a["wallet"], {"kyc_hash": a["kyc_hash"]} | unpack_identity_record(a["record"]))
        self._investor_change(log, a["wallet"], "registered")

    def _on_WalletAdded(self, log: Log, a: dict) -> None:
        existing = self.investors.get(self._connection, (a["existing_wallet"],))
        if existing is None:
            return  # registered before the index's first block
        profile = {k: existing[k] for k in ("identity", "kyc_hash", "kind", "country", "kyc_expiry", "flags")}
        self._register_wallet(log, a["wallet"], profile)
        self._investor_change(log, a["wallet"], "wallet_added")

    def _on_IdentityUpdated(self, log: Log, a: dict) -> None:
        row = self.investors.get(self._connection, (a["wallet"],))
        if row is None:
            return
        row.update(kind=a["kind"], country=a["country"], kyc_expiry=a["kyc_expiry"], flags=a["flags"])
        self._investor_change(log, a["wallet"], "updated")

    def _on_WalletRemoved(self, log: Log, a: dict) -> None:
        row = self.investors.get(self._connection, (a["wallet"],))
        if row is None:
            return
        row["registered"] = False
        self._investor_change(log, a["wallet"], "removed")

    def _on_IdentityRevoked(self, log: Log, a: dict) -> None:
        row = self.investors.get(self._connection, (a["wallet"],))
        if row is None:
            return
        row["flags"] |= FLAG_REVOKED
        self._investor_change(log, a["wallet"], "revoked")

    def _on_IdentityReinstated(self, log: Log, a: dict) -> None:
        row = self.investors.get(self._connection, (a["wallet"],))
        if row is None:
            return
        row["flags"] &= ~FLAG_REVOKED
        self._investor_change(log, a["wallet"], "reinstated")

    # --- offerings ---

    def _on_Initialized(self, log: Log, a: dict) -> None:
        if "security_token" not in a:
            return  # a security token's own Initialized, which the listing already states
        self.offerings.get(self._connection, (log.contract,), lambda: {
            "token": a["security_token"], "cash": a["cash_token"], "issuer": a["issuer"], "price": a["price"], "lot": a["lot"],
            "soft_cap": a["soft_cap"], "hard_cap": a["hard_cap"], "start_time": a["start_time"], "end_time": a["end_time"],
            "total_subscribed": 0, "status": "live", "initialized_block": log.block_number, "initialized_time": log.timestamp,
            "closed_block": None, "closed_time": None,
        })

    def _subscription(self, log: Log, investor: str, kind: str, shares: int, cash: int) -> dict:
        """The investor's subscription, stamped by `log`, whose happening is recorded."""
        key = (log.contract, investor)
        row = self.subscriptions.get(self._connection, key, lambda: {
            "subscribed": 0, "cash_paid": 0, "withdrawn": 0, "allocated": 0, "proceeds": 0, "refunded": 0,
            "refund_restriction": None, "settled": False,
        })
        row["updated_block"], row["updated_time"] = log.block_number, log.timestamp
        self.subscriptions.touch(key)
        self._append(schema.subscription_events, {
            "block_number": log.block_number, "log_index": log.log_index, "tx_hash": log.tx_hash, "block_time": log.timestamp,
            "offering": log.contract, "investor": investor, "kind": kind, "shares": shares, "cash": cash,
        })
        return row

    def _add_to_offering_total(self, log: Log, shares: int) -> None:
        offering = self.offerings.get(self._connection, (log.contract,))
        if offering is not None:
            offering["total_subscribed"] += shares
            self.offerings.touch((log.contract,))

    def _on_Subscribed(self, log: Log, a: dict) -> None:
        row = self._subscription(log, a["investor"], "subscribed", a["shares"], a["cash"])
        row["subscribed"] = a["subscription"]
        row["cash_paid"] += a["cash"]
        self._add_to_offering_total(log, a["shares"])

    def _on_Withdrawn(self, log: Log, a: dict) -> None:
        row = self._subscription(log, a["investor"], "withdrawn", a["shares"], a["cash"])
        row["subscribed"] = a["subscription"]
        row["cash_paid"] -= a["cash"]
        row["withdrawn"] += a["shares"]
        self._add_to_offering_total(log, -a["shares"])

    def _on_Settled(self, log: Log, a: dict) -> None:
        row = self._subscription(log, a["subscriber"], "settled", a["shares"], a["refund"])
        row.update(allocated=a["shares"], proceeds=a["proceeds"], refunded=a["refund"], settled=True)

    def _on_Refunded(self, log: Log, a: dict) -> None:
        # The whole payment back: the offering failed, was cancelled, or the token refused the investor.
        row = self._subscription(log, a["subscriber"], "refunded", 0, a["cash"])
        row.update(refunded=a["cash"], refund_restriction=a["restriction"], settled=True)

    def _close_offering(self, log: Log, status: str) -> None:
        offering = self.offerings.get(self._connection, (log.contract,))
        if offering is not None:
            offering.update(status=status, closed_block=log.block_number, closed_time=log.timestamp)
            self.offerings.touch((log.contract,))
            # The factory stores STATUS_OFFERING while an offering runs and reads it as STATUS_LISTED
            # once the offering has finished (IssuanceFactory._effective_status): no event says so.
            listing = self.securities.get(self._connection, (offering["token"],))
            if listing is not None and (listing["offering"] or "").lower() == log.contract and listing["status"] == LISTING_OFFERING:
                listing["status"] = LISTING_LISTED
                self.securities.touch((offering["token"],))

    def _on_Closed(self, log: Log, a: dict) -> None:
        self._close_offering(log, "succeeded" if a["succeeded"] else "failed")

    def _on_Cancelled(self, log: Log, a: dict) -> None:
        self._close_offering(log, "cancelled")

    # --- shareholder votes ---

    def _on_VoteOpened(self, log: Log, a: dict) -> None:
        self.votes.get(self._connection, (log.contract, a["token"], a["vote_id"]), lambda: {
            "question": a["question"], "choices": json.dumps(a["choices"]), "record_date_id": a["record_date_id"],
            "record_timestamp": a["record_timestamp"], "closes_at": a["closes_at"], "tally": json.dumps([0] * len(a["choices"])),
            "votes_cast": 0, "cancelled": False, "opened_block": log.block_number, "opened_time": log.timestamp,
        })

    def _on_VoteCancelled(self, log: Log, a: dict) -> None:
        key = (log.contract, a["token"], a["vote_id"])
        vote = self.votes.get(self._connection, key)
        if vote is not None:
            vote["cancelled"] = True
            self.votes.touch(key)

    def _count(self, log: Log, a: dict, removed_from: int | None) -> None:
        """Moves the ballot's weight to its choice in the vote's tally (from its previous choice)."""
        key = (log.contract, a["token"], a["vote_id"])
        vote = self.votes.get(self._connection, key)
        if vote is None:
            return
        tally = json.loads(vote["tally"])
        tally[a["choice"]] += a["weight"]
        if removed_from is None:
            vote["votes_cast"] += a["weight"]
        else:
            tally[removed_from] -= a["weight"]
        vote["tally"] = json.dumps(tally)
        self.votes.touch(key)

    def _on_VoteCast(self, log: Log, a: dict) -> None:
        self.ballots.get(self._connection, (log.contract, a["token"], a["vote_id"], a["voter"]), lambda: {
            "choice": a["choice"], "weight": a["weight"], "cast_by": None, "cast_block": log.block_number,
            "cast_time": log.timestamp, "changed_block": None, "changed_time": None,
        })
        self._count(log, a, None)

    def _on_VoteChanged(self, log: Log, a: dict) -> None:
        key = (log.contract, a["token"], a["vote_id"], a["voter"])
        ballot = self.ballots.get(self._connection, key)
        if ballot is not None:
            ballot.update(choice=a["choice"], changed_block=log.block_number, changed_time=log.timestamp)
            self.ballots.touch(key)
        self._count(log, a, a["previous_choice"])

    def _on_RecoveredVoteCast(self, log: Log, a: dict) -> None:
        # The ballot itself came with the VoteCast or VoteChanged logged under the lost wallet just before.
        key = (log.contract, a["token"], a["vote_id"], a["lost_wallet"])
        ballot = self.ballots.get(self._connection, key)
        if ballot is not None:
            ballot["cast_by"] = a["voter"]
            self.ballots.touch(key)


def unpack_identity_record(record: int) -> dict:
    """The registry's packed record (contracts/lib/identity_record.vy): identity key in the low
    160 bits, then country (16), kind (8), flags (8), KYC expiry (40)."""
    return {
        "identity": f"0x{record & MASK_160:040x}", "country": (record >> 160) & 0xFFFF, "kind": (record >> 176) & 0xFF,
        "flags": (record >> 184) & 0xFF, "kyc_expiry": (record >> 192) & ((1 << 40) - 1),
    }
