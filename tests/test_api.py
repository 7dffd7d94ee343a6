"""The read API over the index (issue 14, keiretsu/api/): a traded platform is indexed, then the API
is called in-process and every answer is compared with the chain: the securities, a register
(balances, holds, freezes, shares of the supply) now, at a record date and at a past moment, each
page by page (every page together is the chain's holders, no one twice), the
trade tape page by page, candles, wallets' statements and orders, the investors filtered and paged,
the corporate actions, the CSV downloads and the OpenAPI document; an unknown symbol, a forged
cursor, a cancelled record date and an odd interval are refused with a line that says why; the
API's connections cannot write.

Runs on SQLite and on a real PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import defaultdict
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.exc import DBAPIError

from keiretsu.api import create_app, read_only_engine
from keiretsu.chain import rpc
from keiretsu.index.decoding import decoders
from keiretsu.index import schema
from keiretsu.index.database import engine_for
from keiretsu.index.follower import Follower
from tests.fixtures.proof import provider_url, roots_of
from tests.fixtures.dividends import DAY
from tests.fixtures.market import BUY, SELL
from tests.fixtures.registry import ENTERPRISE
from tests.test_index import investors_offering_and_vote, trades_on_chain
from tests.test_replay import scripted_scenario


class Api:
    """Calls the application in-process through httpx's ASGI transport (Starlette's TestClient is
    deprecated with httpx)."""

    def __init__(self, app: FastAPI):
        self.app = app

    def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> httpx.Response:
        async def call() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://index") as client:
                return await client.get(path, params=params, headers=headers)

        return asyncio.run(call())


def indexed_api(chain, p, database_url: str) -> Api:
    Follower(provider_url(chain), engine_for(database_url), roots_of(p), p.start_block, log=print).backfill()
    return Api(create_app(read_only_engine(database_url)))


def holders_on_chain(chain, token, record_date_id: int | None = None) -> dict[str, int]:
    """Every account the token's Transfer logs ever credited, with its balance now (or at the
    record date) where positive: the register as the chain alone tells it."""
    [topic] = {t for t, d in decoders().items() if d.name == "Transfer"}
    logs = rpc(provider_url(chain), "eth_getLogs", [{"address": token.address, "fromBlock": "0x0", "toBlock": "latest", "topics": [topic]}])
    balances = {account: token.balanceOf(account) if record_date_id is None else token.balanceOfAt(account, record_date_id)
                for account in {"0x" + log["topics"][2][-40:] for log in logs}}
    return {account: balance for account, balance in balances.items() if balance > 0}


def register_pages(api: Api, symbol: str, limit: int, **params) -> list[dict]:
    """Every page of a register, following next_cursor; each page is asserted the same when asked again."""
    pages, cursor = [], None
    while True:
        asked = params | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = api.get(f"/securities/{symbol}/register", params=asked).json()
        assert page == api.get(f"/securities/{symbol}/register", params=asked).json()
        pages.append(page)
        if (cursor := page["next_cursor"]) is None:
            return pages


def assert_pages_are_the_register(pages: list[dict], limit: int, on_chain: dict[str, int]) -> None:
    """The pages, `limit` holders each but the last, are the chain's holders in account order, each
    once, with the whole register's holder count and supply on every page."""
    holders = [h for page in pages for h in page["holders"]]
    accounts = [h["account"] for h in holders]
    assert accounts == sorted(set(accounts))  # in order, no one twice
    assert all(len(page["holders"]) == limit for page in pages[:-1]) and 0 < len(pages[-1]["holders"]) <= limit
    assert {h["account"]: int(h["balance"]) for h in holders} == on_chain
    assert {(page["holder_count"], int(page["supply"])) for page in pages} == {(len(on_chain), sum(on_chain.values()))}
    assert all(page["next_cursor"] == page["holders"][-1]["account"] for page in pages[:-1])


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

    # The dApp, served from another origin, may read every answer and the index block it names.
    answer = api.get(f"/securities/{symbol}/register", headers={"Origin": "http://127.0.0.1:5173"})
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "x-index-block" in answer.headers["access-control-expose-headers"].lower()
    assert int(answer.headers["x-index-block"]) == chain.blocks.head.number
    register = answer.json()
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
    assert register["holder_count"] == len(holders) and register["next_cursor"] is None
    # Two holders a page: every page together is the chain's register, no one twice.
    on_chain = holders_on_chain(chain, token)
    assert len(on_chain) >= 5
    pages = register_pages(api, symbol, 2)
    assert len(pages) == (len(on_chain) + 1) // 2
    assert_pages_are_the_register(pages, 2, on_chain)
    assert [h for page in pages for h in page["holders"]] == holders
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
    for path in ("trades", "register"):
        response = api.get(f"/securities/{symbol}/{path}", params={"cursor": "yesterday"})
        assert (response.status_code, response.json()) == (400, {"detail": "cursor 'yesterday' is not a next_cursor this API gave"})
    assert api.get(f"/securities/{symbol}/register", params={"limit": 1001}).status_code == 422
    assert api.get(f"/securities/{symbol}/trades", params={"limit": 0}).status_code == 422
    with read_only_engine(database_url).connect() as connection, pytest.raises(DBAPIError):
        connection.execute(delete(schema.trades))


