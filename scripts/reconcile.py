"""ape run reconcile: compare the index (keiretsu/index) with the chain it indexes."""

from pathlib import Path

import click

from keiretsu.cli import PlatformCommand, UserError


@click.command(cls=PlatformCommand)
@click.option(
    "--database-url",
    default=None,
    metavar="URL",
    help="The index's database, a SQLAlchemy URL (postgresql://user@host/keiretsu or sqlite:///path). "
         "Default: KEIRETSU_DATABASE_URL, else the SQLite file beside `make up`'s chain (KEIRETSU_CHAIN_DIR).",
)
def cli(database_url):
    """Compares the index with the connected chain and lists every difference, one line each.

    The index must be of this chain (same chain id and genesis block) and of this checkout's
    schema; anything else is one line and exit status 1. Then every account's balance, hold and
    freeze, every resting order and its escrow, every dividend's claimed total, every investor,
    offering, subscription, tally and ballot is read from the chain at the index's last block and
    compared (keiretsu/index/reconcile.py); any difference is listed and the exit status is 1."""
    import sqlalchemy as sa
    from ape import chain

    from keiretsu.index.database import database_url as index_database_url
    from keiretsu.index.reconcile import differences
    from keiretsu.index.schema import meta

    url = sa.make_url(index_database_url(database_url))
    shown = url.render_as_string(hide_password=True)
    # Connecting to a missing SQLite file would create an empty one: say there is no index instead.
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        raise UserError(f"no index at {url.database}: the indexer has not run for this chain")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(meta.name):
                raise UserError(f"no index in {shown}: the indexer has not run there")
            position = connection.execute(sa.select(meta)).first()
        _refuse_another_index(position, shown)
        click.echo(f"index at block {position.last_block} of chain id {position.chain_id} ({shown})")
        problems = differences(chain.provider.http_uri, engine)
    except sa.exc.OperationalError as failure:
        reason = str(failure.orig).strip().splitlines()[0]
        raise UserError(f"cannot read the index in {shown}: {reason}") from None
    finally:
        engine.dispose()
    for problem in problems:
        click.echo(problem)
    if problems:
        raise UserError(f"{len(problems)} differences between the index and the chain at block {position.last_block}")


def _refuse_another_index(position, shown: str) -> None:
    """A UserError unless `position` (the index's meta row) is of this checkout's schema and of the
    connected chain."""
    from ape import chain

    from keiretsu.index.schema import SCHEMA_VERSION

    if position is None:
        raise UserError(f"no index in {shown}: the indexer has not run there")
    if position.schema_version != SCHEMA_VERSION:
        raise UserError(f"the index in {shown} has schema version {position.schema_version}, this checkout "
                        f"{SCHEMA_VERSION}: the indexer rebuilds it when it starts")
    if position.chain_id != chain.chain_id:
        raise UserError(f"the index in {shown} is of chain id {position.chain_id}, not of the connected "
                        f"chain ({chain.chain_id})")
    if position.genesis_hash.lower() != chain.blocks[0].hash.to_0x_hex().lower():
        raise UserError(f"the index in {shown} is of another chain with id {position.chain_id} (its genesis "
                        "block differs, e.g. a reset chain): the indexer rebuilds it when it starts")
