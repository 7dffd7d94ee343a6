"""A listing's public record through the read API (keiretsu/api/listing.py), on SQLite and on
PostgreSQL: the documents the issuer published, replaced and withdrew, as the token holds them,
and every fee schedule the market has had, as its FeesChanged logs say; reconciliation compares
both with the chain and sees a document or a fee schedule out of place."""

from __future__ import annotations

import sqlalchemy as sa
from eth_utils import keccak

from keiretsu.index import schema
from keiretsu.index.database import engine_for
from keiretsu.index.reconcile import differences
from tests.fixtures.proof import provider_url
from tests.test_api import indexed_api


def name32(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def test_documents_and_fee_schedules_match_the_chain(chain, arena, issuer, operator, database_url):
    token, market = arena.token, arena.market
    prospectus, articles = name32("prospectus"), name32("articles")
    token.setDocument(prospectus, "ipfs://prospectus-v1", keccak(text="v1"), sender=issuer)
    token.setDocument(articles, "ipfs://articles", keccak(text="articles"), sender=issuer)
    token.setDocument(prospectus, "ipfs://prospectus-v2", keccak(text="v2"), sender=issuer)
    token.removeDocument(articles, sender=issuer)
    market.set_fees(15, 25, operator, sender=operator)
    api = indexed_api(chain, arena, database_url)
    symbol = token.symbol()

    published = api.get(f"/securities/{symbol}/documents").json()
    assert [d["name"] for d in published] == [name.rstrip(b"\0").decode() for name in token.getAllDocuments()]
    [document] = published
    uri, document_hash, updated = token.getDocument(prospectus)
    assert (document["uri"], document["document_hash"], document["updated_time"]) == (uri, "0x" + document_hash.hex(), updated)
    everything = api.get(f"/securities/{symbol}/documents", params={"include_removed": "true"}).json()
    assert [(d["name"], d["removed"]) for d in everything] == [("articles", True), ("prospectus", False)]

    schedules = api.get(f"/securities/{symbol}/fees").json()
    logged = list(market.FeesChanged.range(arena.start_block, chain.blocks.head.number + 1))
    assert len(logged) >= 2 and [(s["block_number"], s["maker_fee_bps"], s["taker_fee_bps"], s["fee_recipient"]) for s in schedules] == [
        (log.block_number, log.maker_fee_bps, log.taker_fee_bps, log.fee_recipient.lower()) for log in logged]
    assert (schedules[-1]["maker_fee_bps"], schedules[-1]["taker_fee_bps"]) == (15, 25) == tuple(market.fees())
    assert api.get("/securities/NOPE/documents").status_code == 404

    engine, url = engine_for(database_url), provider_url(chain)
    assert differences(url, engine) == []
    with engine.begin() as connection:
        connection.execute(sa.update(schema.documents).where(schema.documents.c.removed.is_(False)).values(uri="ipfs://forged"))
        connection.execute(sa.update(schema.fee_changes).values(taker_fee_bps=99))
    assert [line.split(":")[0] for line in differences(url, engine)] == [
        f"document 0x{prospectus.hex()} of {token.address.lower()} (uri, hash, updated)",
        f"fees of {market.address.lower()} (maker, taker bps)"]
    engine.dispose()
