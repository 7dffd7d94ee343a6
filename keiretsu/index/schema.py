"""The index's tables. The index is derived data: a database whose stored SCHEMA_VERSION differs
from this one is rebuilt from the chain, never migrated; bump the version on any change here or
in how events are projected.

Conventions, the same on SQLite and PostgreSQL:
* addresses are lowercase 0x text (42 characters), hashes 0x text (66);
* uint256 amounts are `Amount`: NUMERIC(78,0) on PostgreSQL; on SQLite, whose NUMERIC affinity
  would turn integers above 2**63 into floats, 78-digit zero-padded text, which still sorts and
  compares like the number. Python sees int either way.
* every row written from an event names its block number and log index (unique on a chain), and
  every row that records a happening its block's timestamp (`block_time`, Unix seconds), read once
  per block;
* a row that is a current state (investors, subscriptions) sits beside a table of the happenings
  that made it (investor_changes, subscription_events); a ballot keeps when it was cast and last
  changed, and every event stays in `events`.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    BigInteger, Boolean, Column, Index, Integer, MetaData, Numeric, String, Table, Text, TypeDecorator,
)

SCHEMA_VERSION = 5

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

# A security's published documents (ERC-1643) as they stand; a removed one is kept, marked removed.
documents = Table(
    "documents", metadata,
    Column("token", ADDRESS, primary_key=True),
    Column("name", HASH, primary_key=True),  # the bytes32 name, 0x hex
    Column("uri", String(256), nullable=False),
    Column("document_hash", HASH, nullable=False),
    Column("removed", Boolean, nullable=False),
    Column("updated_block", BigInteger, nullable=False),
    Column("updated_time", BigInteger, nullable=False),
)

# Every change of a market's fee schedule (FeesChanged), the first one set when it was created.
fee_changes = Table(
    "fee_changes", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("block_time", BigInteger, nullable=False),
    Column("market", ADDRESS, nullable=False),
    Column("maker_fee_bps", Integer, nullable=False),
    Column("taker_fee_bps", Integer, nullable=False),
    Column("fee_recipient", ADDRESS, nullable=False),
    Index("fee_changes_by_market", "market", "block_number"),
)

events = Table(
    "events", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("block_time", BigInteger, nullable=False),
    Column("contract", ADDRESS, nullable=False),
    Column("name", String(40), nullable=False),
    Column("args", Text, nullable=False),  # JSON: integers as numbers, addresses lowercase, bytes as 0x hex
    Index("events_by_contract", "contract", "block_number"),
    Index("events_by_name", "name", "block_number"),
    Index("events_by_transaction", "tx_hash"),  # a statement's causes (keiretsu.api.history)
)

transfers = Table(
    "transfers", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("block_time", BigInteger, nullable=False),
    Column("token", ADDRESS, nullable=False),
    Column("sender", ADDRESS, nullable=False),
    Column("receiver", ADDRESS, nullable=False),
    Column("amount", Amount, nullable=False),
    Column("kind", String(8), nullable=False),  # transfer, mint, burn
    Index("transfers_by_sender", "token", "sender", "block_number"),
    Index("transfers_by_receiver", "token", "receiver", "block_number"),
    # The API's reads: a register at a moment (one token up to a time), a wallet's statement over
    # every token (either side, within a period).
    Index("transfers_by_time", "token", "block_time"),
    Index("transfers_by_sender_time", "sender", "block_time"),
    Index("transfers_by_receiver_time", "receiver", "block_time"),
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

# Per token: its supply and how many accounts hold a positive balance, kept by the projection on
# every mint, burn and transfer so that a register reads them instead of summing its balances.
supplies = Table(
    "supplies", metadata,
    Column("token", ADDRESS, primary_key=True),
    Column("supply", Amount, nullable=False),
    Column("holder_count", BigInteger, nullable=False),
    Column("updated_block", BigInteger, nullable=False),
)

# A security's record dates as its events state them (an id freed by a cancel may be scheduled
# again, for another time). Once the index has read a block timed at or after a record date, every
# holder's balance then is copied into record_balances and the supply and holder count then are
# kept here (snapshot_block: the last block of the range that took the snapshot).
record_dates = Table(
    "record_dates", metadata,
    Column("token", ADDRESS, primary_key=True),
    Column("record_date_id", BigInteger, primary_key=True),
    Column("timestamp", BigInteger, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("snapshot_block", BigInteger),
    Column("supply", Amount),
    Column("holder_count", BigInteger),
    Index("record_dates_pending", "snapshot_block", "timestamp"),
)

# Every holder's balance at a passed record date, as the token's balanceOfAt reads it (positive only).
record_balances = Table(
    "record_balances", metadata,
    Column("token", ADDRESS, primary_key=True),
    Column("record_date_id", BigInteger, primary_key=True),
    Column("account", ADDRESS, primary_key=True),
    Column("balance", Amount, nullable=False),
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
    Column("placed_time", BigInteger, nullable=False),
    Column("updated_time", BigInteger, nullable=False),  # the last fill or the cancel
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
    Column("block_time", BigInteger, nullable=False),
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
    Column("declared_time", BigInteger, nullable=False),
)

dividend_payments = Table(
    "dividend_payments", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("block_time", BigInteger, nullable=False),
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

# --- the identity registry: one row per wallet ever registered, and every change to it ---

# A wallet's registration as the registry's `investor(wallet)` reads it; `registered` false once the
# wallet was removed (the chain then reads zeros), the row kept for the history.
investors = Table(
    "investors", metadata,
    Column("wallet", ADDRESS, primary_key=True),
    Column("identity", ADDRESS, nullable=False),  # the bytes20 identity key: wallets of one investor share it
    Column("kyc_hash", HASH, nullable=False),
    Column("kind", Integer, nullable=False),  # 1 natural person, 2 enterprise
    Column("country", Integer, nullable=False),  # ISO 3166-1 numeric
    Column("kyc_expiry", BigInteger, nullable=False),
    Column("flags", Integer, nullable=False),  # 1 qualified, 2 issuer, 128 revoked
    Column("registered", Boolean, nullable=False),
    Column("registered_block", BigInteger, nullable=False),
    Column("registered_time", BigInteger, nullable=False),
    Column("updated_block", BigInteger, nullable=False),
    Column("updated_time", BigInteger, nullable=False),
    Index("investors_by_identity", "identity"),
    Index("investors_by_expiry", "kyc_expiry"),
)

# Each change with the wallet's data after it.
investor_changes = Table(
    "investor_changes", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("block_time", BigInteger, nullable=False),
    Column("wallet", ADDRESS, nullable=False),
    Column("identity", ADDRESS, nullable=False),
    Column("change", String(16), nullable=False),  # registered, wallet_added, updated, removed, revoked, reinstated
    Column("kind", Integer, nullable=False),
    Column("country", Integer, nullable=False),
    Column("kyc_expiry", BigInteger, nullable=False),
    Column("flags", Integer, nullable=False),
    Index("investor_changes_by_wallet", "wallet", "block_number"),
    Index("investor_changes_by_identity", "identity", "block_number"),
)

# --- offerings ---

offerings = Table(
    "offerings", metadata,
    Column("address", ADDRESS, primary_key=True),
    Column("token", ADDRESS, nullable=False),
    Column("cash", ADDRESS, nullable=False),
    Column("issuer", ADDRESS, nullable=False),
    Column("price", Amount, nullable=False),  # cash per lot
    Column("lot", Amount, nullable=False),
    Column("soft_cap", Amount, nullable=False),
    Column("hard_cap", Amount, nullable=False),
    Column("start_time", BigInteger, nullable=False),
    Column("end_time", BigInteger, nullable=False),
    Column("total_subscribed", Amount, nullable=False),  # shares, as the offering's total_subscribed()
    Column("status", String(16), nullable=False),  # live, succeeded, failed, cancelled
    Column("initialized_block", BigInteger, nullable=False),
    Column("initialized_time", BigInteger, nullable=False),
    Column("closed_block", BigInteger),
    Column("closed_time", BigInteger),
)

# Per (offering, investor): what is subscribed now and how it was settled.
subscriptions = Table(
    "subscriptions", metadata,
    Column("offering", ADDRESS, primary_key=True),
    Column("investor", ADDRESS, primary_key=True),
    Column("subscribed", Amount, nullable=False),  # shares, as subscription_of(investor)
    Column("cash_paid", Amount, nullable=False),  # cash paid in less cash withdrawn
    Column("withdrawn", Amount, nullable=False),  # shares withdrawn
    Column("allocated", Amount, nullable=False),  # shares minted at settlement
    Column("proceeds", Amount, nullable=False),  # cash that went to the issuer
    Column("refunded", Amount, nullable=False),  # cash returned at settlement
    Column("refund_restriction", Integer),  # Refunded.restriction: the token refused the investor
    Column("settled", Boolean, nullable=False),
    Column("updated_block", BigInteger, nullable=False),
    Column("updated_time", BigInteger, nullable=False),
    Index("subscriptions_by_investor", "investor"),
)

subscription_events = Table(
    "subscription_events", metadata,
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("tx_hash", HASH, nullable=False),
    Column("block_time", BigInteger, nullable=False),
    Column("offering", ADDRESS, nullable=False),
    Column("investor", ADDRESS, nullable=False),
    Column("kind", String(12), nullable=False),  # subscribed, withdrawn, settled, refunded
    Column("shares", Amount, nullable=False),  # subscribed, withdrawn or allotted
    Column("cash", Amount, nullable=False),  # paid, returned, or refunded
    Index("subscription_events_by_investor", "offering", "investor"),
)

# --- shareholder votes ---

votes = Table(
    "votes", metadata,
    Column("contract", ADDRESS, primary_key=True),
    Column("token", ADDRESS, primary_key=True),
    Column("vote_id", BigInteger, primary_key=True),
    Column("question", Text, nullable=False),
    Column("choices", Text, nullable=False),  # JSON list of strings
    Column("record_date_id", BigInteger, nullable=False),
    Column("record_timestamp", BigInteger, nullable=False),
    Column("closes_at", BigInteger, nullable=False),
    Column("tally", Text, nullable=False),  # JSON list of weights per choice, integers
    Column("votes_cast", Amount, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("opened_block", BigInteger, nullable=False),
    Column("opened_time", BigInteger, nullable=False),
)

# Each ballot as it stands, under the wallet whose shares at the record date it weighs (a recovered
# wallet's ballot is cast by its new wallet, `cast_by`).
ballots = Table(
    "ballots", metadata,
    Column("contract", ADDRESS, primary_key=True),
    Column("token", ADDRESS, primary_key=True),
    Column("vote_id", BigInteger, primary_key=True),
    Column("voter", ADDRESS, primary_key=True),
    Column("choice", Integer, nullable=False),
    Column("weight", Amount, nullable=False),
    Column("cast_by", ADDRESS),  # from RecoveredVoteCast; none when the voter cast it
    Column("cast_block", BigInteger, nullable=False),
    Column("cast_time", BigInteger, nullable=False),
    Column("changed_block", BigInteger),
    Column("changed_time", BigInteger),
    Index("ballots_by_voter", "voter"),
)
