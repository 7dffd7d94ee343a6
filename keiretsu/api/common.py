"""What every route module of the read API shares: the request's read-only connection and the
lookup of a security by its symbol."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Connection, select

from keiretsu.index import schema


def _connection(request: Request) -> Iterator[Connection]:
    with request.app.state.engine.connect() as connection:
        yield connection


# Module level: FastAPI resolves the routes' (postponed) annotations in their module's namespace.
Db = Annotated[Connection, Depends(_connection)]


def security_row(db: Connection, symbol: str) -> dict:
    """The index's row of the security listed as `symbol`; a 404 that says so when there is none."""
    row = db.execute(select(schema.securities).where(schema.securities.c.symbol == symbol)).mappings().first()
    if row is None:
        raise HTTPException(404, f"no security with the symbol {symbol!r} in the index")
    return dict(row)
