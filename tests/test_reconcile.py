"""`ape run reconcile` as a user runs it, on a SQLite index and on a PostgreSQL one: a freshly indexed
platform reconciles; one corrupted row of each kind (a balance, a hold, a partial freeze, a wallet
freeze, a resting order, its escrow, an order wrongly closed, a dividend's claimed total, an
offering's total and state, a token's supply and holder count, a balance and the supply in a record
date's snapshot) is reported as exactly that difference, and the script lists them all
and exits non-zero; an index that is missing or of another chain is refused in one line."""

import os
import subprocess
import sys
from pathlib import Path

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from keiretsu.index import schema
from keiretsu.index.reconcile import differences
from keiretsu.index.schema import SCHEMA_VERSION, meta
from tests.fixtures.market import GTC, SELL
from tests.fixtures.proof import provider_url
from tests.fixtures.scripts import run_in_session
from tests.test_index import follower_for, investors_offering_and_vote, rows
from tests.test_replay import scripted_scenario

APE = str(Path(sys.executable).with_name("ape"))


def reconcile(chain, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri}
    environment.pop("KEIRETSU_DATABASE_URL", None)
    return subprocess.run([APE, "run", "reconcile", *args, "--network", "ethereum:local:foundry"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=environment, timeout=300)


def reconcile_in_session(database_url: str) -> subprocess.CompletedProcess:
    """The refusals below, without a new `ape` process each (tests/fixtures/scripts.py)."""
    return run_in_session("reconcile", "--database-url", database_url)


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


@contextmanager
def corrupted(engine, table: sa.Table, row: dict, **wrong):
    """`row` of `table` changed to `wrong` values, and restored afterwards."""
    key = [column == row[column.name] for column in table.primary_key.columns]
    with engine.begin() as connection:
        assert connection.execute(sa.update(table).where(*key).values(**wrong)).rowcount == 1
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(sa.update(table).where(*key).values(**{name: row[name] for name in wrong}))


def test_a_fresh_index_reconciles_and_each_corrupted_row_is_reported(chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    investors_offering_and_vote(chain, arena, registrar, issuer)
    arena.market.place_order(SELL, 120, 2, GTC, 0, 8, sender=arena.people[0])  # a hold: an ask resting above the book
    url, lines = provider_url(chain), []
    follower = follower_for(url, database_url, arena, lines)
    follower.backfill()
    engine, token, market = follower.engine, arena.token.address.lower(), arena.market.address.lower()
    accounts = rows(follower, schema.balances, schema.balances.c.token == token)
    held = next(a for a in accounts if a["held"] > 0)
    frozen = next(a for a in accounts if a["frozen"] > 0)
    unfrozen = next(a for a in accounts if not a["wallet_frozen"] and a["balance"] > 0)
    bid = next(o for o in rows(follower, schema.orders) if o["status"] in ("open", "partially_filled") and o["escrow"] > 0)
    dividend = next(d for d in rows(follower, schema.dividends) if d["paid"] > 0)
    [offering] = rows(follower, schema.offerings)
    [supply] = rows(follower, schema.supplies, schema.supplies.c.token == token)
    record_date = rows(follower, schema.record_dates, schema.record_dates.c.snapshot_block.is_not(None))[0]
    at_record = f"at record date {record_date['record_date_id']}"
    snapshot = rows(follower, schema.record_balances, schema.record_balances.c.record_date_id == record_date["record_date_id"])[0]
    order = f"order {bid['order_id']} on {market}"
    corruptions = [  # (table, row, wrong values, the difference reported)
        (schema.balances, held, {"balance": held["balance"] + 1}, f"balance of {held['account']} on {token}"),
        (schema.balances, held, {"held": held["held"] - 1}, f"held of {held['account']} on {token}"),
        (schema.balances, frozen, {"frozen": 0}, f"frozen of {frozen['account']} on {token}"),
        (schema.balances, unfrozen, {"wallet_frozen": True}, f"wallet_frozen of {unfrozen['account']} on {token}"),
        (schema.orders, bid, {"remaining": bid["remaining"] + 1}, f"{order} (owner, side, tick, remaining, expiry)"),
        (schema.orders, bid, {"escrow": bid["escrow"] + 1}, f"escrow of {order}"),
        (schema.orders, bid, {"status": "cancelled"}, f"{order}: chain open, index cancelled"),
        (schema.dividends, dividend, {"paid": dividend["paid"] - 1}, f"dividend {dividend['dividend_id']} of {token} (amount, claimed)"),
        (schema.offerings, offering, {"total_subscribed": 1}, f"offering {offering['address']} (total subscribed, state)"),
        (schema.offerings, offering, {"status": "failed"}, f"offering {offering['address']} (total subscribed, state)"),
        (schema.supplies, supply, {"supply": supply["supply"] + 1}, f"supply of {token}"),
        (schema.supplies, supply, {"holder_count": supply["holder_count"] - 1}, f"holder count of {token}"),
        (schema.record_balances, snapshot, {"balance": snapshot["balance"] + 1}, f"balance of {snapshot['account']} on {token} {at_record}"),
        (schema.record_dates, record_date, {"supply": record_date["supply"] - 1}, f"supply of {token} {at_record}"),
    ]

    assert lines == [] and differences(url, engine) == []
    result = reconcile_in_session(database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"index at block {rows(follower, meta)[0]['last_block']} of chain id {chain.chain_id} "
                                          f"({sa.make_url(engine.url).render_as_string(hide_password=True)})"]
    for table, row, wrong, reported in corruptions:
        with corrupted(engine, table, row, **wrong):
            [difference] = differences(url, engine)
            assert difference.startswith(reported + ("" if reported.endswith("cancelled") else ":")), difference
    assert differences(url, engine) == []  # every row restored

    with corrupted(engine, schema.balances, frozen, frozen=0), corrupted(engine, schema.orders, bid, escrow=bid["escrow"] + 1), \
            corrupted(engine, schema.offerings, offering, total_subscribed=1):
        result = reconcile(chain, "--database-url", database_url)
    reported = result.stdout.splitlines()[1:]
    assert [line.split(":")[0] for line in reported] == [
        f"frozen of {frozen['account']} on {token}", f"escrow of {order}", f"offering {offering['address']} (total subscribed, state)"]
    assert one_line_error(result).endswith(f"3 differences between the index and the chain at block {rows(follower, meta)[0]['last_block']}")


def test_refuses_a_database_without_an_index(chain, database_url):
    if database_url.startswith("sqlite"):
        # Not created by looking for it either.
        missing = Path(sa.make_url(database_url).database)
        assert one_line_error(reconcile_in_session(database_url)).endswith(
            f"no index at {missing}: the indexer has not run for this chain")
        assert not missing.exists()
        missing.touch()  # an empty SQLite database: no meta table
    assert "no index in " in one_line_error(reconcile_in_session(database_url))


def test_refuses_the_index_of_another_chain(chain, database_url, genesis_hash):
    write_position(database_url, chain_id=chain.chain_id + 1, genesis_hash=genesis_hash, last_block=1)
    assert f"is of chain id {chain.chain_id + 1}, not of the connected chain ({chain.chain_id})" in one_line_error(
        reconcile_in_session(database_url))


def test_refuses_the_index_of_a_reset_chain(chain, database_url):
    write_position(database_url, chain_id=chain.chain_id, genesis_hash="0x" + "11" * 32, last_block=1)
    assert "its genesis block differs" in one_line_error(reconcile_in_session(database_url))


def test_refuses_an_index_of_another_schema_version(chain, database_url, genesis_hash):
    write_position(database_url, schema_version=SCHEMA_VERSION + 1, chain_id=chain.chain_id,
                   genesis_hash=genesis_hash, last_block=1)
    assert f"has schema version {SCHEMA_VERSION + 1}, this checkout {SCHEMA_VERSION}" in one_line_error(
        reconcile_in_session(database_url))


def test_refuses_an_unreachable_database_in_one_line(chain, postgresql_server):
    closed_port = sa.make_url(postgresql_server).set(port=1, database="keiretsu")
    line = one_line_error(reconcile_in_session(closed_port.render_as_string(hide_password=False)))
    assert line.startswith("Error: cannot read the index in postgresql+psycopg://postgres@127.0.0.1:1/keiretsu: ")
