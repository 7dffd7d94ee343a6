"""Which database the index lives in.

Default: a SQLite file beside the chain's state (`<chain dir>/index.sqlite`), so the embedded
setup needs no server. Production: KEIRETSU_DATABASE_URL, e.g. postgresql://user@host/keiretsu,
reached through psycopg 3. Only portable SQLAlchemy Core is used on top of it.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

DATABASE_URL_VARIABLE = "KEIRETSU_DATABASE_URL"
INDEX_FILE = "index.sqlite"


def default_chain_dir() -> Path:
    """The chain directory `make up` uses (KEIRETSU_CHAIN_DIR, else chain/ of the repository)."""
    from keiretsu.up import DEFAULT_CHAIN_DIR

    return Path(os.environ.get("KEIRETSU_CHAIN_DIR") or DEFAULT_CHAIN_DIR)


def database_url(url: str | None = None, chain_dir: Path | None = None) -> str:
    """`url`, else KEIRETSU_DATABASE_URL, else the SQLite file beside the chain's state."""
    url = url or os.environ.get(DATABASE_URL_VARIABLE)
    if url:
        # A bare postgresql:// URL would make SQLAlchemy look for psycopg2; the platform uses psycopg 3.
        for bare in ("postgresql://", "postgres://"):
            if url.startswith(bare):
                return "postgresql+psycopg://" + url.removeprefix(bare)
        return url
    path = (chain_dir or default_chain_dir()) / INDEX_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def engine_for(url: str | None = None, chain_dir: Path | None = None) -> Engine:
    """A SQLAlchemy engine for the index's database (see `database_url`)."""
    engine = create_engine(database_url(url, chain_dir))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    return engine


def _tune_sqlite(connection, _record) -> None:
    # WAL lets the API read while the follower writes; NORMAL sync is safe under WAL (a crash may
    # lose the last committed range, which the follower then reads again).
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
