"""The read API over the index (issue 14, keiretsu/api/): a traded platform is indexed, then the API
is called in-process and every answer is compared with the chain: the securities, a register
(balances, holds, freezes, shares of the supply), the trade tape page by page, the CSV downloads
and the OpenAPI document; an unknown symbol and a forged cursor get a 404 and a 400 that say why;
the API's connections cannot write.

Runs on SQLite and on a real PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.exc import DBAPIError

from keiretsu.api import create_app, read_only_engine
from keiretsu.index import schema
from keiretsu.index.database import engine_for
from keiretsu.index.follower import Follower
from tests.fixtures.proof import provider_url
from tests.test_index import roots_of, trades_on_chain
from tests.test_replay import scripted_scenario


def indexed_api(chain, p, database_url: str) -> TestClient:
    Follower(provider_url(chain), engine_for(database_url), roots_of(p), p.start_block, log=print).backfill()
    return TestClient(create_app(read_only_engine(database_url)))


def parsed_csv(response) -> list[dict]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_the_api_answers_what_the_chain_says(chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    api = indexed_api(chain, arena, database_url)
    token = arena.token

    [security] = api.get("/securities").json()
    symbol = token.symbol()
    assert (security["symbol"], security["token"], security["market"]) == (symbol, token.address.lower(), arena.market.address.lower())
    assert security["isin"] == arena.factory.security_by_token(token).isin
    assert parsed_csv(api.get("/securities.csv"))[0]["symbol"] == symbol
    assert api.get(f"/securities/{symbol}").json() == security

    register = api.get(f"/securities/{symbol}/register").json()
    holders = register["holders"]
    assert int(register["supply"]) == token.totalSupply() and len(holders) >= 5
    assert register["as_of_block"] == chain.blocks.head.number
    for holder in holders:
        account = holder["account"]
        assert (int(holder["balance"]), int(holder["held"]), int(holder["frozen"]), holder["wallet_frozen"]) == (
            token.balanceOf(account), token.held_balance(account), token.getFrozenTokens(account), token.isFrozen(account))
        assert Decimal(holder["percentage"]) == round(Decimal(holder["balance"]) * 100 / Decimal(register["supply"]), 6)
    # The holders' balances add up to the supply: nobody holding shares is missing from the register.
    assert sum(int(h["balance"]) for h in holders) == token.totalSupply()
    assert any(h["frozen"] != "0" for h in holders) and any(h["wallet_frozen"] for h in holders)
    as_csv = parsed_csv(api.get(f"/securities/{symbol}/register.csv"))
    assert as_csv == parsed_csv(api.get(f"/securities/{symbol}/register", params={"format": "csv"}))
    assert [(r["account"], r["balance"], r["percentage"]) for r in as_csv] == [(h["account"], h["balance"], h["percentage"]) for h in holders]

    # The tape, two trades a page, is the market's Trade logs in order; a page asked again is the same page.
    on_chain = trades_on_chain(provider_url(chain), arena)
    pages, cursor = [], None
    while True:
        page = api.get(f"/securities/{symbol}/trades", params={"limit": 2} | ({"cursor": cursor} if cursor else {})).json()
        assert page == api.get(f"/securities/{symbol}/trades", params={"limit": 2} | ({"cursor": cursor} if cursor else {})).json()
        pages.append(page["items"])
        if (cursor := page["next_cursor"]) is None:
            break
    tape = [t for page in pages for t in page]
    assert len(pages) == (len(on_chain) + 1) // 2 and all(len(page) == 2 for page in pages[:-1])
    assert [(t["block_number"], t["log_index"], t["lots"], int(t["cash"])) for t in tape] == on_chain
    assert {t["taker_side"] for t in tape} == {"buy", "sell"}
    downloaded = parsed_csv(api.get(f"/securities/{symbol}/trades.csv", params={"limit": 1000}))
    assert [(int(r["block_number"]), int(r["log_index"]), r["cash"], r["taker"]) for r in downloaded] == [
        (t["block_number"], t["log_index"], t["cash"], t["taker"]) for t in tape]

    document = api.get("/openapi.json").json()
    assert {"/securities", "/securities/{symbol}", "/securities/{symbol}/register", "/securities/{symbol}/trades"} <= set(document["paths"])


def test_unknown_symbols_forged_cursors_and_writes_are_refused(chain, arena, database_url):
    api = indexed_api(chain, arena, database_url)
    symbol = arena.token.symbol()
    for path in ("/securities/NOPE", "/securities/NOPE/register", "/securities/NOPE/register.csv", "/securities/NOPE/trades"):
        response = api.get(path)
        assert (response.status_code, response.json()) == (404, {"detail": "no security with the symbol 'NOPE' in the index"})
    response = api.get(f"/securities/{symbol}/trades", params={"cursor": "yesterday"})
    assert (response.status_code, response.json()) == (400, {"detail": "cursor 'yesterday' is not a next_cursor this API gave"})
    assert api.get(f"/securities/{symbol}/trades", params={"limit": 0}).status_code == 422
    with read_only_engine(database_url).connect() as connection, pytest.raises(DBAPIError):
        connection.execute(delete(schema.trades))