def test_the_past_statements_candles_orders_investors_and_actions_match_the_chain(
        chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    investors_offering_and_vote(chain, arena, registrar, issuer)
    # A transfer in the very block timed at a record date counts after it, as the token keeps it.
    alice_account, bob_account = arena.people[:2]
    boundary = chain.pending_timestamp + 600
    arena.dividends.declare(arena.token, arena.cash, 10**6, boundary, boundary + 60, boundary + 10 * DAY, [], sender=issuer)
    chain.pending_timestamp = boundary
    arena.token.transfer(bob_account, 7, sender=alice_account)
    # Then a record date not yet reached, and one cancelled for good (the latest pending can be cancelled).
    for record_time in (boundary + 600, boundary + 1200):
        arena.dividends.declare(arena.token, arena.cash, 10**6, record_time, record_time + 60, record_time + 10 * DAY, [], sender=issuer)
    arena.dividends.cancel(arena.token, arena.dividends.dividend_count(arena.token), sender=issuer)
    api = indexed_api(chain, arena, database_url)
    token, cash, people = arena.token, arena.cash, [person.address.lower() for person in arena.people]
    symbol = token.symbol()
    head = chain.blocks.head

    # At each record date passed: the token's own balanceOfAt for every wallet, page by page, and not today's register.
    [first, cancelled, last, pending, gone] = [a for a in api.get(f"/securities/{symbol}/corporate-actions").json() if a["kind"] == "dividend"]
    [vote] = [a for a in api.get(f"/securities/{symbol}/corporate-actions").json() if a["kind"] == "vote"]
    assert last["record_timestamp"] == boundary
    # The cancelled dividend freed its record date, which the vote then scheduled again for its own time.
    assert vote["record_date_id"] == cancelled["record_date_id"]
    for action in (first, vote, last):
        on_chain = holders_on_chain(chain, token, action["record_date_id"])
        pages = register_pages(api, symbol, 2, record_date=action["record_date_id"])
        assert_pages_are_the_register(pages, 2, on_chain)
        assert {(p["at"], p["record_date_id"]) for p in pages} == {(action["record_timestamp"], action["record_date_id"])}
        assert int(pages[0]["supply"]) == token.totalSupplyAt(action["record_date_id"])
        at_record = api.get(f"/securities/{symbol}/register", params={"record_date": action["record_date_id"], "limit": 1000}).json()
        balances = {h["account"]: int(h["balance"]) for h in at_record["holders"]}
        for h in at_record["holders"]:
            assert Decimal(h["percentage"]) == round(Decimal(h["balance"]) * 100 / Decimal(at_record["supply"]), 6)
        downloaded = parsed_csv(api.get(f"/securities/{symbol}/register.csv", params={"record_date": action["record_date_id"]}))
        assert [(r["account"], r["balance"], r["percentage"]) for r in downloaded] == [
            (h["account"], h["balance"], h["percentage"]) for h in at_record["holders"]]
    assert balances[people[0]] == token.balanceOf(people[0]) + 7
    not_yet = api.get(f"/securities/{symbol}/register", params={"record_date": pending["record_date_id"]})
    assert (not_yet.status_code, not_yet.json()["detail"]) == (
        409, f"record date {pending['record_date_id']} of {symbol} (at {pending['record_timestamp']}) has not passed yet: "
             "the index has read no block timed at or after it")
    at_record = api.get(f"/securities/{symbol}/register", params={"record_date": first["record_date_id"]}).json()
    balances = {h["account"]: int(h["balance"]) for h in at_record["holders"]}
    now = {h["account"]: h["balance"] for h in api.get(f"/securities/{symbol}/register").json()["holders"]}
    assert {a: str(b) for a, b in balances.items()} != now
    assert {h["account"]: h["balance"] for h in api.get(f"/securities/{symbol}/register", params={"at": head.timestamp}).json()["holders"]} == now
    refused = api.get(f"/securities/{symbol}/register", params={"record_date": gone["record_date_id"]})
    assert (refused.status_code, refused.json()["detail"]) == (409, f"record date {gone['record_date_id']} of {symbol} was cancelled")
    assert api.get(f"/securities/{symbol}/register", params={"record_date": 99}).status_code == 404

    # A moment in the past: the chain's balances at the last block timed then. Blocks can share a
    # time, so the cut is the first block from the tape's middle on that is later than the one before.
    tape = api.get(f"/securities/{symbol}/trades", params={"limit": 1000}).json()["items"]
    middle = next(b for b in range(tape[len(tape) // 2]["block_number"], head.number)
                  if chain.blocks[b - 1].timestamp < chain.blocks[b].timestamp)
    before, at_middle = chain.blocks[middle - 1].timestamp, chain.blocks[middle].timestamp
    past = api.get(f"/securities/{symbol}/register", params={"at": before}).json()
    past_balances = {h["account"]: int(h["balance"]) for h in past["holders"]}
    for person in people:
        assert past_balances.get(person, 0) == token.balanceOf(person, block_id=middle - 1)
    assert [h for page in register_pages(api, symbol, 3, at=before) for h in page["holders"]] == past["holders"]
    assert past["holder_count"] == len(past["holders"])
    csv_rows = parsed_csv(api.get(f"/securities/{symbol}/register.csv", params={"at": before}))
    assert [(r["account"], r["balance"]) for r in csv_rows] == [(h["account"], h["balance"]) for h in past["holders"]]

    # Statements: opening + movements = closing on every token, both ends equal to the chain's balances.
    causes = set()
    for person in people:
        whole = api.get(f"/wallets/{person}/statement").json()
        causes |= {m["cause"] for m in whole["movements"]}
        period = api.get(f"/wallets/{person}/statement", params={"from": at_middle, "to": head.timestamp}).json()
        for position in period["positions"]:
            moved = sum(int(m["amount"]) for m in period["movements"] if m["token"] == position["token"])
            assert int(position["opening"]) + moved == int(position["closing"])
            contract = token if position["asset"] == symbol else cash
            assert position["token"] == contract.address.lower()
            assert int(position["closing"]) == contract.balanceOf(person)
            assert int(position["opening"]) == contract.balanceOf(person, block_id=middle - 1)
        assert all(at_middle <= m["block_time"] <= head.timestamp for m in period["movements"])
        lines = parsed_csv(api.get(f"/wallets/{person}/statement.csv", params={"from": at_middle}))
        totals: dict[str, int] = defaultdict(int)
        for line in lines:
            if line["line"] != "closing":
                totals[line["token"]] += int(line["amount"])
        assert totals == {line["token"]: int(line["amount"]) for line in lines if line["line"] == "closing"}
    assert {"trade", "dividend", "forced_transfer", "recovery", "subscription", "order_escrow", "issue"} <= causes
    alice, bob, dave, spare = people[0], people[1], people[3], people[6]
    [forced] = [m for m in api.get(f"/wallets/{alice}/statement").json()["movements"] if m["cause"] == "forced_transfer"]
    assert (forced["asset"], forced["amount"], forced["counterparty"]) == (symbol, "-50", bob)
    [recovered] = [m for m in api.get(f"/wallets/{spare}/statement").json()["movements"] if m["cause"] == "recovery"]
    assert (recovered["asset"], recovered["counterparty"], int(recovered["amount"])) == (symbol, dave, token.balanceOf(dave, block_id=recovered["block_number"] - 1))
    assert api.get("/wallets/alice/statement").json() == {"detail": "'alice' is not an address (0x and 40 hexadecimal digits)"}
    assert api.get(f"/wallets/{alice}/orders", params={"status": "lost"}).status_code == 422
    assert api.get(f"/wallets/{people[0]}/statement", params={"from": 10, "to": 5}).status_code == 400

    # Candles count every trade of the tape, in buckets aligned on the interval, from the chain's block times.
    for interval in (60, 300, 3600, 86400):
        candles = api.get(f"/securities/{symbol}/candles", params={"interval": interval}).json()
        expected: dict[int, list[dict]] = defaultdict(list)
        for trade in tape:
            expected[chain.blocks[trade["block_number"]].timestamp // interval * interval].append(trade)
        assert [(c["start"], c["open"], c["high"], c["low"], c["close"], c["lots"], int(c["cash"]), c["trades"]) for c in candles] == [
            (start, ts[0]["tick"], max(t["tick"] for t in ts), min(t["tick"] for t in ts), ts[-1]["tick"],
             sum(t["lots"] for t in ts), sum(int(t["cash"]) for t in ts), len(ts)) for start, ts in expected.items()]
    assert api.get(f"/securities/{symbol}/candles", params={"interval": 7}).json() == {"detail": "interval 7 is not one of 60, 300, 3600, 86400"}

    # Orders: the open ones are the book's; the fills are the tape's trades the wallet was in.
    for person in people:
        mine = api.get(f"/wallets/{person}/orders").json()
        resting = {int(o["order_id"]) for o in mine["orders"] if o["status"] in ("open", "partially_filled")}
        assert resting == {*arena.market.open_orders(person, BUY, 10, 10), *arena.market.open_orders(person, SELL, 10, 10)}
        assert [(f["block_number"], f["log_index"]) for f in mine["fills"]] == [
            (t["block_number"], t["log_index"]) for t in tape if person in (t["maker"], t["taker"])]
    assert any(api.get(f"/wallets/{p}/orders").json()["orders"] for p in people)

    # Investors: every page of two together are the registry's wallets, as the registry reads them.
    everyone, cursor = [], None
    while True:
        page = api.get("/investors", params={"limit": 2} | ({"cursor": cursor} if cursor else {})).json()
        everyone += page["items"]
        if (cursor := page["next_cursor"]) is None:
            break
    registered = {p for p in people if arena.registry.investor(p)[0] != bytes(20)}
    assert len(registered) >= 5 and registered <= {i["wallet"] for i in everyone if i["registered"]}
    for investor in everyone:
        identity, kind, country, expiry, flags, _ = arena.registry.investor(investor["wallet"])
        if investor["registered"]:
            assert ("0x" + identity.hex(), kind, country, expiry, flags) == (
                investor["identity"], investor["kind"], investor["country"], investor["kyc_expiry"], investor["flags"])
    filters = {"country": 276, "kind": ENTERPRISE, "kyc_expiring_within_days": 400, "search": people[0][:8]}
    for name, value in filters.items():
        found = api.get("/investors", params={name: value, "limit": 1000}).json()["items"]
        if name == "kyc_expiring_within_days":
            wanted = [i for i in everyone if head.timestamp <= i["kyc_expiry"] <= head.timestamp + value * DAY]
        elif name == "search":
            wanted = [i for i in everyone if i["wallet"].startswith(value) or i["identity"].startswith(value)]
        else:
            wanted = [i for i in everyone if i[name] == value]
        assert found == wanted and found, name

    # Corporate actions: the paid dividend is payable with what the chain paid, the cancelled one says so, and the vote.
    assert (first["status"], cancelled["status"], last["status"], gone["status"]) == ("payable", "cancelled", "upcoming", "cancelled")
    assert int(first["paid"]) > 0 and int(first["paid"]) == sum(
        int(m["amount"]) for p in people for m in api.get(f"/wallets/{p}/statement").json()["movements"]
        if m["cause"] == "dividend" and m["token"] == arena.cash.address.lower() and int(m["amount"]) > 0)
    assert [a["kind"] for a in api.get(f"/securities/{symbol}/corporate-actions", params={"status": "cancelled"}).json()] == ["dividend"] * 2
    assert any(a["kind"] == "vote" for a in api.get(f"/securities/{symbol}/corporate-actions").json())
    assert {"/wallets/{address}/statement", "/securities/{symbol}/candles", "/investors", "/wallets/{address}/orders",
            "/securities/{symbol}/corporate-actions"} <= set(api.get("/openapi.json").json()["paths"])


def test_while_the_index_is_built_afresh_the_api_says_so(chain, arena, database_url):
    """A rebuild (a reset chain, another schema version) drops the tables and creates them again:
    meanwhile every answer is a 503 that says why and when to ask again, not an error."""
    api = indexed_api(chain, arena, database_url)
    assert api.get("/securities").status_code == 200
    writer = engine_for(database_url)
    schema.metadata.drop_all(writer)

    for path in ("/securities", f"/wallets/{arena.token.address}/statement"):
        building = api.get(path)
        assert (building.status_code, building.json(), building.headers["retry-after"]) == (
            503, {"detail": "the index is being built from the chain: ask again in a moment"}, "1")
    assert api.get("/openapi.json").status_code == 200  # the API's own description needs no index

    Follower(provider_url(chain), writer, roots_of(arena), arena.start_block, log=print).backfill()
    rebuilt = api.get("/securities")
    assert rebuilt.status_code == 200 and int(rebuilt.headers["x-index-block"]) == chain.blocks.head.number
