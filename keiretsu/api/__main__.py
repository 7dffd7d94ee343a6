"""`python -m keiretsu.api`: serve the read API over the index with uvicorn."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import uvicorn
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from keiretsu.api import create_app, read_only_engine
from keiretsu.index import schema
from keiretsu.index.database import DATABASE_URL_VARIABLE


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the API sits next to the dApp, not on the internet.")
@click.option("--port", type=int, default=8550, show_default=True, envvar="KEIRETSU_API_PORT",
              help="Port to listen on (env KEIRETSU_API_PORT).")
@click.option("--database-url", envvar=DATABASE_URL_VARIABLE, default=None,
              help=f"SQLAlchemy URL of the index (env {DATABASE_URL_VARIABLE}; default: index.sqlite in the chain directory).")
@click.option("--chain-dir", envvar="KEIRETSU_CHAIN_DIR", type=click.Path(path_type=Path), default=None,
              help="The chain directory of `make up`, where the default SQLite index lives (env KEIRETSU_CHAIN_DIR; default chain/).")
def cli(host: str, port: int, database_url: str | None, chain_dir: Path | None) -> None:
    """Serve the read-only HTTP API over the index (OpenAPI document at /openapi.json, browsable at /docs)."""
    engine = read_only_engine(database_url, chain_dir)
    try:
        with engine.connect() as connection:
            connection.execute(select(schema.meta.c.last_block)).scalar_one()
    except SQLAlchemyError:
        raise click.ClickException(f"no index in {engine.url.render_as_string(hide_password=True)}: "
                                   "build it first with `python -m keiretsu.index backfill`") from None
    uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    sys.exit(cli())
