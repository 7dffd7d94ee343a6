"""`python -m keiretsu.index`: build or follow the index of the platform's events."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import click

from keiretsu.chain import rpc
from keiretsu.index.database import DATABASE_URL_VARIABLE, engine_for
from keiretsu.index.follower import Follower
from keiretsu.index.roots import manifest_roots
from keiretsu.log_ranges import LogRangeError
from keiretsu.manifest import DEPLOYMENTS, ManifestError


def _log(message: str) -> None:
    click.echo(message, err=True)


def _follower(rpc_url: str, database_url: str | None, chain_dir: Path | None, deployments: Path) -> Follower:
    try:
        chain_id = int(rpc(rpc_url, "eth_chainId"), 16)
    except OSError as unreachable:
        raise click.ClickException(f"no node answers at {rpc_url} ({unreachable})") from None
    try:
        roots, start_block = manifest_roots(chain_id, deployments)
    except ManifestError as missing:
        raise click.ClickException(str(missing)) from None
    return Follower(rpc_url, engine_for(database_url, chain_dir), roots, start_block, log=_log)


options = [
    click.option("--rpc-url", envvar="KEIRETSU_RPC_URL", default="http://127.0.0.1:8545", show_default=True,
                 help="JSON-RPC URL of the chain (env KEIRETSU_RPC_URL)."),
    click.option("--database-url", envvar=DATABASE_URL_VARIABLE, default=None,
                 help=f"SQLAlchemy URL of the index, e.g. postgresql://user@host/keiretsu (env {DATABASE_URL_VARIABLE}; "
                      "default: index.sqlite in the chain directory)."),
    click.option("--chain-dir", envvar="KEIRETSU_CHAIN_DIR", type=click.Path(path_type=Path), default=None,
                 help="The chain directory of `make up`, where the default SQLite index lives (env KEIRETSU_CHAIN_DIR; default chain/)."),
    click.option("--deployments", envvar="KEIRETSU_DEPLOYMENTS", type=click.Path(path_type=Path), default=DEPLOYMENTS,
                 show_default=True, help="Folder of the deployment manifest naming the platform's contracts (env KEIRETSU_DEPLOYMENTS)."),
]


def with_options(command):
    for option in reversed(options):
        command = option(command)
    return command


@click.group()
def cli() -> None:
    """Index every event of the Keiretsu platform into SQL (SQLite by default, PostgreSQL by URL).

    The index is rebuilt from scratch when the chain was reset, or was written by another schema
    version; it is never an index of another chain."""


@cli.command()
@with_options
def backfill(rpc_url: str, database_url: str | None, chain_dir: Path | None, deployments: Path) -> None:
    """Index up to the chain's current head once, print the rate, and exit."""
    follower = _follower(rpc_url, database_url, chain_dir, deployments)
    started = time.monotonic()
    try:
        events = follower.backfill()
    except LogRangeError as failure:
        raise click.ClickException(str(failure)) from None
    seconds = time.monotonic() - started
    click.echo(f"indexed {events} events in {seconds:.2f} s ({events / seconds if seconds else 0:,.0f} events/s)")


@cli.command()
@with_options
@click.option("--poll-seconds", type=float, default=0.5, show_default=True, help="How often to look for new blocks.")
def follow(rpc_url: str, database_url: str | None, chain_dir: Path | None, deployments: Path, poll_seconds: float) -> None:
    """Backfill, then follow new blocks until interrupted (Ctrl-C)."""
    follower = _follower(rpc_url, database_url, chain_dir, deployments)
    try:
        follower.follow(threading.Event(), poll_seconds)
    except KeyboardInterrupt:
        pass
    except LogRangeError as failure:
        raise click.ClickException(str(failure)) from None


if __name__ == "__main__":
    sys.exit(cli())
