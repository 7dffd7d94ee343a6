"""The routes of the read API. Every query is SQLAlchemy Core on a read-only connection."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Row, Select, and_, event, or_, select, tuple_
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from keiretsu.api import history, issuer, listing, market, people
from keiretsu.api.common import (
    ADDRESS_PATTERN, DAY_SECONDS, DEFAULT_PAGE, MAX_PAGE, SIDES, STREAM_ROWS, Db, Format, csv_download, csv_lines_download,
    security_row, wallet_address,
)
from keiretsu.api.market import Trade, trade_of
from keiretsu.index import schema
from keiretsu.index.database import engine_for

# Percentages of supply are given to 1e-6 %: one share in 100 million still shows.
PERCENT_QUANTUM = Decimal("0.000001")
CANDLE_INTERVALS = (60, 300, 3600, 86400)
ORDER_STATUSES = Literal["open", "partially_filled", "filled", "cancelled"]
ACTION_STATUSES = Literal["cancelled", "upcoming", "payable", "expired", "open", "closed"]
# Every answer names the last block the index had read when it was asked, so that a client can tell
# whether its data already includes a transaction it has just seen confirmed.
INDEX_BLOCK_HEADER = "X-Index-Block"
# While the follower builds the index afresh (a new chain, a reset one, another schema version) its
# tables are dropped and created again: a route then would fail on a missing table.
INDEX_BUILDING = "the index is being built from the chain: ask again in a moment"
INDEX_BUILDING_RETRY_SECONDS = 1


def read_only_engine(url: str | None = None, chain_dir: Path | None = None) -> Engine:
    """The index's engine (keiretsu.index.database.engine_for) with every connection refusing
    writes, so no route can change the index even by mistake."""
    engine = engine_for(url, chain_dir)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_query_only)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_read_only)
    return engine


def _sqlite_query_only(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _postgresql_read_only(connection, _record) -> None:
    # psycopg opens a transaction for the SET unless told otherwise; commit it so it is not rolled back.
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    connection.commit()


class Security(BaseModel):
    symbol: str
    isin: str
    token: str
    issuer: str
    market: str | None
    offering: str | None
    status: int | None
    issued_block: int
    issued_tx: str


class Holder(BaseModel):
    account: str
    balance: str
    held: str
    frozen: str
    wallet_frozen: bool
    percentage: str  # of the supply, to PERCENT_QUANTUM


class Register(BaseModel):
    symbol: str
    token: str
    as_of_block: int  # the last block the index has read
    supply: str
    holder_count: int  # in the whole register
    holders: list[Holder]  # one page, in account order
    next_cursor: str | None  # pass as ?cursor= for the next page; null on the last page


class PastHolder(BaseModel):
    account: str
    balance: str
    percentage: str  # of the supply then, to PERCENT_QUANTUM


class PastRegister(BaseModel):
    """The holders at a moment, rebuilt from the transfers: balances only (holds and freezes are
    today's state)."""
    symbol: str
    token: str
    at: int  # Unix time: every block timed at or before it is counted
    record_date_id: int | None  # when asked by record date: its blocks timed before it are counted, as the token does
    supply: str
    holder_count: int  # in the whole register
    holders: list[PastHolder]  # one page, in account order
    next_cursor: str | None  # pass as ?cursor= for the next page; null on the last page


class Position(BaseModel):
    token: str
    asset: str  # the security's symbol, or "cash"
    opening: str
    closing: str


class Movement(BaseModel):
    block_number: int
    log_index: int
    tx_hash: str
    block_time: int
    token: str
    asset: str
    amount: str  # signed: negative when the wallet paid or delivered
    counterparty: str
    cause: Literal["trade", "subscription", "dividend", "transfer", "forced_transfer", "recovery", "order_escrow",
                   "order_release", "market_withdrawal", "issue", "redemption"]


class Statement(BaseModel):
    wallet: str
    period_from: int
    period_to: int
    positions: list[Position]  # per token: opening + the sum of its movements = closing
    movements: list[Movement]


class StatementLine(BaseModel):
    """A row of the statement's CSV: an opening, a movement or a closing."""
    line: Literal["opening", "movement", "closing"]
    block_time: int
    asset: str
    token: str
    amount: str
    cause: str
    counterparty: str
    tx_hash: str


class Candle(BaseModel):
    start: int  # Unix time, a multiple of the interval
    open: int  # ticks
    high: int
    low: int
    close: int
    lots: int
    cash: str
    trades: int


class Order(BaseModel):
    market: str
    symbol: str
    order_id: str
    side: Literal["buy", "sell"]
    tick: int
    lots: int
    remaining: int
    escrow: str
    status: ORDER_STATUSES
    cancel_reason: int | None  # OrderCancelled.reason: below 100 an ERC-1404 code
    placed_block: int
    placed_tx: str  # a taker fill in this transaction traded the order before its remainder rested
    placed_time: int
    updated_time: int


class Fill(BaseModel):
    market: str
    symbol: str
    block_number: int
    log_index: int
    block_time: int
    tx_hash: str
    maker_order_id: str  # the resting order met: the wallet's own when it is the maker
    role: Literal["maker", "taker"]
    side: Literal["buy", "sell"]  # the wallet's side
    tick: int
    lots: int
    cash: str
    fee: str


class WalletOrders(BaseModel):
    wallet: str
    orders: list[Order]  # orders that rested on a book (an IOC leaves only fills)
    fills: list[Fill]


class Investor(BaseModel):
    wallet: str
    identity: str
    kind: int
    country: int
    kyc_expiry: int
    flags: int
    registered: bool
    frozen_in: list[str]  # symbols of the securities whose transfer agent froze this wallet


class InvestorPage(BaseModel):
    items: list[Investor]
    next_cursor: str | None


class CorporateAction(BaseModel):
    kind: Literal["dividend", "vote"]
    contract: str
    action_id: int
    record_date_id: int
    record_timestamp: int
    # dividend: cancelled, upcoming (payment date ahead), payable, expired; vote: cancelled, upcoming (record date ahead), open, closed
    status: ACTION_STATUSES
    declared_time: int
    cash: str | None
    amount: str | None  # dividend declared
    paid: str | None
    reclaimed: str | None
    payment_date: int | None
    expiry: int | None
    question: str | None
    closes_at: int | None


class TradePage(BaseModel):
    items: list[Trade]
    next_cursor: str | None  # pass as ?cursor= for the next page; null on the last page


At = Annotated[int | None, Query(ge=0, description=(
    "Unix time: the register after every block timed at or before it, rebuilt by folding every transfer of the "
    "security up to then (slower on a long history than a record date, which is read from its snapshot)."))]
RecordDate = Annotated[int | None, Query(ge=1, description=(
    "A record date's id: the register the token keeps for it, read from the index's snapshot once the index has "
    "read a block timed at or after it (409 before)."))]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
HolderCursor = Annotated[str | None, Query(description="next_cursor of the previous page: the last account it listed.")]


def create_app(engine: Engine) -> FastAPI:
    """The API over the index in `engine` (see `read_only_engine`)."""
    app = FastAPI(title="Keiretsu index", version=str(schema.SCHEMA_VERSION),
                  summary="Read-only view of every platform event indexed from the chain.")

    app.state.engine = engine
    # The dApp is served from another port (another origin). Everything here is public: what every
    # node of the chain already sees, read only, so any page may read it.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], expose_headers=[INDEX_BLOCK_HEADER])

    @app.middleware("http")
    async def name_the_index_block(request: Request, call_next):
        # Read before the route runs: the header never claims more than the answer holds.
        block = await run_in_threadpool(_index_block_or_none, engine)
        if block is None and request.url.path not in (app.openapi_url, app.docs_url):
            return _index_building()
        response = await call_next(request)
        if block is not None:
            response.headers[INDEX_BLOCK_HEADER] = str(block)
        return response

    app.include_router(listing.router)
    app.include_router(people.router)
    app.include_router(issuer.router)
    app.include_router(market.router)

    @app.get("/securities", response_model=list[Security])
    def list_securities(db: Db, format: Format = "json"):
        """Every security listed by the factory, in listing order."""
        rows = [_security(r) for r in db.execute(select(schema.securities).order_by(schema.securities.c.listing_index)).mappings()]
        return _csv_or(rows, format, "securities.csv", Security)

    @app.get("/securities.csv", response_class=StreamingResponse, include_in_schema=False)
    def list_securities_csv(db: Db):
        return list_securities(db, "csv")

    @app.get("/securities/{symbol}", response_model=Security)
    def one_security(symbol: str, db: Db):
        return _security(security_row(db, symbol))

    @app.get("/securities/{symbol}/register", response_model=Register | PastRegister)
    def register(symbol: str, db: Db, format: Format = "json", at: At = None, record_date: RecordDate = None,
                 limit: Limit = DEFAULT_PAGE, cursor: HolderCursor = None):
        """The holders of a security now (as far as the index has read): balance, what of it an
        order book holds, what is frozen, and the share of the supply; or the balances at a record
        date or a moment (`at`). `limit` holders a page, in account order; the CSV is always the
        whole register."""
        security = security_row(db, symbol)
        after = _account_cursor(cursor)
        if at is not None or record_date is not None:
            return _past_register(db, security, at, record_date, format, limit, after)
        balances, supplies = schema.balances, schema.supplies
        held = [balances.c.token == supplies.c.token, balances.c.balance > 0]
        if after is not None and format == "json":
            held.append(balances.c.account > after)
        # One statement, so that the supply the percentages divide by is the one of the same index
        # state as the balances (the follower may commit in between). A page joins outer: its one
        # empty row still carries the supply when no holder is left after the cursor; no row at all:
        # never minted.
        holders = supplies.join(balances, and_(*held), isouter=format == "json")
        query = (select(supplies.c.supply, supplies.c.holder_count, select(schema.meta.c.last_block).scalar_subquery().label("block"),
                        balances.c.account, balances.c.balance, balances.c.held, balances.c.frozen, balances.c.wallet_frozen)
                 .select_from(holders).where(supplies.c.token == security["token"]).order_by(balances.c.account))

        def holder(row) -> tuple:  # in Holder's field order
            return (row.account, str(row.balance), str(row.held), str(row.frozen), row.wallet_frozen,
                    _percentage(row.balance, row.supply))

        if format == "csv":
            # Rows straight to CSV lines, without a model each: a download has thousands.
            return csv_lines_download(map(holder, _streamed(db.engine, query)), f"{security['symbol']}-register.csv", list(Holder.model_fields))
        rows = db.execute(query.limit(limit + 1)).all()
        supply, holder_count, block = rows[0][:3] if rows else (0, 0, _indexed_block(db))
        found = [r for r in rows if r.account is not None]  # the outer join's empty row: no holder after the cursor
        page = [Holder(**dict(zip(Holder.model_fields, holder(r)))) for r in found[:limit]]
        return Register(symbol=security["symbol"], token=security["token"], as_of_block=block, supply=str(supply),
                        holder_count=holder_count, holders=page, next_cursor=page[-1].account if len(found) > limit else None)

    @app.get("/securities/{symbol}/register.csv", response_class=StreamingResponse, include_in_schema=False)
    def register_csv(symbol: str, db: Db, at: At = None, record_date: RecordDate = None):
        return register(symbol, db, "csv", at, record_date)

    @app.get("/securities/{symbol}/trades", response_model=TradePage)
    def trades(symbol: str, db: Db, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
               cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
               format: Format = "json"):
        """The trades of a security's market, oldest first, `limit` at a time."""
        security = security_row(db, symbol)
        table = schema.trades
        query = select(table).where(table.c.market == security["market"])
        if cursor is not None:
            query = query.where(tuple_(table.c.block_number, table.c.log_index) > _parse_cursor(cursor))
        # One more row than asked tells whether there is a next page.
        rows = list(db.execute(query.order_by(table.c.block_number, table.c.log_index).limit(limit + 1)).mappings())
        page = [trade_of(r) for r in rows[:limit]]
        if format == "csv":
            return csv_download(page, f"{security['symbol']}-trades.csv", Trade)
        more = len(rows) > limit
        return TradePage(items=page, next_cursor=f"{page[-1].block_number}-{page[-1].log_index}" if more else None)

    @app.get("/securities/{symbol}/trades.csv", response_class=StreamingResponse, include_in_schema=False)
    def trades_csv(symbol: str, db: Db, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                   cursor: str | None = None):
        return trades(symbol, db, limit, cursor, "csv")

    @app.get("/securities/{symbol}/candles", response_model=list[Candle])
    def security_candles(symbol: str, db: Db, interval: Annotated[int, Query(
            description=f"Seconds per candle: one of {', '.join(map(str, CANDLE_INTERVALS))}.")] = 3600):
        """Open, high, low and close tick per interval, with the lots, cash and number of every trade
        in it; intervals without a trade are left out."""
        if interval not in CANDLE_INTERVALS:
            raise HTTPException(400, f"interval {interval} is not one of {', '.join(map(str, CANDLE_INTERVALS))}")
        security = security_row(db, symbol)
        table = schema.trades
        query = (select(table.c.block_time, table.c.tick, table.c.lots, table.c.cash).where(table.c.market == security["market"])
                 .order_by(table.c.block_number, table.c.log_index))
        return [Candle(**(c | {"cash": str(c["cash"])})) for c in history.candles(db.execute(query).mappings(), interval)]

    @app.get("/securities/{symbol}/corporate-actions", response_model=list[CorporateAction])
    def corporate_actions(symbol: str, db: Db, status: ACTION_STATUSES | None = None):
        """The security's dividends and votes, oldest first, each with its status at the index's last block."""
        security = security_row(db, symbol)
        now = history.indexed_time(db) or 0
        actions = [_dividend_action(r, now) for r in db.execute(
            select(schema.dividends).where(schema.dividends.c.token == security["token"])
            .order_by(schema.dividends.c.declared_block, schema.dividends.c.dividend_id)).mappings()]
        actions += [_vote_action(r, now) for r in db.execute(
            select(schema.votes).where(schema.votes.c.token == security["token"])
            .order_by(schema.votes.c.opened_block, schema.votes.c.vote_id)).mappings()]
        actions.sort(key=lambda a: (a.declared_time, a.kind, a.action_id))
        return [a for a in actions if status is None or a.status == status]

    @app.get("/wallets/{address}/statement", response_model=Statement)
    def statement(address: str, db: Db, period_from: Annotated[int, Query(alias="from", ge=0, description="Unix time, included.")] = 0,
                  period_to: Annotated[int | None, Query(alias="to", ge=0, description="Unix time, included; default: the index's last block.")] = None,
                  format: Format = "json"):
        """A wallet's positions in every security and cash token at the start and end of a period and
        every movement between, each with its cause."""
        wallet = wallet_address(address)
        until = period_to if period_to is not None else (history.indexed_time(db) or 0)
        if until < period_from:
            raise HTTPException(400, f"the period ends ({until}) before it starts ({period_from})")
        assets = _assets(db)
        opening: dict[str, int] = {}
        for transfer in history.wallet_transfers(db, wallet, before=period_from):
            opening[transfer["token"]] = opening.get(transfer["token"], 0) + _signed(transfer, wallet)
        moved = history.wallet_transfers(db, wallet, since=period_from, until=until)
        by_transaction = history.causes_by_transaction(db, (t["tx_hash"] for t in moved))
        movements = [Movement(block_number=t["block_number"], log_index=t["log_index"], tx_hash=t["tx_hash"],
                              block_time=t["block_time"], token=t["token"], asset=assets.get(t["token"], "cash"),
                              amount=str(_signed(t, wallet)), counterparty=t["receiver"] if t["sender"] == wallet else t["sender"],
                              cause=history.cause_of(t, by_transaction)) for t in moved]
        closing = dict(opening)
        for movement in movements:
            closing[movement.token] = closing.get(movement.token, 0) + int(movement.amount)
        positions = [Position(token=token, asset=assets.get(token, "cash"), opening=str(opening.get(token, 0)), closing=str(closing[token]))
                     for token in sorted(closing)]
        if format == "csv":
            return csv_download(_statement_lines(positions, movements, period_from, until), f"{wallet}-statement.csv", StatementLine)
        return Statement(wallet=wallet, period_from=period_from, period_to=until, positions=positions, movements=movements)

    @app.get("/wallets/{address}/statement.csv", response_class=StreamingResponse, include_in_schema=False)
    def statement_csv(address: str, db: Db, period_from: Annotated[int, Query(alias="from", ge=0)] = 0,
                      period_to: Annotated[int | None, Query(alias="to", ge=0)] = None):
        return statement(address, db, period_from, period_to, "csv")

    @app.get("/wallets/{address}/orders", response_model=WalletOrders)
    def wallet_orders(address: str, db: Db, status: ORDER_STATUSES | None = None):
        """A wallet's orders on every market (optionally of one status) and every fill it took part in,
        oldest first."""
        wallet = wallet_address(address)
        symbols = {r["market"]: r["symbol"] for r in db.execute(select(schema.securities)).mappings()}
        orders = schema.orders
        query = select(orders).where(orders.c.owner == wallet).order_by(orders.c.placed_block, orders.c.order_id)
        if status is not None:
            query = query.where(orders.c.status == status)
        trades = schema.trades
        fills = db.execute(select(trades).where(or_(trades.c.maker == wallet, trades.c.taker == wallet))
                           .order_by(trades.c.block_number, trades.c.log_index)).mappings()
        return WalletOrders(wallet=wallet, orders=[_order(r, symbols) for r in db.execute(query).mappings()],
                            fills=[_fill(r, wallet, symbols) for r in fills])

    @app.get("/investors", response_model=InvestorPage)
    def investors(db: Db, country: Annotated[int | None, Query(description="ISO 3166-1 numeric.")] = None,
                  kind: Annotated[int | None, Query(description="1 natural person, 2 enterprise.")] = None,
                  kyc_expiring_within_days: Annotated[int | None, Query(ge=0, description=(
                      "KYC expiring from the index's last block time to that many days after it."))] = None,
                  search: Annotated[str | None, Query(description="The start of a wallet or identity address.")] = None,
                  registered: bool | None = None,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                  cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None):
        """The registry's wallets in address order, filtered, `limit` at a time."""
        table = schema.investors
        query = select(table)
        if country is not None:
            query = query.where(table.c.country == country)
        if kind is not None:
            query = query.where(table.c.kind == kind)
        if registered is not None:
            query = query.where(table.c.registered == registered)
        if kyc_expiring_within_days is not None:
            now = history.indexed_time(db) or 0
            query = query.where(table.c.kyc_expiry >= now, table.c.kyc_expiry <= now + kyc_expiring_within_days * DAY_SECONDS)
        if search:
            prefix = search.lower()
            query = query.where(or_(table.c.wallet.startswith(prefix, autoescape=True), table.c.identity.startswith(prefix, autoescape=True)))
        if cursor is not None:
            query = query.where(table.c.wallet > cursor.lower())
        rows = list(db.execute(query.order_by(table.c.wallet).limit(limit + 1)).mappings())
        frozen = people.frozen_symbols(db, [r["wallet"] for r in rows[:limit]])
        page = [Investor(**{name: r[name] for name in Investor.model_fields if name != "frozen_in"}, frozen_in=frozen.get(r["wallet"], []))
                for r in rows[:limit]]
        return InvestorPage(items=page, next_cursor=page[-1].wallet if len(rows) > limit else None)

    return app



def _past_register(db: Connection, security: dict, at: int | None, record_date: int | None, format: str, limit: int,
                   after: str | None):
    if at is not None and record_date is not None:
        raise HTTPException(400, "ask for a register at a time or at a record date, not both")
    token, symbol = security["token"], security["symbol"]
    if record_date is None:
        return _register_at(db, security, at, format, limit, after)
    record = history.record_date(db, token, record_date)
    if record is None:
        raise HTTPException(404, f"{symbol} has no record date {record_date}")
    if record["cancelled"]:
        raise HTTPException(409, f"record date {record_date} of {symbol} was cancelled")
    if record["snapshot_block"] is None:
        raise HTTPException(409, f"record date {record_date} of {symbol} (at {record['timestamp']}) has not passed yet: "
                                 f"the index has read no block timed at or after it")
    snapshot = schema.record_balances
    query = (select(snapshot.c.account, snapshot.c.balance)
             .where(snapshot.c.token == token, snapshot.c.record_date_id == record_date).order_by(snapshot.c.account))
    supply = record["supply"]

    def holder(row) -> tuple:  # in PastHolder's field order
        return row.account, str(row.balance), _percentage(row.balance, supply)

    if format == "csv":
        # A snapshot never changes once written: no need to read it in the same statement as the supply.
        return csv_lines_download(map(holder, _streamed(db.engine, query)), f"{symbol}-register-{record['timestamp']}.csv",
                          list(PastHolder.model_fields))
    if after is not None:
        query = query.where(snapshot.c.account > after)
    rows = db.execute(query.limit(limit + 1)).all()
    page = [PastHolder(**dict(zip(PastHolder.model_fields, holder(r)))) for r in rows[:limit]]
    return PastRegister(symbol=symbol, token=token, at=record["timestamp"], record_date_id=record_date, supply=str(supply),
                        holder_count=record["holder_count"], holders=page,
                        next_cursor=page[-1].account if len(rows) > limit else None)


def _register_at(db: Connection, security: dict, at: int, format: str, limit: int, after: str | None):
    """The register after every block timed at or before `at`: every transfer up to then folded."""
    balances = history.balances_until(db, security["token"], schema.transfers.c.block_time <= at)
    supply = sum(balances.values())
    accounts = sorted(balances)
    if format == "csv":
        holders = (PastHolder(account=a, balance=str(balances[a]), percentage=_percentage(balances[a], supply)) for a in accounts)
        return csv_download(holders, f"{security['symbol']}-register-{at}.csv", PastHolder)
    listed = [a for a in accounts if after is None or a > after]
    page = [PastHolder(account=a, balance=str(balances[a]), percentage=_percentage(balances[a], supply)) for a in listed[:limit]]
    return PastRegister(symbol=security["symbol"], token=security["token"], at=at, record_date_id=None, supply=str(supply),
                        holder_count=len(accounts), holders=page, next_cursor=page[-1].account if len(listed) > limit else None)


def _account_cursor(cursor: str | None) -> str | None:
    """A register's cursor: the last account of the previous page."""
    if cursor is not None and not ADDRESS_PATTERN.fullmatch(cursor):
        raise HTTPException(400, f"cursor {cursor!r} is not a next_cursor this API gave")
    return None if cursor is None else cursor.lower()


def _streamed(engine: Engine, query: Select) -> Iterator[Row]:
    """The query's rows, fetched STREAM_ROWS at a time on a connection of their own: a download is
    sent while it is read (after the route's own connection is closed), never whole in memory. One
    statement: one consistent state of the index on SQLite (WAL) and PostgreSQL."""
    with engine.connect() as connection:
        yield from connection.execution_options(yield_per=STREAM_ROWS).execute(query)


def _assets(db: Connection) -> dict[str, str]:
    """token -> the security's symbol; tokens not listed are cash."""
    return {r["token"]: r["symbol"] for r in db.execute(select(schema.securities.c.token, schema.securities.c.symbol)).mappings()}


def _signed(transfer: dict, wallet: str) -> int:
    amount = transfer["amount"]
    if transfer["sender"] == transfer["receiver"]:
        return 0  # a transfer to oneself moves nothing
    return -amount if transfer["sender"] == wallet else amount


def _statement_lines(positions: list[Position], movements: list[Movement], start: int, end: int) -> list[StatementLine]:
    lines = [StatementLine(line="opening", block_time=start, asset=p.asset, token=p.token, amount=p.opening, cause="",
                           counterparty="", tx_hash="") for p in positions]
    lines += [StatementLine(line="movement", block_time=m.block_time, asset=m.asset, token=m.token, amount=m.amount,
                            cause=m.cause, counterparty=m.counterparty, tx_hash=m.tx_hash) for m in movements]
    lines += [StatementLine(line="closing", block_time=end, asset=p.asset, token=p.token, amount=p.closing, cause="",
                            counterparty="", tx_hash="") for p in positions]
    return lines


def _order(row, symbols: dict[str, str]) -> Order:
    return Order(market=row["market"], symbol=symbols.get(row["market"], ""), order_id=str(row["order_id"]),
                 side=SIDES[row["side"]], tick=row["tick"], lots=row["lots"], remaining=row["remaining"],
                 escrow=str(row["escrow"]), status=row["status"], cancel_reason=row["cancel_reason"], placed_block=row["placed_block"],
                 placed_tx=row["placed_tx"], placed_time=row["placed_time"], updated_time=row["updated_time"])


def _fill(row, wallet: str, symbols: dict[str, str]) -> Fill:
    # The maker's side is the taker's opposite; a wallet trading with itself is reported as the taker.
    role = "taker" if row["taker"] == wallet else "maker"
    side = row["taker_side"] if role == "taker" else 1 - row["taker_side"]
    return Fill(market=row["market"], symbol=symbols.get(row["market"], ""), block_number=row["block_number"],
                log_index=row["log_index"], block_time=row["block_time"], tx_hash=row["tx_hash"],
                maker_order_id=str(row["maker_order_id"]), role=role,
                side=SIDES[side], tick=row["tick"], lots=row["lots"], cash=str(row["cash"]),
                fee=str(row["taker_fee"] if role == "taker" else row["maker_fee"]))


def _dividend_action(row, now: int) -> CorporateAction:
    if row["cancelled"]:
        status = "cancelled"
    elif now < row["payment_date"]:
        status = "upcoming"
    elif now < row["expiry"]:
        status = "payable"
    else:
        status = "expired"
    return CorporateAction(kind="dividend", contract=row["contract"], action_id=row["dividend_id"],
                           record_date_id=row["record_date_id"], record_timestamp=row["record_timestamp"], status=status,
                           declared_time=row["declared_time"], cash=row["cash"], amount=str(row["amount"]),
                           paid=str(row["paid"]), reclaimed=str(row["reclaimed"]), payment_date=row["payment_date"],
                           expiry=row["expiry"], question=None, closes_at=None)


def _vote_action(row, now: int) -> CorporateAction:
    if row["cancelled"]:
        status = "cancelled"
    elif now < row["record_timestamp"]:
        status = "upcoming"
    elif now < row["closes_at"]:
        status = "open"
    else:
        status = "closed"
    return CorporateAction(kind="vote", contract=row["contract"], action_id=row["vote_id"], record_date_id=row["record_date_id"],
                           record_timestamp=row["record_timestamp"], status=status, declared_time=row["opened_time"],
                           cash=None, amount=None, paid=None, reclaimed=None, payment_date=None, expiry=None,
                           question=row["question"], closes_at=row["closes_at"])


def _security(row) -> Security:
    return Security(**{name: row[name] for name in Security.model_fields})


def _index_block_or_none(engine: Engine) -> int | None:
    """The last indexed block, or None while the index is being (re)built and has no meta row."""
    try:
        with engine.connect() as connection:
            return connection.execute(select(schema.meta.c.last_block)).scalar()
    except SQLAlchemyError:
        return None


def _index_building() -> JSONResponse:
    return JSONResponse({"detail": INDEX_BUILDING}, status_code=503, headers={"Retry-After": str(INDEX_BUILDING_RETRY_SECONDS)})


def _indexed_block(db: Connection) -> int:
    return db.execute(select(schema.meta.c.last_block)).scalar_one()


def _percentage(balance: int, supply: int) -> str:
    # 100 digits: a uint256 balance times 100 stays exact before the division rounds.
    with localcontext(prec=100):
        return str((Decimal(balance) * 100 / Decimal(supply)).quantize(PERCENT_QUANTUM, ROUND_HALF_EVEN))


def _parse_cursor(cursor: str) -> tuple[int, int]:
    try:
        block, log_index = (int(part) for part in cursor.split("-"))
    except ValueError:
        raise HTTPException(400, f"cursor {cursor!r} is not a next_cursor this API gave") from None
    return block, log_index


def _csv_or(rows: list[BaseModel], format: str, filename: str, model: type[BaseModel]):
    return csv_download(rows, filename, model) if format == "csv" else rows
