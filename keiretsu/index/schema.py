"""The index's tables. The index is derived data: a database whose stored SCHEMA_VERSION differs
from this one is rebuilt from the chain, never migrated; bump the version on any change here or
in how events are projected.

Conventions, the same on SQLite and PostgreSQL:
* addresses are lowercase 0x text (42 characters), hashes 0x text (66);
* uint256 amounts are `Amount`: NUMERIC(78,0) on PostgreSQL; on SQLite, whose NUMERIC affinity
  would turn integers above 2**63 into floats, 78-digit zero-padded text, which still sorts and
  compares like the number. Python sees int either way.
* every row written from an event names its block number and log index (unique on a chain).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    BigInteger, Boolean, Column, Index, Integer, MetaData, Numeric, String, Table, Text, TypeDecorator,
)

SCHEMA_VERSION = 1

ADDRESS = String(42)
HASH = String(66)


class Amount(TypeDecorator):
    """A uint256, exact on every database (see the module docstring)."""

    impl = Numeric(78, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(78))
        return dialect.type_descriptor(Numeric(78, 0))

    def process_bind_param(self, value: int | None, dialect) -> str | Decimal | None:
        if value is None:
            return None
        return f"{value:078d}" if dialect.name == "sqlite" else Decimal(value)

    def process_result_value(self, value, dialect) -> int | None:
        return None if value is None else int(value)


metadata = MetaData()

# One row: what this index is an index of, and how far it got.
meta = Table(
    "meta", metadata,
    Column("id", Integer, primary_key=True),
    Column("schema_version", Integer, nullable=False),
    Column("chain_id", BigInteger, nullable=False),
    Column("genesis_hash", HASH, nullable=False),
    Column("start_block", BigInteger, nullable=False),
    Column("last_block", BigInteger, nullable=False),  # start_block - 1 before the first range
    Column("last_block_hash", HASH),
)

# Every contract whose logs are read: the roots given to the follower and the clones discovered.
contracts = Table(
    "contracts", metadata,
    Column("address", ADDRESS, primary_key=True),
    Column("kind", String(16), nullable=False),  # root, security, market, offering
    Column("security", ADDRESS),  # the token of a market or offering
    Column("discovered_block", BigInteger, nullable=False),
)

securities = Table(
    "securities", metadata,
    Column("token", ADDRESS, primary_key=True),
    Column("factory", ADDRESS, nullable=False),
    Column("listing_index", BigInteger, nullable=False),
    Column("isin", String(12), nullable=False),
    Column("symbol", String(16), nullable=False),
    Column("issuer", ADDRESS, nullable=False),
    Column("market", ADDRESS),
    Column("offering", ADDRESS),
    Column("status", Integer),  # the factory's listing status, from ListingStatusChanged
    Column("issued_block", BigInteger, nullable=False),
    Column("issued_tx", HASH, nullable=False),
)

markets = Table(
    "markets", metadata,
    Column("address", ADDRESS, primary_key=True),
    Column("token", ADDRESS, nullable=False),
    Column("lot_size", Amount, nullable=False),
    Column("tick_size", Amount, nullable=False),
)

events = Table(
    "events", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("contract", ADDRESS, nullable=False),
    Column("name", String(40), nullable=False),
    Column("args", Text, nullable=False),  # JSON: integers as numbers, addresses lowercase, bytes as 0x hex
    Index("events_by_contract", "contract", "block_number"),
    Index("events_by_name", "name", "block_number"),
)

transfers = Table(
    "transfers", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("token", ADDRESS, nullable=False),
    Column("sender", ADDRESS, nullable=False),
    Column("receiver", ADDRESS, nullable=False),
    Column("amount", Amount, nullable=False),
    Column("kind", String(8), nullable=False),  # transfer, mint, burn
    Index("transfers_by_sender", "token", "sender", "block_number"),
    Index("transfers_by_receiver", "token", "receiver", "block_number"),
)

# Per (token, account): the ERC-20 balance on every token followed (securities and cash), and on
# securities what of it is held by an order book, partially frozen, and whether the wallet is frozen.
balances = Table(
    "balances", metadata,
    Column("token", ADDRESS, primary_key=True),
    Column("account", ADDRESS, primary_key=True),
    Column("balance", Amount, nullable=False),
    Column("held", Amount, nullable=False),
    Column("frozen", Amount, nullable=False),
    Column("wallet_frozen", Boolean, nullable=False),
    Column("updated_block", BigInteger, nullable=False),
)

# Resting orders (an order that never rested logs no OrderPlaced: it is only in `trades`).
orders = Table(
    "orders", metadata,
    Column("market", ADDRESS, primary_key=True),
    Column("order_id", Amount, primary_key=True),
    Column("owner", ADDRESS, nullable=False),
    Column("side", Integer, nullable=False),  # 0 buy, 1 sell
    Column("tick", BigInteger, nullable=False),
    Column("lots", BigInteger, nullable=False),  # as placed
    Column("remaining", BigInteger, nullable=False),
    Column("order_type", Integer, nullable=False),
    Column("expiry", BigInteger, nullable=False),
    Column("escrow", Amount, nullable=False),  # a bid's cash still escrowed
    Column("maker_fee_bps", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # open, partially_filled, filled, cancelled
    Column("cancel_reason", Integer),  # OrderCancelled.reason: below 100 an ERC-1404 code
    Column("placed_block", BigInteger, nullable=False),
    Column("placed_tx", HASH, nullable=False),
    Column("closed_block", BigInteger),
    Index("orders_by_owner", "owner", "market"),
    Index("orders_by_status", "market", "status"),
)

# Each fill: the maker's order and the taker.
trades = Table(
    "trades", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("market", ADDRESS, nullable=False),
    Column("maker_order_id", Amount, nullable=False),
    Column("maker", ADDRESS, nullable=False),
    Column("taker", ADDRESS, nullable=False),
    Column("taker_side", Integer, nullable=False),
    Column("tick", BigInteger, nullable=False),
    Column("lots", BigInteger, nullable=False),
    Column("cash", Amount, nullable=False),
    Column("maker_fee", Amount, nullable=False),
    Column("taker_fee", Amount, nullable=False),
    Index("trades_by_market", "market", "block_number"),
    Index("trades_by_maker", "maker", "block_number"),
    Index("trades_by_taker", "taker", "block_number"),
)

dividends = Table(
    "dividends", metadata,
    Column("contract", ADDRESS, primary_key=True),
    Column("token", ADDRESS, primary_key=True),
    Column("dividend_id", BigInteger, primary_key=True),
    Column("cash", ADDRESS, nullable=False),
    Column("amount", Amount, nullable=False),  # declared; 0 once cancelled
    Column("record_date_id", BigInteger, nullable=False),
    Column("record_timestamp", BigInteger, nullable=False),
    Column("payment_date", BigInteger, nullable=False),
    Column("expiry", BigInteger, nullable=False),
    Column("eligible_supply", Amount),  # from DividendSettled
    Column("paid", Amount, nullable=False),
    Column("reclaimed", Amount, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("declared_block", BigInteger, nullable=False),
    Column("declared_tx", HASH, nullable=False),
)

dividend_payments = Table(
    "dividend_payments", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("contract", ADDRESS, nullable=False),
    Column("token", ADDRESS, nullable=False),
    Column("dividend_id", BigInteger, nullable=False),
    Column("holder", ADDRESS, nullable=False),
    Column("receiver", ADDRESS),  # none for a skipped payment
    Column("amount", Amount, nullable=False),
    Column("pushed", Boolean, nullable=False),
    Column("skipped_reason", Integer),  # DividendPaymentSkipped.reason; amount 0
    Index("dividend_payments_by_dividend", "contract", "token", "dividend_id"),
    Index("dividend_payments_by_holder", "holder"),
)
