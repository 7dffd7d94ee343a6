"""`ape run report` reads the index (issue 14): on a traded platform, every report built from the
index — cap table, trades, dividends, dividend payments — is the report built from the event logs,
row for row and as printed, on SQLite and on a real PostgreSQL (the `database_url` fixture); a
database without this chain's index is refused with one line that says how to build it."""

from __future__ import annotations

import pytest

from keiretsu.index.database import engine_for
from keiretsu.index.follower import Follower
from keiretsu.money import Currency
from keiretsu.reports import (
    IndexedRecords,
    NoIndex,
    cap_table,
    cap_table_report,
    dividend_history,
    dividend_payments_table,
    dividends_table,
    trade_records,
    trades_report,
)
from tests.fixtures.dividends import DAY, to_time
from tests.fixtures.proof import provider_url, roots_of
from tests.test_replay import scripted_scenario

DPESO = Currency("DPESO", 6)


def test_every_report_from_the_index_is_the_report_from_the_logs(chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    token, market, dividends = arena.token, arena.market, arena.dividends
    # The first dividend expires and the issuer takes back what nobody claimed: a reclaim row too.
    to_time(chain, dividends.dividend(token, 1).expiry)
    dividends.reclaim(token, 1, sender=issuer)
    genesis = chain.blocks[0].hash.hex()
    engine = engine_for(database_url)
    with pytest.raises(NoIndex, match=r"holds no index: build this chain's with `python -m keiretsu.index backfill`"):
        IndexedRecords(engine, chain.chain_id, genesis)
    Follower(provider_url(chain), engine, roots_of(arena), arena.start_block, log=print).backfill()
    with pytest.raises(NoIndex, match=r"an index of another chain \(chain id \d+, genesis 0x"):
        IndexedRecords(engine, chain.chain_id + 1, genesis)
    index = IndexedRecords(engine, chain.chain_id, genesis)

    symbol, start = token.symbol(), arena.start_block
    records, payments = dividend_history(dividends, token, start)
    indexed_records, indexed_payments = index.dividend_history(dividends.address, token.address)
    pairs = {
        "cap table": (cap_table(token, start), cap_table_report(symbol, index.transfers(token.address))),
        "trades": (trades_report(trade_records(market, start), symbol, DPESO), trades_report(index.trade_records(market.address), symbol, DPESO)),
        "dividends": (dividends_table(records, symbol, DPESO), dividends_table(indexed_records, symbol, DPESO)),
        "payments": (dividend_payments_table(payments, symbol, DPESO), dividend_payments_table(indexed_payments, symbol, DPESO)),
    }
    for name, (from_logs, from_index) in pairs.items():
        assert len(from_logs.rows) >= 2, name
        assert from_index == from_logs, name
        assert (from_index.as_table(), from_index.as_csv()) == (from_logs.as_table(), from_logs.as_csv()), name
    # The scenario's every kind of payment is among the rows compared.
    assert {row[5] for row in pairs["payments"][0].rows} == {"claimed", "pushed", "reclaimed", "cancelled"}
    assert sum(row[1] for row in pairs["cap table"][0].rows) == token.totalSupply()
