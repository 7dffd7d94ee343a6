"""The routes of the read API. Every query is SQLAlchemy Core on a read-only connection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, event, select, tuple_

from keiretsu.index import schema
from keiretsu.index.database import engine_for

DEFAULT_PAGE = 100
MAX_PAGE = 1_000
# Percentages of supply are given to 1e-6 %: one share in 100 million still shows.
PERCENT_QUANTUM = Decimal("0.000001")
SIDES = {0: "buy", 1: "sell"}


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
    holders: list[Holder]


class Trade(BaseModel):
    block_number: int
    log_index: int
    tx_hash: str
    maker_order_id: str
    maker: str
    taker: str
    taker_side: Literal["buy", "sell"]
    tick: int
    lots: int
    cash: str
    maker_fee: str
    taker_fee: str


class TradePage(BaseModel):
    items: list[Trade]
    next_cursor: str | None  # pass as ?cursor= for the next page; null on the last page


def _connection(request: Request) -> Iterator[Connection]:
    with request.app.state.engine.connect() as connection:
        yield connection


# Module level: FastAPI resolves the routes' (postponed) annotations in this module's namespace.
Db = Annotated[Connection, Depends(_connection)]
Format = Annotated[Literal["json", "csv"], Query(description="csv: a spreadsheet download instead of JSON.")]


def create_app(engine: Engine) -> FastAPI:
    """The API over the index in `engine` (see `read_only_engine`)."""
    app = FastAPI(title="Keiretsu index", version=str(schema.SCHEMA_VERSION),
                  summary="Read-only view of every platform event indexed from the chain.")

    app.state.engine = engine

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
        return _security(_security_row(db, symbol))

    @app.get("/securities/{symbol}/register", response_model=Register)
    def register(symbol: str, db: Db, format: Format = "json"):
        """The holders of a security now (as far as the index has read): balance, what of it an
        order book holds, what is frozen, and the share of the supply."""
        security = _security_row(db, symbol)
        balances = schema.balances
        rows = list(db.execute(select(balances).where(balances.c.token == security["token"], balances.c.balance > 0)
                               .order_by(balances.c.account)).mappings())
        # Summed in Python: on SQLite amounts are stored as text (schema.Amount).
        supply = sum(r["balance"] for r in rows)
        holders = [Holder(account=r["account"], balance=str(r["balance"]), held=str(r["held"]), frozen=str(r["frozen"]),
                          wallet_frozen=r["wallet_frozen"], percentage=_percentage(r["balance"], supply)) for r in rows]
        if format == "csv":
            return _csv(holders, f"{security['symbol']}-register.csv", Holder)
        return Register(symbol=security["symbol"], token=security["token"], as_of_block=_indexed_block(db),
                        supply=str(supply), holders=holders)

    @app.get("/securities/{symbol}/register.csv", response_class=StreamingResponse, include_in_schema=False)
    def register_csv(symbol: str, db: Db):
        return register(symbol, db, "csv")

    @app.get("/securities/{symbol}/trades", response_model=TradePage)
    def trades(symbol: str, db: Db, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
               cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
               format: Format = "json"):
        """The trades of a security's market, oldest first, `limit` at a time."""
        security = _security_row(db, symbol)
        table = schema.trades
        query = select(table).where(table.c.market == security["market"])
        if cursor is not None:
            query = query.where(tuple_(table.c.block_number, table.c.log_index) > _parse_cursor(cursor))
        # One more row than asked tells whether there is a next page.
        rows = list(db.execute(query.order_by(table.c.block_number, table.c.log_index).limit(limit + 1)).mappings())
        page = [_trade(r) for r in rows[:limit]]
        if format == "csv":
            return _csv(page, f"{security['symbol']}-trades.csv", Trade)
        more = len(rows) > limit
        return TradePage(items=page, next_cursor=f"{page[-1].block_number}-{page[-1].log_index}" if more else None)

    @app.get("/securities/{symbol}/trades.csv", response_class=StreamingResponse, include_in_schema=False)
    def trades_csv(symbol: str, db: Db, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                   cursor: str | None = None):
        return trades(symbol, db, limit, cursor, "csv")

    return app


def _security_row(db: Connection, symbol: str) -> dict:
    row = db.execute(select(schema.securities).where(schema.securities.c.symbol == symbol)).mappings().first()
    if row is None:
        raise HTTPException(404, f"no security with the symbol {symbol!r} in the index")
    return dict(row)


def _security(row) -> Security:
    return Security(**{name: row[name] for name in Security.model_fields})


def _trade(row) -> Trade:
    return Trade(block_number=row["block_number"], log_index=row["log_index"], tx_hash=row["tx_hash"],
                 maker_order_id=str(row["maker_order_id"]), maker=row["maker"], taker=row["taker"],
                 taker_side=SIDES[row["taker_side"]], tick=row["tick"], lots=row["lots"], cash=str(row["cash"]),
                 maker_fee=str(row["maker_fee"]), taker_fee=str(row["taker_fee"]))


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
    return _csv(rows, filename, model) if format == "csv" else rows


def _csv(rows: Iterable[BaseModel], filename: str, model: type[BaseModel]) -> StreamingResponse:
    columns = list(model.model_fields)

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(getattr(row, c) for c in columns)
        yield buffer.getvalue()

    return StreamingResponse(lines(), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})
