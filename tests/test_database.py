"""The index's database harness: every test here runs on a SQLite file and on the session's real
PostgreSQL server (tests/fixtures/postgres.py), each time in an empty database of its own.

The chain's amounts are uint256: up to 78 decimal digits. PostgreSQL's NUMERIC(78,0) holds them
exactly; SQLite's NUMERIC does not (past 64 bits it keeps a REAL, 15 significant digits), so the
column type below stores them there as 78 zero-padded digits: exact, and ordered as numbers.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

UINT256_MAX = 2**256 - 1
ADDRESS = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"  # lowercase, as the index keys accounts
UINT256_DIGITS = len(str(UINT256_MAX))  # 78


class Uint256(sa.TypeDecorator):
    """A uint256 as a Python int: NUMERIC(78,0) on PostgreSQL, 78 zero-padded digits on SQLite."""

    impl = sa.Numeric(UINT256_DIGITS, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(UINT256_DIGITS))
        return dialect.type_descriptor(sa.Numeric(UINT256_DIGITS, 0))

    def process_bind_param(self, value: int | None, dialect: sa.Dialect) -> str | int | None:
        if value is None or dialect.name != "sqlite":
            return value
        return f"{value:0{UINT256_DIGITS}d}"

    def process_result_value(self, value: str | Decimal | None, dialect: sa.Dialect) -> int | None:
        return None if value is None else int(value)


def balances_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "balances", metadata,
        sa.Column("account", sa.String(42), primary_key=True),
        sa.Column("amount", Uint256, nullable=False),
    )


def test_each_test_has_an_empty_database(database_url):
    engine = sa.create_engine(database_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
        balances_table(sa.MetaData()).create(engine)
        assert sa.inspect(engine).get_table_names() == ["balances"]
    finally:
        engine.dispose()


def test_uint256_and_address_round_trip_exactly(database_url):
    engine = sa.create_engine(database_url)
    balances = balances_table(metadata := sa.MetaData())
    try:
        metadata.create_all(engine)
        rows = [  # largest first: the order the query asks for
            {"account": ADDRESS, "amount": UINT256_MAX},
            {"account": "0x" + "ab" * 20, "amount": 10**18 + 1},  # one wei over one unit: past a float's 53 bits
            {"account": "0x" + "00" * 20, "amount": 0},
        ]
        with engine.begin() as connection:
            connection.execute(balances.insert(), rows)
        with engine.connect() as connection:
            assert connection.execute(sa.select(balances.c.amount).where(balances.c.account == ADDRESS)).scalar_one() == UINT256_MAX
            # Ordered as numbers by the database itself, not as text or floats.
            ordered = connection.execute(sa.select(balances.c.account, balances.c.amount).order_by(balances.c.amount.desc())).all()
        assert [tuple(row) for row in ordered] == [(row["account"], row["amount"]) for row in rows]
        assert all(type(amount) is int for _, amount in ordered)
    finally:
        engine.dispose()


def test_postgresql_stores_uint256_as_numeric_78_0(postgresql_server):
    """On PostgreSQL the column is a real NUMERIC(78,0), which sums and compares in SQL."""
    engine = sa.create_engine(postgresql_server)
    metadata = sa.MetaData()
    balances = sa.Table("uint256_probe", metadata, sa.Column("amount", Uint256))
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(balances.insert(), [{"amount": UINT256_MAX}, {"amount": 1}])
            column_type = connection.execute(sa.text(
                "SELECT data_type, numeric_precision, numeric_scale FROM information_schema.columns "
                "WHERE table_name = 'uint256_probe'")).one()
            total = connection.execute(sa.select(sa.func.sum(balances.c.amount))).scalar_one()
            server = connection.execute(sa.text("SELECT current_user, version()")).one()
        assert tuple(column_type) == ("numeric", 78, 0)
        assert total == UINT256_MAX + 1
        assert server[0] == "postgres" and server[1].startswith("PostgreSQL ")
    finally:
        metadata.drop_all(engine)
        engine.dispose()
