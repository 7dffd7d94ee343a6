"""`ape run reconcile` as a user runs it, on a SQLite index and on a PostgreSQL one: it reports how far
the index of the connected chain got, and refuses in one line an index that is missing or of
another chain."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from keiretsu.index.schema import SCHEMA_VERSION, meta

APE = str(Path(sys.executable).with_name("ape"))


def reconcile(chain, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri}
    environment.pop("KEIRETSU_DATABASE_URL", None)
    return subprocess.run([APE, "run", "reconcile", *args, "--network", "ethereum:local:foundry"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=environment, timeout=300)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def write_position(database_url: str, **position) -> None:
    """The index's `meta` row, as the indexer leaves it after its last committed range."""
    engine = sa.create_engine(database_url)
    try:
        meta.create(engine)
        with engine.begin() as connection:
            connection.execute(meta.insert().values(**{"id": 1, "schema_version": SCHEMA_VERSION, "start_block": 0, **position}))
    finally:
        engine.dispose()


@pytest.fixture
def genesis_hash(chain) -> str:
    return chain.blocks[0].hash.to_0x_hex()


def test_help_names_the_database_option(chain):
    result = reconcile(chain, "--help")
    assert result.returncode == 0, result.stderr
    assert "--database-url" in result.stdout and "KEIRETSU_DATABASE_URL" in result.stdout


def test_says_where_the_index_of_this_chain_is(chain, database_url, genesis_hash):
    head = chain.blocks.head
    write_position(database_url, chain_id=chain.chain_id, genesis_hash=genesis_hash,
                   last_block=head.number, last_block_hash=head.hash.to_0x_hex())
    result = reconcile(chain, "--database-url", database_url)
    assert result.returncode == 0, result.stderr
    assert f"index at block {head.number} of chain id {chain.chain_id}" in result.stdout


def test_refuses_a_database_without_an_index(chain, database_url):
    if database_url.startswith("sqlite"):
        # Not created by looking for it either.
        missing = Path(sa.make_url(database_url).database)
        assert one_line_error(reconcile(chain, "--database-url", database_url)).endswith(
            f"no index at {missing}: the indexer has not run for this chain")
        assert not missing.exists()
        missing.touch()  # an empty SQLite database: no meta table
    assert "no index in " in one_line_error(reconcile(chain, "--database-url", database_url))


def test_refuses_the_index_of_another_chain(chain, database_url, genesis_hash):
    write_position(database_url, chain_id=chain.chain_id + 1, genesis_hash=genesis_hash, last_block=1)
    assert f"is of chain id {chain.chain_id + 1}, not of the connected chain ({chain.chain_id})" in one_line_error(
        reconcile(chain, "--database-url", database_url))


def test_refuses_the_index_of_a_reset_chain(chain, database_url):
    write_position(database_url, chain_id=chain.chain_id, genesis_hash="0x" + "11" * 32, last_block=1)
    assert "its genesis block differs" in one_line_error(reconcile(chain, "--database-url", database_url))


def test_refuses_an_index_of_another_schema_version(chain, database_url, genesis_hash):
    write_position(database_url, schema_version=SCHEMA_VERSION + 1, chain_id=chain.chain_id,
                   genesis_hash=genesis_hash, last_block=1)
    assert f"has schema version {SCHEMA_VERSION + 1}, this checkout {SCHEMA_VERSION}" in one_line_error(
        reconcile(chain, "--database-url", database_url))


def test_refuses_an_unreachable_database_in_one_line(chain, postgresql_server):
    closed_port = sa.make_url(postgresql_server).set(port=1, database="keiretsu")
    line = one_line_error(reconcile(chain, "--database-url", closed_port.render_as_string(hide_password=False)))
    assert line.startswith("Error: cannot read the index in postgresql+psycopg://postgres@127.0.0.1:1/keiretsu: ")
