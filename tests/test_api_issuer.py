"""The issuer's records in the read API (keiretsu/api/issuer.py): an offering's subscribers and what
each dividend still owes, compared with the contracts' own views on an indexed arena — the
offering's subscription_of / is_settled / allocation_of, the dividend contract's entitlement,
claimed and dividend (eligible supply, claimed total) for every holder, with an excluded wallet,
a frozen holder left unpaid, a cancelled dividend and one whose record date is still ahead. Paging,
filters and the CSV give the same rows; unknown dividends, offerings and forged cursors are refused
with a sentence.

Runs on SQLite and on a real PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

from tests.fixtures.dividends import DAY
from tests.test_api import indexed_api, parsed_csv
from tests.test_replay import scripted_scenario

DIVIDEND_WITH_EXCLUSION = 3
UPCOMING_DIVIDEND = 4
CANCELLED_DIVIDEND = 5  # its record date's id is not given again


def every_page(api, path: str, params: dict | None = None, limit: int = 1) -> list[dict]:
    items, cursor = [], None
    while True:
        page = api.get(path, params=(params or {}) | {"limit": limit} | ({"cursor": cursor} if cursor else {})).json()
        items += page["items"]
        if (cursor := page["next_cursor"]) is None:
            return items


def subscribers_settled_but_one(chain, p, issuer) -> None:
    """After the scripted scenario (erin subscribed 100, withdrew 20): alice and bob subscribe, the
    issuer closes the oversubscribed offering and settles everyone but bob."""
    alice, bob, erin = p.people[0], p.people[1], p.people[4]
    p.offering.subscribe(300, sender=alice)
    p.offering.subscribe(400, sender=bob)
    p.offering.close(sender=issuer)
    p.offering.settle_many([erin, alice], sender=issuer)


def dividends_with_exclusion_and_upcoming(chain, p, agent, issuer) -> None:
    """Dividend 3 excludes bob and does not divide evenly; alice claims it, the agent pays erin and
    carol (frozen: skipped), the others leave it outstanding. Dividend 4's record date is ahead;
    dividend 5 is cancelled with its record date."""
    alice, bob, carol, erin = p.people[0], p.people[1], p.people[2], p.people[4]
    now = chain.pending_timestamp
    p.dividends.declare(p.token, p.cash, 10**6 + 7, now + 60, now + 120, now + 10 * DAY, [bob], sender=issuer)
    chain.mine(timestamp=now + 120)
    p.dividends.claim(p.token, DIVIDEND_WITH_EXCLUSION, sender=alice)
    p.dividends.pay(p.token, DIVIDEND_WITH_EXCLUSION, [erin.address, carol.address], sender=agent)
    now = chain.pending_timestamp
    p.dividends.declare(p.token, p.cash, 10**6, now + 2 * DAY, now + 3 * DAY, now + 10 * DAY, [], sender=issuer)
    p.dividends.declare(p.token, p.cash, 10**6, now + 4 * DAY, now + 5 * DAY, now + 10 * DAY, [], sender=issuer)
    p.dividends.cancel(p.token, CANCELLED_DIVIDEND, sender=issuer)


def test_the_offering_subscribers_are_the_offering_s(chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    subscribers_settled_but_one(chain, arena, issuer)
    api = indexed_api(chain, arena, database_url)
    symbol, offering = arena.token.symbol(), arena.offering
    alice, bob, erin = (arena.people[i].address.lower() for i in (0, 1, 4))

    page = api.get(f"/securities/{symbol}/subscriptions").json()
    assert (page["offering"], page["offering_status"], page["next_cursor"]) == (offering.address.lower(), "succeeded", None)
    subscribers = {s["investor"]: s for s in page["items"]}
    assert sorted(subscribers) == sorted((alice, bob, erin)) == [s["investor"] for s in page["items"]]
    for investor, row in subscribers.items():
        assert int(row["subscribed"]) == offering.subscription_of(investor)
        assert (row["state"] != "unsettled") == offering.is_settled(investor)
        assert int(row["cash_paid"]) == offering.cost_of(offering.subscription_of(investor))
        if row["state"] == "allocated":
            assert int(row["allocated"]) == offering.allocation_of(investor) > 0
            assert int(row["proceeds"]) + int(row["refunded"]) == int(row["cash_paid"])
    assert (subscribers[erin]["withdrawn"], subscribers[bob]["state"], subscribers[alice]["state"]) == ("20", "unsettled", "allocated")
    # The issuer's settlement batch: the subscribers not settled yet.
    assert [s["investor"] for s in api.get(f"/securities/{symbol}/subscriptions", params={"state": "unsettled"}).json()["items"]] == [bob]
    assert every_page(api, f"/securities/{symbol}/subscriptions") == page["items"]
    downloaded = parsed_csv(api.get(f"/securities/{symbol}/subscriptions.csv"))
    assert [(r["investor"], r["state"], r["allocated"], r["refunded"]) for r in downloaded] == [
        (s["investor"], s["state"], s["allocated"], s["refunded"]) for s in page["items"]]
    assert api.get(f"/securities/{symbol}/subscriptions", params={"offering": offering.address}).json() == page

    # Once bob is settled and the index has read it, nobody is left to settle.
    offering.settle(bob, sender=issuer)
    api = indexed_api(chain, arena, database_url)
    assert api.get(f"/securities/{symbol}/subscriptions", params={"state": "unsettled"}).json()["items"] == []
    [bob_row] = [s for s in api.get(f"/securities/{symbol}/subscriptions").json()["items"] if s["investor"] == bob]
    assert (bob_row["state"], int(bob_row["allocated"])) == ("allocated", offering.allocation_of(bob))


def test_dividend_payments_outstanding_are_the_contract_s(chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    subscribers_settled_but_one(chain, arena, issuer)
    dividends_with_exclusion_and_upcoming(chain, arena, agent, issuer)
    api = indexed_api(chain, arena, database_url)
    token, dividends = arena.token, arena.dividends
    symbol = token.symbol()
    bob, carol = arena.people[1].address.lower(), arena.people[2].address.lower()

    for dividend_id in range(1, dividends.dividend_count(token) + 1):
        path = f"/securities/{symbol}/dividends/{dividend_id}/payments"
        answer = api.get(path, params={"limit": 1000}).json()
        rows = {r["holder"]: r for r in answer["items"]}
        terms = dividends.dividend(token, dividend_id)
        # The contract is asked about every wallet the API lists, the arena's people and today's holders.
        wallets = {p.address.lower() for p in arena.people} | set(rows) | {
            h["account"] for h in api.get(f"/securities/{symbol}/register").json()["holders"]}
        for wallet in wallets:
            # A cancelled dividend reads as an amount of 0 (its record date may be gone: entitlement() reverts).
            entitled = dividends.entitlement(token, dividend_id, wallet) if terms.amount else 0
            row = rows.get(wallet, {"entitled": "0", "paid": "0", "outstanding": "0"})
            paid = entitled if dividends.claimed(token, dividend_id, wallet) else 0
            assert (int(row["entitled"]), int(row["paid"]), int(row["outstanding"])) == (entitled, paid, entitled - paid), (dividend_id, wallet)
        assert (int(answer["amount"]), answer["record_date_id"], answer["excluded"]) == (
            terms.amount, terms.record_date_id, sorted(w.lower() for w in terms.excluded))
        assert int(answer["paid_total"]) == terms.claimed
        entitled_total = sum(int(r["entitled"]) for r in rows.values())
        assert int(answer["entitled_total"]) == entitled_total and int(answer["outstanding_total"]) == entitled_total - terms.claimed
        if terms.settled and terms.amount:
            assert int(answer["eligible_supply"]) == terms.eligible_supply
            assert int(answer["dust"]) == terms.amount - entitled_total

    # Dividend 3: bob, excluded, is owed nothing; alice claimed; frozen carol is still owed.
    path = f"/securities/{symbol}/dividends/{DIVIDEND_WITH_EXCLUSION}/payments"
    answer = api.get(path, params={"limit": 1000}).json()
    rows = {r["holder"]: r for r in answer["items"]}
    assert bob not in rows and rows[carol]["outstanding"] == rows[carol]["entitled"] != "0"
    assert rows[arena.people[0].address.lower()]["outstanding"] == "0"
    assert int(answer["dust"]) > 0  # 1,000,007 does not divide among these balances
    owed = [r for r in answer["items"] if r["outstanding"] != "0"]
    assert answer["outstanding_count"] == len(owed) >= 2
    assert api.get(path, params={"outstanding_only": True, "limit": 1000}).json()["items"] == owed
    assert every_page(api, path, limit=2) == answer["items"]
    assert [(r["holder"], r["entitled"], r["paid"], r["outstanding"]) for r in parsed_csv(api.get(f"{path}.csv"))] == [
        (r["holder"], r["entitled"], r["paid"], r["outstanding"]) for r in answer["items"]]

    cancelled = api.get(f"/securities/{symbol}/dividends/{CANCELLED_DIVIDEND}/payments").json()
    assert (cancelled["cancelled"], cancelled["items"], cancelled["outstanding_total"]) == (True, [], "0")
    refused = api.get(f"/securities/{symbol}/register", params={"record_date": cancelled["record_date_id"]})
    assert (refused.status_code, refused.json()["detail"]) == (409, f"record date {cancelled['record_date_id']} of {symbol} was cancelled")
    # The record date of dividend 2, cancelled, was given to dividend 3: its register is dividend 3's.
    assert answer["record_date_id"] == api.get(f"/securities/{symbol}/dividends/2/payments").json()["record_date_id"]
    upcoming = api.get(f"/securities/{symbol}/dividends/{UPCOMING_DIVIDEND}/payments").json()
    assert (upcoming["record_date_reached"], upcoming["items"], upcoming["dust"]) == (False, [], "0")


def test_unknown_dividends_offerings_and_cursors_are_refused(chain, arena, database_url):
    api = indexed_api(chain, arena, database_url)
    symbol = arena.token.symbol()
    refusals = {
        f"/securities/{symbol}/dividends/99/payments": (404, f"{symbol} has no dividend 99"),
        "/securities/NOPE/dividends/1/payments": (404, "no security with the symbol 'NOPE' in the index"),
        "/securities/NOPE/subscriptions": (404, "no security with the symbol 'NOPE' in the index"),
    }
    for path, (status, detail) in refusals.items():
        response = api.get(path)
        assert (response.status_code, response.json()) == (status, {"detail": detail}), path
    stranger = arena.outsider.address
    response = api.get(f"/securities/{symbol}/subscriptions", params={"offering": stranger})
    assert (response.status_code, response.json()["detail"]) == (404, f"{symbol} has no offering {stranger}")
    response = api.get(f"/securities/{symbol}/subscriptions", params={"cursor": "yesterday"})
    assert (response.status_code, response.json()["detail"]) == (400, "cursor 'yesterday' is not a next_cursor this API gave")
    assert api.get(f"/securities/{symbol}/subscriptions", params={"state": "lost"}).status_code == 422
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/securities/{symbol}/subscriptions", "/securities/{symbol}/dividends/{dividend_id}/payments"} <= set(paths)
