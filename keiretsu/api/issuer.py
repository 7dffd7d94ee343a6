"""The issuer's records: an offering's subscribers and what a dividend still owes its holders.

A dividend's entitlements are computed as contracts/Dividends.vy computes them, from the balances
at the record date that the index folds from the transfers (the token counts a block timed at the
record date as after it): an excluded wallet gets nothing and its balance leaves the eligible
supply (the supply at the record date less the excluded wallets' balances), and every other holder
is due floor(balance * amount / eligible supply). Nothing is due before the record date or on a
cancelled dividend. What was paid is the sum of the DividendPaid events under the holder (a
recovered wallet's payment, sent to its new wallet, still names the lost one)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Connection, and_, select

from keiretsu.api import history
from keiretsu.api.common import ADDRESS_PATTERN, DEFAULT_PAGE, MAX_PAGE, csv_download, Db, Format, security_row, wallet_address
from keiretsu.index import schema

SUBSCRIPTION_STATES = Literal["withdrawn", "unsettled", "allocated", "refunded"]

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page: an address.")]

router = APIRouter()


class Subscription(BaseModel):
    investor: str
    # withdrawn: nothing left subscribed; unsettled: subscribed, not settled yet; allocated: shares
    # minted (any excess cash refunded); refunded: settled with a full refund.
    state: SUBSCRIPTION_STATES
    subscribed: str  # shares, as the offering's subscription_of
    cash_paid: str  # paid in, less what withdrawals returned
    withdrawn: str  # shares
    allocated: str  # shares minted at settlement
    proceeds: str  # cash that went to the issuer
    refunded: str  # cash returned at settlement
    refund_restriction: int | None  # the token's ERC-1404 code when it refused the investor the shares
    updated_time: int


class SubscriptionPage(BaseModel):
    symbol: str
    offering: str
    offering_status: str  # live, succeeded, failed, cancelled
    items: list[Subscription]
    next_cursor: str | None


class DividendPayment(BaseModel):
    holder: str  # the wallet that held shares at the record date
    record_balance: str
    entitled: str  # floor(record_balance * amount / eligible_supply), as the contract's entitlement()
    paid: str
    outstanding: str


class DividendPayments(BaseModel):
    symbol: str
    contract: str
    dividend_id: int
    cash: str
    amount: str  # declared; 0 once cancelled
    record_date_id: int
    record_timestamp: int
    record_date_reached: bool  # at the index's last block; before it nothing is due
    cancelled: bool
    excluded: list[str]
    eligible_supply: str
    holder_count: int  # holders entitled to more than 0
    entitled_total: str
    paid_total: str
    outstanding_total: str
    outstanding_count: int
    dust: str  # what the rounding down leaves of the amount: the issuer reclaims it after the expiry
    items: list[DividendPayment]
    next_cursor: str | None


def _subscription_state(row) -> str:
    if not row["settled"]:
        return "unsettled" if row["subscribed"] > 0 else "withdrawn"
    return "allocated" if row["allocated"] > 0 else "refunded"


def _subscription(row) -> Subscription:
    amounts = {name: str(row[name]) for name in ("subscribed", "cash_paid", "withdrawn", "allocated", "proceeds", "refunded")}
    return Subscription(investor=row["investor"], state=_subscription_state(row), refund_restriction=row["refund_restriction"],
                        updated_time=row["updated_time"], **amounts)


def _page_after(rows: list, cursor: str | None, limit: int, key) -> tuple[list, str | None]:
    """Rows sorted by address `key` after the cursor, `limit` of them, and the next cursor."""
    if cursor is not None:
        if not ADDRESS_PATTERN.fullmatch(cursor):
            raise HTTPException(400, f"cursor {cursor!r} is not a next_cursor this API gave")
        rows = [r for r in rows if key(r) > cursor.lower()]
    page = rows[:limit]
    return page, key(page[-1]) if len(rows) > limit else None


@router.get("/securities/{symbol}/subscriptions", response_model=SubscriptionPage)
def subscriptions(symbol: str, db: Db, offering: Annotated[str | None, Query(
                      description="One of the security's offerings; default: its latest.")] = None,
                  state: SUBSCRIPTION_STATES | None = None, limit: Limit = DEFAULT_PAGE, cursor: Cursor = None,
                  format: Format = "json"):
    """An offering's subscribers in address order, `limit` at a time: what each subscribed, paid and
    withdrew, and how settlement allocated or refunded it. The CSV holds every subscriber."""
    security = security_row(db, symbol)
    row = _offering_row(db, security, offering)
    table = schema.subscriptions
    # Filtered in Python: the state is derived from amounts that SQLite stores as text.
    rows = [r for r in db.execute(select(table).where(table.c.offering == row["address"]).order_by(table.c.investor)).mappings()
            if state is None or _subscription_state(r) == state]
    if format == "csv":
        return csv_download([_subscription(r) for r in rows], f"{security['symbol']}-subscriptions.csv", Subscription)
    page, next_cursor = _page_after(rows, cursor, limit, lambda r: r["investor"])
    return SubscriptionPage(symbol=security["symbol"], offering=row["address"], offering_status=row["status"],
                            items=[_subscription(r) for r in page], next_cursor=next_cursor)


@router.get("/securities/{symbol}/subscriptions.csv", response_class=StreamingResponse, include_in_schema=False)
def subscriptions_csv(symbol: str, db: Db, offering: str | None = None, state: SUBSCRIPTION_STATES | None = None):
    return subscriptions(symbol, db, offering, state, DEFAULT_PAGE, None, "csv")


def _offering_row(db: Connection, security: dict, offering: str | None) -> dict:
    table = schema.offerings
    query = select(table).where(table.c.token == security["token"])
    if offering is not None:
        query = query.where(table.c.address == wallet_address(offering))
    row = db.execute(query.order_by(table.c.initialized_block.desc()).limit(1)).mappings().first()
    if row is None:
        raise HTTPException(404, f"{security['symbol']} has no offering {offering}" if offering else f"{security['symbol']} has had no offering")
    return dict(row)


@router.get("/securities/{symbol}/dividends/{dividend_id}/payments", response_model=DividendPayments)
def dividend_payments(symbol: str, dividend_id: int, db: Db,
                      outstanding_only: Annotated[bool, Query(description="Only the holders still owed something.")] = False,
                      limit: Limit = DEFAULT_PAGE, cursor: Cursor = None, format: Format = "json"):
    """Every holder entitled to a dividend at its record date, in address order, `limit` at a time:
    what each is due (as the contract computes it), what was paid and what is outstanding, with the
    totals over all holders. The CSV holds every holder."""
    security = security_row(db, symbol)
    dividend = _dividend_row(db, security, dividend_id)
    now = history.indexed_time(db) or 0
    reached = not dividend["cancelled"] and dividend["record_timestamp"] <= now
    excluded = _excluded(db, dividend)
    balances = history.balances_until(db, security["token"], schema.transfers.c.block_time < dividend["record_timestamp"]) if reached else {}
    eligible = sum(balances.values()) - sum(balances.get(wallet, 0) for wallet in excluded)
    paid = _paid(db, dividend)
    amount = dividend["amount"]
    rows = []
    for holder, balance in sorted(balances.items()):
        entitled = balance * amount // eligible if eligible and holder not in excluded else 0
        if entitled:
            rows.append(DividendPayment(holder=holder, record_balance=str(balance), entitled=str(entitled),
                                        paid=str(paid.get(holder, 0)), outstanding=str(entitled - paid.get(holder, 0))))
    entitled_total = sum(int(r.entitled) for r in rows)
    paid_total = sum(paid.values())
    owed = [r for r in rows if r.outstanding != "0"]
    listed = owed if outstanding_only else rows
    if format == "csv":
        return csv_download(listed, f"{security['symbol']}-dividend-{dividend_id}-payments.csv", DividendPayment)
    page, next_cursor = _page_after(listed, cursor, limit, lambda r: r.holder)
    return DividendPayments(
        symbol=security["symbol"], contract=dividend["contract"], dividend_id=dividend_id, cash=dividend["cash"],
        amount=str(amount), record_date_id=dividend["record_date_id"], record_timestamp=dividend["record_timestamp"],
        record_date_reached=reached, cancelled=dividend["cancelled"], excluded=sorted(excluded), eligible_supply=str(eligible),
        holder_count=len(rows), entitled_total=str(entitled_total), paid_total=str(paid_total),
        outstanding_total=str(entitled_total - paid_total), outstanding_count=len(owed), dust=str(amount - entitled_total if reached else 0),
        items=page, next_cursor=next_cursor)


@router.get("/securities/{symbol}/dividends/{dividend_id}/payments.csv", response_class=StreamingResponse, include_in_schema=False)
def dividend_payments_csv(symbol: str, dividend_id: int, db: Db, outstanding_only: bool = False):
    return dividend_payments(symbol, dividend_id, db, outstanding_only, DEFAULT_PAGE, None, "csv")


def _dividend_row(db: Connection, security: dict, dividend_id: int) -> dict:
    table = schema.dividends
    rows = list(db.execute(select(table).where(table.c.token == security["token"], table.c.dividend_id == dividend_id)).mappings())
    if not rows:
        raise HTTPException(404, f"{security['symbol']} has no dividend {dividend_id}")
    # One Dividends contract serves the platform: ids are unique per token.
    [row] = rows
    return dict(row)


def _excluded(db: Connection, dividend: dict) -> set[str]:
    """The wallets the declaration excluded (kept only in its event)."""
    events = schema.events
    query = select(events.c.args).where(events.c.contract == dividend["contract"], events.c.name == "DividendDeclared",
                                        events.c.block_number == dividend["declared_block"])
    for (args,) in db.execute(query):
        declared = json.loads(args)
        if declared["token"] == dividend["token"] and declared["dividend_id"] == dividend["dividend_id"]:
            return set(declared["excluded"])
    return set()


def _paid(db: Connection, dividend: dict) -> dict[str, int]:
    table = schema.dividend_payments
    query = select(table.c.holder, table.c.amount).where(and_(
        table.c.contract == dividend["contract"], table.c.token == dividend["token"],
        table.c.dividend_id == dividend["dividend_id"], table.c.receiver.is_not(None)))
    paid: dict[str, int] = defaultdict(int)
    for holder, amount in db.execute(query):
        paid[holder] += amount
    return paid
