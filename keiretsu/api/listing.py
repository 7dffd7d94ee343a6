"""Routes of a listing's public record: the documents its issuer published and its market's fee
schedule over time."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from keiretsu.api.common import Db, security_row
from keiretsu.index import schema

router = APIRouter()


class Document(BaseModel):
    name: str  # the bytes32 name as text (its bytes up to the first zero)
    name_hex: str  # the bytes32 name as the token stores it
    uri: str
    document_hash: str
    removed: bool
    updated_block: int
    updated_time: int


class FeeSchedule(BaseModel):
    block_number: int
    block_time: int  # from then on, until the next change
    maker_fee_bps: int
    taker_fee_bps: int
    fee_recipient: str


@router.get("/securities/{symbol}/documents", response_model=list[Document])
def documents(symbol: str, db: Db, include_removed: bool = False):
    """The documents of a security (ERC-1643) by name, as last published; withdrawn ones only when asked."""
    token = security_row(db, symbol)["token"]
    table = schema.documents
    query = select(table).where(table.c.token == token).order_by(table.c.name)
    if not include_removed:
        query = query.where(table.c.removed.is_(False))
    return [Document(name=_text(r["name"]), name_hex=r["name"], uri=r["uri"], document_hash=r["document_hash"],
                     removed=r["removed"], updated_block=r["updated_block"], updated_time=r["updated_time"])
            for r in db.execute(query).mappings()]


@router.get("/securities/{symbol}/fees", response_model=list[FeeSchedule])
def fees(symbol: str, db: Db):
    """Every fee schedule its market has had, oldest first: the last one applies now."""
    market = security_row(db, symbol)["market"]
    table = schema.fee_changes
    query = select(table).where(table.c.market == market).order_by(table.c.block_number, table.c.log_index)
    return [FeeSchedule(**{name: r[name] for name in FeeSchedule.model_fields}) for r in db.execute(query).mappings()]


def _text(name_hex: str) -> str:
    return bytes.fromhex(name_hex[2:]).rstrip(b"\0").decode("utf-8", errors="replace")
