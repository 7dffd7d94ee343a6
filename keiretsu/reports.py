"""Reports rebuilt from events alone, printed as tables or written as CSV: a security's cap table
(token Transfer events), its trades (the order book's Trade events) and its dividends (the
Dividends contract's events), read from the node's event logs or from the index of those events
(IndexedRecords), with the same rows either way. Amounts stay in base units, so that CSV is exact; tables show cash
in units of the cash token, named in the column's header."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

from eth_utils import to_checksum_address
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from keiretsu.index import schema
from keiretsu.log_ranges import event_logs
from keiretsu.money import Currency, units

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


@dataclass(frozen=True)
class Report:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[object]]
    # Columns of cash amounts in base units: the table shows them in units of `cash`, named in the header.
    cash_columns: frozenset[str] = frozenset()
    cash: Currency | None = None

    def as_table(self) -> str:
        decimals = [self.cash.decimals if self.cash and header in self.cash_columns else None for header in self.headers]
        cells = [[f"{h} ({self.cash.symbol})" if self.cash and h in self.cash_columns else str(h) for h in self.headers]]
        cells += [[_cell(c, scale) for c, scale in zip(row, decimals)] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.headers))]
        lines = [self.title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths))]
        lines.append("  ".join("-" * w for w in widths))
        for row in cells[1:]:
            lines.append("  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths)))
        return "\n".join(line.rstrip() for line in lines)

    def as_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.headers)
        writer.writerows(self.rows)
        return buffer.getvalue()


def _cell(value: object, decimals: int | None = None) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return str(value)
    if decimals is not None:
        return units(value, decimals)
    return f"{value:,}"


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("%", "").isdigit()


def balances_from_transfers(transfers: Iterable[tuple[str, str, int]]) -> dict[str, int]:
    """Replays (sender, receiver, value) transfers; mints come from and burns go to the zero address."""
    balances: dict[str, int] = defaultdict(int)
    for sender, receiver, value in transfers:
        if sender != ZERO_ADDRESS:
            balances[sender] -= value
        if receiver != ZERO_ADDRESS:
            balances[receiver] += value
    return {holder: amount for holder, amount in balances.items() if amount != 0}


def token_transfers(token, start_block: int = 0) -> list[tuple[str, str, int]]:
    """Every Transfer event of a token, in chain order."""
    return [(log.sender, log.receiver, log.value) for log in event_logs(token.Transfer, start_block)]


def cap_table(token, start_block: int = 0) -> Report:
    """Holders, their shares and their part of the supply, from the token's Transfer events."""
    return cap_table_report(token.symbol(), token_transfers(token, start_block))


