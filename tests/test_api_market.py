"""The read API's market figures (keiretsu/api/market.py, issue 14): on a platform traded over more
than a day, GET /markets gives per security the last trade, the price a day before, the base of the
24-hour change and the 24-hour volume exactly as a reader of the chain's Trade logs computes them,
at any moment asked, the edges of the window included; GET /securities/{symbol}/trades/latest is the
tape's end, newest first, optionally one wallet's; refusals say why. SQLite and PostgreSQL."""

from __future__ import annotations

from tests.fixtures.dividends import DAY, to_time
from tests.fixtures.market import BUY, GTC, IOC, SELL
from tests.test_api import indexed_api
from tests.test_replay import scripted_scenario


def chain_trades(chain, arena) -> list[dict]:
    """Every Trade the market logged, in chain order, with its block's time."""
    logs = arena.market.Trade.range(arena.start_block, chain.blocks.head.number + 1)
    return [{"time": chain.blocks[log.block_number].timestamp, "tick": log.tick, "lots": log.lots, "cash": log.cash,
             "block_number": log.block_number, "log_index": log.log_index, "maker": log.maker.lower(), "taker": log.taker.lower()}
            for log in logs]


def expected_summary(trades: list[dict], at: int) -> dict:
    """What a reader of the logs makes of them at `at` (the dApp's figures before the API)."""
    until = [t for t in trades if t["time"] <= at]
    window = [t for t in until if t["time"] >= at - DAY]
    before_window = [t for t in until if t["time"] < at - DAY]
    day_before = [t for t in until if t["time"] <= at - DAY]
    point = lambda t: {"block_time": t["time"], "tick": t["tick"]}  # noqa: E731
    return {
        "at": at,
        "last": point(until[-1]) if until else None,
        "day_before": point(day_before[-1]) if day_before else None,
        "reference_tick": before_window[-1]["tick"] if before_window else (window[0]["tick"] if window else None),
        "volume_lots": sum(t["lots"] for t in window),
        "volume_cash": str(sum(t["cash"] for t in window)),
        "trades": len(window),
    }


def test_market_figures_and_the_tape_end_are_the_chains(chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    alice, bob = arena.people[0], arena.people[1]
    market = arena.market
    # A day and more later, two more trades at other prices: the 24 h window then holds only them.
    day_start = chain.pending_timestamp
    to_time(chain, day_start + DAY + 60)
    market.place_order(SELL, 110, 3, GTC, 0, 8, sender=alice)
    market.place_order(BUY, 110, 1, IOC, 0, 8, sender=bob)
    market.place_order(BUY, 110, 2, IOC, 0, 8, sender=bob)
    trades = chain_trades(chain, arena)
    assert len({t["tick"] for t in trades}) >= 3 and trades[-1]["time"] - trades[0]["time"] > DAY
    api = indexed_api(chain, arena, database_url)
    symbol = arena.token.symbol()

    head = chain.blocks.head.timestamp
    moments = {head, trades[0]["time"] - 1, trades[2]["time"], trades[0]["time"] + DAY, trades[-1]["time"] + DAY, head + 3 * DAY}
    for at in sorted(moments):
        [summary] = api.get("/markets", params={"at": at}).json()
        assert summary == {"symbol": symbol, "market": market.address.lower()} | expected_summary(trades, at), at
    # The day before the last trades, and the figures then: the change and volume a page shows.
    [now] = api.get("/markets", params={"at": trades[-1]["time"]}).json()
    assert now["day_before"]["tick"] != now["last"]["tick"] == 110 and now["volume_lots"] == 3 and now["trades"] == 2
    # Without a moment: as of the index's last event, the last trade's block.
    assert api.get("/markets").json()[0]["at"] == trades[-1]["time"]

    # The tape's end, newest first; a wallet's own trades, newest first.
    tape = [(t["block_number"], t["log_index"]) for t in reversed(trades)]
    latest = api.get(f"/securities/{symbol}/trades/latest", params={"limit": 4}).json()
    assert [(t["block_number"], t["log_index"]) for t in latest] == tape[:4]
    assert [(t["tick"], t["lots"], int(t["cash"]), t["block_time"]) for t in latest] == [
        (t["tick"], t["lots"], t["cash"], t["time"]) for t in list(reversed(trades))[:4]]
    assert len(api.get(f"/securities/{symbol}/trades/latest").json()) == min(25, len(trades))
    wallet = alice.address
    mine = api.get(f"/securities/{symbol}/trades/latest", params={"wallet": wallet, "limit": 1000}).json()
    assert [(t["block_number"], t["log_index"]) for t in mine] == [
        (t["block_number"], t["log_index"]) for t in reversed(trades) if wallet.lower() in (t["maker"], t["taker"])]
    assert len(mine) >= 2

    # Refusals, each with its reason.
    assert api.get("/securities/NOPE/trades/latest").json() == {"detail": "no security with the symbol 'NOPE' in the index"}
    assert api.get(f"/securities/{symbol}/trades/latest", params={"wallet": "bob"}).json() == {
        "detail": "'bob' is not an address (0x and 40 hexadecimal digits)"}
    assert api.get(f"/securities/{symbol}/trades/latest", params={"limit": 0}).status_code == 422
    assert api.get("/markets", params={"at": -1}).status_code == 422
    paths = api.get("/openapi.json").json()["paths"]
    assert paths["/markets"]["get"]["summary"] == "Every market's last price, change and volume"
    assert "/securities/{symbol}/trades/latest" in paths
