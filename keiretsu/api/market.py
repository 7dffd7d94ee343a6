"""The market's figures for the dApp's market list, security page and portfolio: per security the
last trade, the price a day before and the day's volume (GET /markets), and the latest trades of a
security's tape, newest first (GET /securities/{symbol}/trades/latest), so that no page reads trade
logs from block 0."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import Connection, or_, select

from keiretsu.api import history
from keiretsu.api.common import DAY_SECONDS, MAX_PAGE, SIDES, Db, security_row, wallet_address
from keiretsu.index import schema

TAPE_LENGTH = 25

router = APIRouter()


class Trade(BaseModel):
    block_number: int
    log_index: int
    tx_hash: str
    block_time: int
    maker_order_id: str
    maker: str
    taker: str
    taker_side: Literal["buy", "sell"]
    tick: int
    lots: int
    cash: str
    maker_fee: str
    taker_fee: str


def trade_of(row) -> Trade:
    return Trade(block_number=row["block_number"], log_index=row["log_index"], tx_hash=row["tx_hash"], block_time=row["block_time"],
                 maker_order_id=str(row["maker_order_id"]), maker=row["maker"], taker=row["taker"],
                 taker_side=SIDES[row["taker_side"]], tick=row["tick"], lots=row["lots"], cash=str(row["cash"]),
                 maker_fee=str(row["maker_fee"]), taker_fee=str(row["taker_fee"]))


class TradeTick(BaseModel):
    block_time: int
    tick: int


class MarketSummary(BaseModel):
    symbol: str
    market: str
    at: int  # Unix time the figures are as of: trades timed after it are left out
    last: TradeTick | None  # the last trade
    day_before: TradeTick | None  # the last trade timed at or before `at` − 24 h: the price a day before
    # The base of the 24 h change: the last trade before the 24 h window, else the window's first trade.
    reference_tick: int | None
    volume_lots: int  # traded in the 24 h up to `at`, both ends included
    volume_cash: str
    trades: int


@router.get("/markets", response_model=list[MarketSummary], summary="Every market's last price, change and volume")
def markets(db: Db, at: Annotated[int | None, Query(ge=0, description=(
        "Unix time the figures are as of (the chain's latest block time); default: the index's last event."))] = None):
    """Per listed security with an order book, in listing order: its last trade, its last trade a day
    before `at`, the base of its 24-hour change and its 24-hour volume."""
    moment = at if at is not None else (history.indexed_time(db) or 0)
    listed = db.execute(select(schema.securities.c.symbol, schema.securities.c.market)
                        .where(schema.securities.c.market.is_not(None)).order_by(schema.securities.c.listing_index))
    return [_summary(db, symbol, market, moment) for symbol, market in listed]


@router.get("/securities/{symbol}/trades/latest", response_model=list[Trade], summary="A security's latest trades, newest first")
def latest_trades(symbol: str, db: Db, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = TAPE_LENGTH,
                  wallet: Annotated[str | None, Query(description="Only the trades this wallet made or took.")] = None):
    """The last `limit` trades of a security's market, newest first: the tape. Older trades are
    read oldest first, page by page, from /securities/{symbol}/trades."""
    security = security_row(db, symbol)
    table = schema.trades
    query = select(table).where(table.c.market == security["market"])
    if wallet is not None:
        address = wallet_address(wallet)
        query = query.where(or_(table.c.maker == address, table.c.taker == address))
    rows = db.execute(query.order_by(table.c.block_number.desc(), table.c.log_index.desc()).limit(limit)).mappings()
    return [trade_of(r) for r in rows]


def _summary(db: Connection, symbol: str, market: str, at: int) -> MarketSummary:
    table = schema.trades
    of_market = select(table.c.block_time, table.c.tick).where(table.c.market == market)
    newest_first = (table.c.block_number.desc(), table.c.log_index.desc())
    since = at - DAY_SECONDS

    def tick(query) -> TradeTick | None:
        row = db.execute(query.limit(1)).mappings().first()
        return None if row is None else TradeTick(**row)

    last = tick(of_market.where(table.c.block_time <= at).order_by(*newest_first))
    day_before = tick(of_market.where(table.c.block_time <= since).order_by(*newest_first))
    before_window = tick(of_market.where(table.c.block_time < since).order_by(*newest_first))
    # Folded in Python: on SQLite cash is stored as text (schema.Amount).
    window = list(db.execute(select(table.c.tick, table.c.lots, table.c.cash)
                             .where(table.c.market == market, table.c.block_time >= since, table.c.block_time <= at)
                             .order_by(table.c.block_number, table.c.log_index)).mappings())
    reference = before_window.tick if before_window else (window[0]["tick"] if window else None)
    return MarketSummary(symbol=symbol, market=market, at=at, last=last, day_before=day_before, reference_tick=reference,
                         volume_lots=sum(t["lots"] for t in window), volume_cash=str(sum(t["cash"] for t in window)),
                         trades=len(window))
