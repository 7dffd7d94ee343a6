"""What every route module of the read API shares: the request's read-only connection, page sizes,
the lookup of a security by its symbol and of a wallet by its address, and CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Connection, select

from keiretsu.index import schema


DEFAULT_PAGE = 100
MAX_PAGE = 1_000
STREAM_ROWS = 1_000  # rows a download reads from the database, and writes out, at a time
ADDRESS_PATTERN = re.compile(r"0x[0-9a-fA-F]{40}")
SIDES = {0: "buy", 1: "sell"}
DAY_SECONDS = 86_400


def _connection(request: Request) -> Iterator[Connection]:
    with request.app.state.engine.connect() as connection:
        yield connection


# Module level: FastAPI resolves the routes' (postponed) annotations in their module's namespace.
Db = Annotated[Connection, Depends(_connection)]
Format = Annotated[Literal["json", "csv"], Query(description="csv: a spreadsheet download instead of JSON.")]


def security_row(db: Connection, symbol: str) -> dict:
    """The index's row of the security listed as `symbol`; a 404 that says so when there is none."""
    row = db.execute(select(schema.securities).where(schema.securities.c.symbol == symbol)).mappings().first()
    if row is None:
        raise HTTPException(404, f"no security with the symbol {symbol!r} in the index")
    return dict(row)


def wallet_address(address: str) -> str:
    if not ADDRESS_PATTERN.fullmatch(address):
        raise HTTPException(400, f"{address!r} is not an address (0x and 40 hexadecimal digits)")
    return address.lower()


def csv_download(rows: Iterable[BaseModel], filename: str, model: type[BaseModel]) -> StreamingResponse:
    columns = list(model.model_fields)
    return csv_lines_download(([getattr(row, c) for c in columns] for row in rows), filename, columns)


def csv_lines_download(rows: Iterable[Sequence], filename: str, columns: list[str]) -> StreamingResponse:
    """A CSV download of `rows`, each a row's values in the order of `columns`."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for count, row in enumerate(rows, 1):
            writer.writerow(row)
            if count % STREAM_ROWS == 0:  # sent as it goes: a long download is never whole in memory
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(lines(), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})