def cap_table_report(symbol: str, transfers: Iterable[tuple[str, str, int]]) -> Report:
    """The cap table of a security from its transfers in chain order."""
    balances = balances_from_transfers(transfers)
    supply = sum(balances.values())
    rows: list[Sequence[object]] = [
        (holder, amount, f"{100 * amount / supply:.2f}%")
        for holder, amount in sorted(balances.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Report(f"Cap table of {symbol} ({len(rows)} holders, {supply:,} shares)", ("holder", "shares", "part"), rows)


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


# TRADES #

BUY = 0


@dataclass(frozen=True)
class TradeRecord:
    """One fill of the order book, as its Trade event tells it."""

    block: int
    transaction: str
    buyer: str
    seller: str
    aggressor: str  # "buy" when the taker bought, "sell" when it sold
    lots: int
    shares: int  # token base units
    cash: int  # notional, cash base units
    buyer_fee: int
    seller_fee: int

    @property
    def buyer_paid(self) -> int:
        return self.cash + self.buyer_fee

    @property
    def seller_received(self) -> int:
        return self.cash - self.seller_fee


def trade_records(market, start_block: int = 0) -> list[TradeRecord]:
    """The market's fills from its Trade events. The buyer pays the notional plus its fee (the
    taker's fee if it took, the maker's if it rested) and the seller receives the notional less its."""
    lot_size = market.lot_size()
    return [trade_record(log, log.block_number, log.transaction_hash, lot_size) for log in event_logs(market.Trade, start_block)]


def trade_record(trade, block: int, transaction: str, lot_size: int) -> TradeRecord:
    """A fill from a Trade event's arguments (read as attributes: maker, taker, taker_side, lots, cash, fees)."""
    taker_bought = trade.taker_side == BUY
    return TradeRecord(
        block=block,
        transaction=transaction,
        buyer=trade.taker if taker_bought else trade.maker,
        seller=trade.maker if taker_bought else trade.taker,
        aggressor="buy" if taker_bought else "sell",
        lots=trade.lots,
        shares=trade.lots * lot_size,
        cash=trade.cash,
        buyer_fee=trade.taker_fee if taker_bought else trade.maker_fee,
        seller_fee=trade.maker_fee if taker_bought else trade.taker_fee,
    )


def trade_positions(records: Iterable[TradeRecord]) -> dict[str, tuple[int, int]]:
    """Each wallet's net change from trading: (shares, cash), bought minus sold and received minus paid."""
    positions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for trade in records:
        positions[trade.buyer][0] += trade.shares
        positions[trade.buyer][1] -= trade.buyer_paid
        positions[trade.seller][0] -= trade.shares
        positions[trade.seller][1] += trade.seller_received
    return {wallet: (shares, cash) for wallet, (shares, cash) in positions.items()}


def trades(market, symbol: str, cash: Currency, start_block: int = 0) -> Report:
    """Every trade of a security's market, oldest first, with its volume in the title."""
    return trades_report(trade_records(market, start_block), symbol, cash)


def trades_report(records: list[TradeRecord], symbol: str, cash: Currency) -> Report:
    """The trades report from a market's fills, oldest first."""
    rows: list[Sequence[object]] = [
        (t.block, t.transaction, t.buyer, t.seller, t.aggressor, t.shares, t.cash // t.lots, t.cash, t.buyer_fee, t.seller_fee)
        for t in records
    ]
    volume = sum(t.shares for t in records)
    turnover = sum(t.cash for t in records)
    title = f"Trades of {symbol} ({len(rows)} trades, {volume:,} shares, {cash.format(turnover)})"
    headers = ("block", "transaction", "buyer", "seller", "aggressor", "shares", "lot price", "cash", "buyer fee", "seller fee")
    return Report(title, headers, rows, frozenset({"lot price", "cash", "buyer fee", "seller fee"}), cash)


# DIVIDENDS #


@dataclass
class DividendRecord:
    """A dividend as its events tell it."""

    dividend_id: int
    cash: str
    amount: int
    record_timestamp: int
    payment_date: int
    expiry: int
    eligible_supply: int | None = None  # known once settled
    payments: dict[str, int] = field(default_factory=dict)  # holder -> amount paid
    reclaimed: int | None = None

    @property
    def paid(self) -> int:
        return sum(self.payments.values())

    @property
    def outstanding(self) -> int:
        """What the Dividends contract still holds for it."""
        return self.amount - self.paid - (self.reclaimed or 0)


@dataclass(frozen=True)
class DividendPayment:
    dividend_id: int
    block: int
    transaction: str
    holder: str
    receiver: str
    amount: int
    how: str  # "claimed" by the holder, "pushed" by the agent, "reclaimed" or "cancelled" by the issuer


DIVIDEND_EVENTS = ("DividendDeclared", "DividendSettled", "DividendPaid", "DividendReclaimed", "DividendCancelled")


def dividend_history(dividends, token, start_block: int = 0) -> tuple[dict[int, DividendRecord], list[DividendPayment]]:
    """A security's dividends and every payment out of them, from the Dividends contract's events."""
    return replay_dividends({name: event_logs(getattr(dividends, name), start_block, token=token.address) for name in DIVIDEND_EVENTS})


def replay_dividends(logs: dict[str, list]) -> tuple[dict[int, DividendRecord], list[DividendPayment]]:
    """A security's dividends and payments from its logs of each of DIVIDEND_EVENTS, in chain order
    (read as attributes: the event's arguments, block_number and transaction_hash)."""
    records: dict[int, DividendRecord] = {}
    for log in logs["DividendDeclared"]:
        records[log.dividend_id] = DividendRecord(
            log.dividend_id, log.cash, log.amount, log.record_timestamp, log.payment_date, log.expiry
        )
    for log in logs["DividendSettled"]:
        records[log.dividend_id].eligible_supply = log.eligible_supply
    payments = []
    for log in logs["DividendPaid"]:
        records[log.dividend_id].payments[log.holder] = log.amount
        how = "pushed" if log.pushed else "claimed"
        payments.append(DividendPayment(log.dividend_id, log.block_number, log.transaction_hash, log.holder, log.receiver, log.amount, how))
    for log in logs["DividendReclaimed"]:
        records[log.dividend_id].reclaimed = log.amount
        payments.append(DividendPayment(log.dividend_id, log.block_number, log.transaction_hash, log.receiver, log.receiver, log.amount, "reclaimed"))
    # A cancelled dividend's whole amount went back to the issuer before its record date.
    for log in logs["DividendCancelled"]:
        records[log.dividend_id].reclaimed = log.amount
        payments.append(DividendPayment(log.dividend_id, log.block_number, log.transaction_hash, log.receiver, log.receiver, log.amount, "cancelled"))
    payments.sort(key=lambda payment: (payment.block, payment.dividend_id))
    return records, payments


def dividends_report(dividends, token, symbol: str, cash: Currency, start_block: int = 0) -> Report:
    """One row per dividend of a security: terms, what was paid out, taken back and is still held."""
    records, _ = dividend_history(dividends, token, start_block)
    return dividends_table(records, symbol, cash)


def dividends_table(records: dict[int, DividendRecord], symbol: str, cash: Currency) -> Report:
    """The dividends report from a security's dividend records."""
    rows: list[Sequence[object]] = [
        (r.dividend_id, r.cash, r.amount, _date(r.record_timestamp), _date(r.payment_date), _date(r.expiry),
         "" if r.eligible_supply is None else r.eligible_supply, len(r.payments), r.paid,
         "" if r.reclaimed is None else r.reclaimed, r.outstanding)
        for r in sorted(records.values(), key=lambda record: record.dividend_id)
    ]
    headers = ("id", "cash token", "amount", "record date", "payment date", "expiry", "eligible shares", "holders paid",
               "paid", "reclaimed", "outstanding")
    cash_columns = frozenset({"amount", "paid", "reclaimed", "outstanding"})
    return Report(f"Dividends of {symbol} ({len(rows)} declared; dates UTC)", headers, rows, cash_columns, cash)


def dividend_payments_report(dividends, token, symbol: str, cash: Currency, start_block: int = 0) -> Report:
    """Every payment out of a security's dividends: claims, pushes by the agent, the issuer's reclaims."""
    _, payments = dividend_history(dividends, token, start_block)
    return dividend_payments_table(payments, symbol, cash)


def dividend_payments_table(payments: list[DividendPayment], symbol: str, cash: Currency) -> Report:
    """The dividend payments report from a security's payments in order."""
    rows: list[Sequence[object]] = [
        (p.dividend_id, p.block, p.transaction, p.holder, p.receiver, p.how, p.amount) for p in payments
    ]
    headers = ("id", "block", "transaction", "holder", "receiver", "how", "amount")
    return Report(f"Dividend payments of {symbol} ({len(rows)} payments)", headers, rows, frozenset({"amount"}), cash)


# FROM THE INDEX #
# The same reports from the index's tables (keiretsu/index), which hold every one of these events
# already decoded: no log is read from the node. Addresses are stored lowercase and are checksummed
# here, so that both sources print the same rows.


class NoIndex(Exception):
    """There is no index of this chain to read: the sentence says how to build one."""


class IndexedRecords:
    """What the reports need, read from the index of the chain `chain_id` with genesis `genesis_hash`."""

    def __init__(self, engine: Engine, chain_id: int, genesis_hash: str):
        self.engine = engine
        state = self._state()
        genesis = "0x" + genesis_hash.lower().removeprefix("0x")
        if state is None or (state["chain_id"], state["genesis_hash"]) != (chain_id, genesis):
            where = engine.url.render_as_string(hide_password=True)
            found = "no index" if state is None else f"an index of another chain (chain id {state['chain_id']}, genesis {state['genesis_hash'][:10]}…)"
            raise NoIndex(f"{where} holds {found}: build this chain's with `python -m keiretsu.index backfill`, "
                          "or read the event logs with --from-logs")
        self.last_block = state["last_block"]

    def _state(self) -> dict | None:
        if self.engine.dialect.name == "sqlite" and not Path(self.engine.url.database or "").is_file():
            return None  # connecting would create an empty file where the index belongs
        try:
            with self.engine.connect() as connection:
                row = connection.execute(select(schema.meta)).mappings().first()
        except SQLAlchemyError:  # no meta table: the database was never an index
            return None
        return None if row is None else dict(row)

    def _rows(self, query) -> list[dict]:
        with self.engine.connect() as connection:
            return [dict(r) for r in connection.execute(query).mappings()]

    def transfers(self, token: str) -> list[tuple[str, str, int]]:
        table = schema.transfers
        rows = self._rows(select(table.c.sender, table.c.receiver, table.c.amount).where(table.c.token == token.lower())
                          .order_by(table.c.block_number, table.c.log_index))
        return [(to_checksum_address(r["sender"]), to_checksum_address(r["receiver"]), r["amount"]) for r in rows]

    def trade_records(self, market: str) -> list[TradeRecord]:
        [lot] = self._rows(select(schema.markets.c.lot_size).where(schema.markets.c.address == market.lower()))
        table = schema.trades
        rows = self._rows(select(table).where(table.c.market == market.lower()).order_by(table.c.block_number, table.c.log_index))
        return [trade_record(SimpleNamespace(**(r | {"maker": to_checksum_address(r["maker"]), "taker": to_checksum_address(r["taker"])})),
                             r["block_number"], r["tx_hash"], lot["lot_size"]) for r in rows]

    def dividend_history(self, dividends: str, token: str) -> tuple[dict[int, DividendRecord], list[DividendPayment]]:
        table = schema.events
        rows = self._rows(select(table).where(table.c.contract == dividends.lower(), table.c.name.in_(DIVIDEND_EVENTS))
                          .order_by(table.c.block_number, table.c.log_index))
        logs: dict[str, list] = {name: [] for name in DIVIDEND_EVENTS}
        for row in rows:
            args = json.loads(row["args"])
            if args["token"] != token.lower():
                continue
            for name in ("cash", "holder", "receiver"):
                if name in args:
                    args[name] = to_checksum_address(args[name])
            logs[row["name"]].append(SimpleNamespace(**args, block_number=row["block_number"], transaction_hash=row["tx_hash"]))
        return replay_dividends(logs)
