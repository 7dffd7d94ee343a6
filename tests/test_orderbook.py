"""OrderBook: order types, price-time priority, DvP settlement over token holds, poison orders,
self-trade prevention, bounds, halts and fees; after each scenario the books reconcile exactly."""

import ape
import pytest

from tests.fixtures.market import BUY, FOK, GTC, IOC, MARKET, POST_ONLY, SELL, TICK, check_books, place

PESO = 10**6


@pytest.fixture
def people(traders):
    return traders


def test_resting_orders_and_views(market, token, cash, people):
    alice, bob, carol, _ = people
    ask, _ = place(market, alice, SELL, 105, 30)
    place(market, bob, SELL, 104, 10)
    bid, receipt = place(market, carol, BUY, 100, 20)
    assert market.best_bid_ask() == (100, 20, 104, 10)
    assert [list(level) for level in market.depth(SELL, 5)] == [[104, 10], [105, 30]]
    assert market.order(ask) == (alice.address, SELL, 105, 30, 0)
    assert token.held_balance(alice) == 30 and token.balanceOf(alice) == 10_000
    assert market.escrow_of(bid) == 20 * 100 * TICK
    assert cash.balanceOf(market) == 20 * 100 * TICK
    assert list(market.open_orders(alice, SELL, 10, 10)) == [ask]
    [event] = receipt.decode_logs(market.OrderPlaced)
    assert (event.order_id, event.owner, event.side, event.tick, event.lots) == (bid, carol.address, BUY, 100, 20)
    check_books(market, token, cash, people)


def test_full_fill_settles_shares_against_cash(market, token, cash, people):
    alice, bob, *_ = people
    ask, _ = place(market, alice, SELL, 105, 30)
    cash_before = cash.balanceOf(bob), cash.balanceOf(alice)
    rest, receipt = place(market, bob, BUY, 105, 30)
    assert rest == 0
    assert token.balanceOf(bob) == 10_030 and token.balanceOf(alice) == 9_970
    assert token.held_balance(alice) == 0
    paid = 30 * 105 * TICK
    assert cash.balanceOf(bob) == cash_before[0] - paid and cash.balanceOf(alice) == cash_before[1] + paid
    assert market.order(ask)[0] == "0x0000000000000000000000000000000000000000"
    assert market.best_bid_ask() == (0, 0, 0, 0)
    [trade] = receipt.decode_logs(market.Trade)
    assert (trade.maker_order_id, trade.maker, trade.taker, trade.lots, trade.tick, trade.cash) == (ask, alice.address, bob.address, 30, 105, paid)
    check_books(market, token, cash, people)


def test_partial_fill_leaves_the_rest_resting(market, token, cash, people):
    alice, bob, *_ = people
    ask, _ = place(market, alice, SELL, 105, 30)
    place(market, bob, BUY, 106, 12)
    assert market.order(ask)[3] == 18
    assert token.held_balance(alice) == 18
    assert market.best_bid_ask() == (0, 0, 105, 18)
    # A taker larger than the book rests its remainder at its own price.
    rest, _ = place(market, bob, BUY, 105, 25)
    assert market.order(rest)[1:4] == (BUY, 105, 7)
    assert market.best_bid_ask() == (105, 7, 0, 0)
    check_books(market, token, cash, people)


def test_price_time_priority(market, token, cash, people):
    alice, bob, carol, dave = people
    first, _ = place(market, alice, SELL, 105, 10)
    second, _ = place(market, bob, SELL, 105, 10)
    better, _ = place(market, carol, SELL, 104, 10)
    _, receipt = place(market, dave, BUY, 105, 25)
    makers = [(t.maker_order_id, t.lots) for t in receipt.decode_logs(market.Trade)]
    assert makers == [(better, 10), (first, 10), (second, 5)]
    check_books(market, token, cash, people)


def test_sell_taker_against_bids(market, token, cash, people):
    alice, bob, carol, _ = people
    place(market, alice, BUY, 100, 10)
    place(market, bob, BUY, 99, 10)
    before = cash.balanceOf(carol)
    _, receipt = place(market, carol, SELL, 99, 15)
    assert cash.balanceOf(carol) == before + (10 * 100 + 5 * 99) * TICK
    assert token.balanceOf(alice) == 10_010 and token.balanceOf(bob) == 10_005
    assert token.held_balance(carol) == 0 and token.balanceOf(carol) == 9_985
    assert market.best_bid_ask() == (99, 5, 0, 0)
    check_books(market, token, cash, people)


def test_immediate_or_cancel(market, token, cash, people):
    alice, bob, *_ = people
    place(market, alice, SELL, 105, 10)
    rest, receipt = place(market, bob, BUY, 105, 15, IOC)
    assert rest == 0
    assert token.balanceOf(bob) == 10_010
    [unfilled] = receipt.decode_logs(market.TakerUnfilled)
    assert unfilled.lots == 5 and not unfilled.fill_bound_reached
    assert market.best_bid_ask() == (0, 0, 0, 0)
    check_books(market, token, cash, people)


def test_immediate_or_cancel_sell_releases_its_hold(market, token, cash, people):
    alice, bob, *_ = people
    place(market, alice, BUY, 100, 10)
    place(market, bob, SELL, 100, 25, IOC)
    assert token.held_balance(bob) == 0 and token.balanceOf(bob) == 9_990
    check_books(market, token, cash, people)


def test_fill_or_kill(market, token, cash, people):
    alice, bob, *_ = people
    place(market, alice, SELL, 105, 10)
    with ape.reverts("market: fill-or-kill not filled"):
        place(market, bob, BUY, 105, 11, FOK)
    assert market.best_bid_ask() == (0, 0, 105, 10)
    place(market, bob, BUY, 105, 10, FOK)
    assert token.balanceOf(bob) == 10_010
    check_books(market, token, cash, people)


def test_post_only(market, token, cash, people):
    alice, bob, *_ = people
    place(market, alice, SELL, 105, 10)
    with ape.reverts("market: post-only order would trade"):
        place(market, bob, BUY, 105, 1, POST_ONLY)
    rest, _ = place(market, bob, BUY, 104, 1, POST_ONLY)
    assert market.order(rest)[3] == 1
    check_books(market, token, cash, people)


def test_market_order_respects_its_slippage_bound(market, token, cash, people):
    alice, bob, carol, _ = people
    place(market, alice, SELL, 105, 10)
    place(market, bob, SELL, 110, 10)
    rest, receipt = place(market, carol, BUY, 106, 20, MARKET)
    assert rest == 0
    assert token.balanceOf(carol) == 10_010
    assert receipt.decode_logs(market.TakerUnfilled)[0].lots == 10
    assert market.best_bid_ask() == (0, 0, 110, 10)
    check_books(market, token, cash, people)


def test_expired_orders_are_skipped_and_released(market, token, cash, people, chain):
    alice, bob, carol, _ = people
    expiry = chain.pending_timestamp + 100
    stale, _ = place(market, alice, SELL, 105, 10, expiry=expiry)
    fresh, _ = place(market, bob, SELL, 106, 10)
    chain.mine(timestamp=expiry + 1)
    _, receipt = place(market, carol, BUY, 106, 10)
    [cancelled] = receipt.decode_logs(market.OrderCancelled)
    assert (cancelled.order_id, cancelled.reason) == (stale, market.CANCELLED_EXPIRED())
    assert token.held_balance(alice) == 0 and token.balanceOf(alice) == 10_000
    assert receipt.decode_logs(market.Trade)[0].maker_order_id == fresh
    with ape.reverts("market: bad expiry"):
        place(market, alice, SELL, 105, 1, expiry=chain.pending_timestamp - 1)
    check_books(market, token, cash, people)


def test_cancel_and_cancel_many(market, token, cash, people):
    alice, bob, *_ = people
    a, _ = place(market, alice, SELL, 105, 10)
    b, _ = place(market, alice, SELL, 105, 5)
    c, _ = place(market, alice, BUY, 90, 5)
    with ape.reverts("market: not your order"):
        market.cancel_order(a, sender=bob)
    market.cancel_order(b, sender=alice)  # a hole behind the head
    assert market.best_bid_ask() == (90, 5, 105, 10)
    market.cancel_orders([a, c], sender=alice)
    assert market.best_bid_ask() == (0, 0, 0, 0)
    assert token.held_balance(alice) == 0 and cash.balanceOf(market) == 0
    with ape.reverts("market: no such order"):
        market.cancel_order(a, sender=alice)
    # Holes are stepped over by matching.
    d, _ = place(market, alice, SELL, 107, 5)
    e, _ = place(market, bob, SELL, 107, 5)
    market.cancel_order(d, sender=alice)
    _, receipt = place(market, people[2], BUY, 107, 5)
    assert receipt.decode_logs(market.Trade)[0].maker_order_id == e
    check_books(market, token, cash, people)


def test_self_trade_prevention_across_wallets_of_one_identity(market, token, cash, people, registry, registrar, accounts, agent, fund):
    alice, bob, *_ = people
    alice_second = accounts[16]
    registry.add_wallet(alice, alice_second, sender=registrar)
    fund(alice_second, 10_000 * PESO)
    cash.approve(market, 2**256 - 1, sender=alice_second)
    own, _ = place(market, alice, SELL, 105, 10)
    other, _ = place(market, bob, SELL, 105, 10)
    _, receipt = place(market, alice_second, BUY, 105, 10)
    [cancelled] = receipt.decode_logs(market.OrderCancelled)
    assert (cancelled.order_id, cancelled.reason) == (own, market.CANCELLED_SELF_TRADE())
    assert receipt.decode_logs(market.Trade)[0].maker_order_id == other
    assert token.balanceOf(alice) == 10_000 and token.held_balance(alice) == 0
    check_books(market, token, cash, people + [alice_second])


def test_poison_sell_order_never_blocks_the_book(market, token, cash, people, agent, registry, registrar):
    alice, bob, carol, dave = people
    frozen, _ = place(market, alice, SELL, 105, 10)
    removed, _ = place(market, bob, SELL, 105, 10)
    good, _ = place(market, carol, SELL, 106, 10)
    token.setAddressFrozen(alice, True, sender=agent)
    registry.remove_wallet(bob, sender=registrar)
    _, receipt = place(market, dave, BUY, 106, 10)
    reasons = {c.order_id: c.reason for c in receipt.decode_logs(market.OrderCancelled)}
    assert reasons == {frozen: 4, removed: 2}  # SENDER_FROZEN, SENDER_NOT_VERIFIED
    assert token.held_balance(alice) == 0 and token.held_balance(bob) == 0
    assert receipt.decode_logs(market.Trade)[0].maker_order_id == good
    assert token.balanceOf(dave) == 10_010
    check_books(market, token, cash, people)


def test_poison_buy_order_gets_its_escrow_back(market, token, cash, people, agent):
    alice, bob, carol, _ = people
    frozen_bid, _ = place(market, alice, BUY, 100, 10)
    good_bid, _ = place(market, bob, BUY, 99, 10)
    token.setAddressFrozen(alice, True, sender=agent)
    before = cash.balanceOf(alice)
    _, receipt = place(market, carol, SELL, 99, 10)
    assert receipt.decode_logs(market.OrderCancelled)[0].reason == 5  # RECIPIENT_FROZEN
    assert cash.balanceOf(alice) == before + 10 * 100 * TICK
    assert token.balanceOf(bob) == 10_010
    check_books(market, token, cash, people)


def test_recovered_wallet_order_is_unwound_on_the_new_wallet(market, token, cash, people, agent, registry, registrar, accounts):
    alice, bob, *_ = people
    lost, _ = place(market, alice, SELL, 105, 10)
    new_wallet = accounts[16]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    token.recoveryAddress(alice, new_wallet, sender=agent)
    assert token.held_balance(new_wallet) == 10
    _, receipt = place(market, bob, BUY, 105, 10)
    assert receipt.decode_logs(market.OrderCancelled)[0].order_id == lost
    assert token.held_balance(new_wallet) == 0 and token.free_balance(new_wallet) == 10_000


def test_finding_10_lost_wallets_bid_is_cancelled_not_filled(market, token, cash, people, agent, registry, registrar, accounts):
    """Found by the invariant fuzzer: a bid of a wallet recovered since is cancelled when a seller
    meets it (the lost wallet can receive nothing), its escrow refunded to the new wallet, and the
    seller's shares stay with the seller."""
    alice, bob, *_ = people
    bid, _ = place(market, alice, BUY, 97, 4)
    escrow = market.escrow_of(bid)
    new_wallet = accounts[16]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    token.recoveryAddress(alice, new_wallet, sender=agent)
    cash_before, bob_shares = cash.balanceOf(new_wallet), token.balanceOf(bob)
    _, receipt = place(market, bob, SELL, 97, 4, IOC)
    [cancelled] = receipt.decode_logs(market.OrderCancelled)
    assert (cancelled.order_id, cancelled.reason) == (bid, 3)  # RECIPIENT_NOT_VERIFIED
    assert receipt.decode_logs(market.Trade) == []
    assert token.balanceOf(alice) == 0 and token.balanceOf(bob) == bob_shares
    assert cash.balanceOf(new_wallet) == cash_before + escrow


def test_taker_refusals(market, token, cash, people, agent, outsider, register, accounts, chain):
    alice, bob, *_ = people
    place(market, alice, SELL, 105, 10)
    with ape.reverts("token: recipient not verified"):
        place(market, outsider, BUY, 105, 1)
    with ape.reverts("token: sender not verified"):
        place(market, outsider, SELL, 105, 1)
    token.setAddressFrozen(bob, True, sender=agent)
    with ape.reverts("token: recipient frozen"):
        place(market, bob, BUY, 105, 1)  # against the book
    with ape.reverts("token: recipient frozen"):
        place(market, bob, BUY, 100, 1)  # resting
    with ape.reverts("token: sender frozen"):
        place(market, bob, SELL, 110, 1)
    with ape.reverts("token: insufficient free balance"):
        place(market, alice, SELL, 110, 9_991)


@pytest.mark.parametrize(
    "args, reason",
    [
        ((2, 100, 1, GTC, 0, 32), "market: bad side"),
        ((BUY, 0, 1, GTC, 0, 32), "market: tick out of range"),
        ((BUY, 65536, 1, GTC, 0, 32), "market: tick out of range"),
        ((BUY, 100, 0, GTC, 0, 32), "market: bad quantity"),
        ((BUY, 100, 2**36, GTC, 0, 32), "market: bad quantity"),
        ((BUY, 100, 1, 5, 0, 32), "market: bad order type"),
        ((BUY, 100, 1, GTC, 0, 0), "market: bad fill bound"),
        ((BUY, 100, 1, GTC, 0, 33), "market: bad fill bound"),
    ],
)
def test_bad_orders(market, people, args, reason):
    with ape.reverts(reason):
        market.place_order(*args, sender=people[0])


def test_fill_bound(market, token, cash, people):
    alice, bob, carol, _ = people
    for _ in range(5):
        place(market, alice, SELL, 105, 1)
    rest, receipt = place(market, bob, BUY, 105, 5, GTC, max_fills=3)
    assert len(receipt.decode_logs(market.Trade)) == 3
    # GTC cannot rest what the bound cut off while asks at its price remain: it would cross the book.
    [unfilled] = receipt.decode_logs(market.TakerUnfilled)
    assert rest == 0 and unfilled.lots == 2 and unfilled.fill_bound_reached
    assert market.best_bid_ask() == (0, 0, 105, 2)
    _, receipt = place(market, carol, BUY, 105, 5, IOC, max_fills=1)
    [unfilled] = receipt.decode_logs(market.TakerUnfilled)
    assert unfilled.lots == 4 and unfilled.fill_bound_reached  # IOC cancels it and says why
    # With the crossing asks used up exactly at the bound, the GTC remainder rests.
    rest, _ = place(market, bob, BUY, 105, 3, GTC, max_fills=1)
    assert market.order(rest)[1:4] == (BUY, 105, 2)
    assert market.best_bid_ask() == (105, 2, 0, 0)
    check_books(market, token, cash, people)


def test_halt_resume_delist(market, token, cash, people, issuer, operator):
    alice, bob, *_ = people
    resting, _ = place(market, alice, SELL, 105, 10)
    with ape.reverts("access_control: account is missing role"):
        market.halt(sender=alice)
    market.halt(sender=issuer)
    assert market.status() == market.STATUS_HALTED()
    with ape.reverts("market: not trading"):
        place(market, bob, BUY, 105, 1)
    market.resume(sender=operator)
    place(market, bob, BUY, 105, 1)
    with ape.reverts("access_control: account is missing role"):
        market.delist(sender=issuer)
    market.delist(sender=operator)
    with ape.reverts("market: not trading"):
        place(market, bob, BUY, 105, 1)
    with ape.reverts("market: not halted"):
        market.resume(sender=operator)
    market.cancel_order(resting, sender=alice)  # owners can always leave
    assert token.held_balance(alice) == 0
    check_books(market, token, cash, people)


def test_fees(make_market, token, cash, people, accounts):
    alice, bob, carol, _ = people
    recipient = accounts[18]
    market = make_market(fee_recipient=recipient, maker_fee_bps=10, taker_fee_bps=25)
    for person in people:
        cash.approve(market, 2**256 - 1, sender=person)
    # A taker buy against a resting sell.
    place(market, alice, SELL, 100, 10)
    alice_before, bob_before = cash.balanceOf(alice), cash.balanceOf(bob)
    place(market, bob, BUY, 100, 10)
    notional = 10 * 100 * TICK
    assert cash.balanceOf(alice) == alice_before + notional - notional * 10 // 10_000
    assert cash.balanceOf(bob) == bob_before - notional - notional * 25 // 10_000
    # A taker sell against a resting buy, whose escrow held its maker fee.
    bid, _ = place(market, carol, BUY, 100, 7)
    assert market.escrow_of(bid) == 7 * 100 * TICK * 10_010 // 10_000
    alice_before = cash.balanceOf(alice)
    place(market, alice, SELL, 100, 3)
    part = 3 * 100 * TICK
    assert cash.balanceOf(alice) == alice_before + part - part * 25 // 10_000
    assert cash.balanceOf(recipient) == notional * 35 // 10_000 + part * 25 // 10_000 + (7 * 100 * TICK * 10 // 10_000 - 4 * 100 * TICK * 10 // 10_000)
    check_books(market, token, cash, people)


def test_fee_settings(market, operator, issuer, accounts):
    with ape.reverts("access_control: account is missing role"):
        market.set_fees(1, 1, accounts[18], sender=issuer)
    with ape.reverts("market: fee too high"):
        market.set_fees(1001, 0, accounts[18], sender=operator)
    with ape.reverts("market: zero fee recipient"):
        market.set_fees(5, 0, "0x0000000000000000000000000000000000000000", sender=operator)
    market.set_fees(5, 7, accounts[18], sender=operator)
    assert market.fees() == (5, 7)


def test_initialize_once(market, market_implementation, token, cash, operator):
    args = (token, cash, 1, 1, operator, operator, operator, 0, 0)
    with ape.reverts("market: already initialized"):
        market.initialize(*args, sender=operator)
    with ape.reverts("market: already initialized"):
        market_implementation.initialize(*args, sender=operator)


def test_a_long_random_sequence_reconciles(market, token, cash, people):
    import random

    rng = random.Random(7)
    open_ids: list[tuple[int, object]] = []
    for _ in range(40):
        who = rng.choice(people)
        if open_ids and rng.random() < 0.25:
            order_id, owner = open_ids.pop(rng.randrange(len(open_ids)))
            if market.order(order_id)[0] == owner.address:
                market.cancel_order(order_id, sender=owner)
            continue
        side = rng.choice([BUY, SELL])
        tick = rng.randint(95, 105)
        order_id, _ = place(market, who, side, tick, rng.randint(1, 20), rng.choice([GTC, GTC, IOC]))
        if order_id:
            open_ids.append((order_id, who))
    check_books(market, token, cash, people)
    bid, _, ask, _ = market.best_bid_ask()
    assert bid == 0 or ask == 0 or bid < ask


# Shrunk from a failing case of the invariant fuzzer (tests/test_invariants.py).
def test_fill_bound_used_up_by_a_self_trade_does_not_cross_the_book(market, traders, token, cash):
    """Found by the fuzzer: a GTC sell at 96 whose one allowed fill was spent cancelling its owner's
    own bid at 99 rested at 96 under a bid at 98 (a crossed book). Now the remainder is cancelled."""
    alice, bob, *_ = traders
    place(market, alice, BUY, 99, 22)
    place(market, bob, BUY, 98, 11)
    rest, receipt = place(market, alice, SELL, 96, 1, GTC, max_fills=1)
    [cancelled] = receipt.decode_logs(market.OrderCancelled)
    assert cancelled.reason == market.CANCELLED_SELF_TRADE()
    [unfilled] = receipt.decode_logs(market.TakerUnfilled)
    assert rest == 0 and unfilled.lots == 1 and unfilled.fill_bound_reached
    assert market.best_bid_ask() == (98, 11, 0, 0)
    assert token.held_balance(alice) == 0
    check_books(market, token, cash, traders)


# --- Hardening (issue 12): one regression test per finding of the review ---

ZERO = "0x0000000000000000000000000000000000000000"
LOCKUP_ACTIVE, SENDER_FROZEN = "token: lock-up period active", "token: sender frozen"


@pytest.fixture
def capped(make_token, make_market, traders, agent, cash):
    """A security with holder accounting whose traders hold 10,000 shares each, and its market."""
    security = make_token(symbol="CAP", holder_accounting=True)
    security.batchMint(traders, [10_000] * 4, sender=agent)
    market = make_market(security=security)
    for person in traders:
        cash.approve(market, 2**256 - 1, sender=person)
    return security, market


@pytest.fixture
def hostile(project, make_market, traders, operator):
    """A market settling in HostileCash (blocklist, armed callback); every trader holds and approves it."""
    cash = project.HostileCash.deploy(sender=operator)
    market = make_market(cash_token=cash)
    for person in traders:
        cash.mint(person, 10**12, sender=operator)
        cash.approve(market, 2**256 - 1, sender=person)
    return cash, market


def test_finding_3_lockup_reverts_the_taker_and_keeps_the_asks(market, token, cash, people, issuer, chain):
    alice, bob, carol, _ = people
    asks = [place(market, who, SELL, 105, 10)[0] for who in (alice, carol)]
    token.set_compliance_rules(chain.pending_timestamp + 86_400, 0, 0, 0, sender=issuer)
    with ape.reverts(LOCKUP_ACTIVE):
        place(market, bob, BUY, 105, 5)
    assert [market.order(a)[3] for a in asks] == [10, 10]
    assert market.best_bid_ask() == (0, 0, 105, 20)
    check_books(market, token, cash, people)


def test_finding_3_token_pause_reverts_the_taker(market, token, cash, people, agent):
    alice, bob, *_ = people
    ask, _ = place(market, alice, SELL, 105, 10)
    token.pause(sender=agent)
    with ape.reverts("token: transfers paused"):
        place(market, bob, BUY, 105, 5)
    assert market.order(ask)[3] == 10


def test_finding_3_holder_cap_reverts_the_new_investors_take(capped, make_market, people, verified_investors, fund, cash, issuer):
    security, market = capped
    alice, *_ = people
    newcomer = verified_investors[4]
    fund(newcomer, 10**12)
    cash.approve(market, 2**256 - 1, sender=newcomer)
    ask, _ = place(market, alice, SELL, 105, 10)
    security.set_compliance_rules(0, 4, 0, 0, sender=issuer)
    with ape.reverts("token: holder limit reached"):
        place(market, newcomer, BUY, 105, 5)
    assert market.order(ask)[3] == 10


def test_finding_3_bid_of_a_maker_at_its_cap_is_skipped_not_cancelled(capped, people, issuer, cash):
    security, market = capped
    alice, bob, carol, _ = people
    security.set_compliance_rules(0, 0, 10_020, 0, sender=issuer)
    capped_bid, _ = place(market, alice, BUY, 101, 10)
    good_bid, _ = place(market, bob, BUY, 100, 10)
    # Alice comes close to her cap by another route: her bid no longer fits, through no fault of the seller.
    security.transfer(alice, 15, sender=carol)
    _, receipt = place(market, carol, SELL, 100, 10)
    assert receipt.decode_logs(market.OrderCancelled) == []
    assert [t.maker_order_id for t in receipt.decode_logs(market.Trade)] == [good_bid]
    assert market.order(capped_bid)[3] == 10
    assert market.best_bid_ask()[:2] == (101, 10)


def test_finding_2_holes_do_not_use_the_fill_bound(market, token, cash, people):
    alice, bob, carol, dave = people
    place(market, alice, SELL, 105, 1)
    griefs = [place(market, bob, SELL, 105, 1)[0] for _ in range(40)]
    market.cancel_orders(griefs, sender=bob)
    behind, _ = place(market, carol, SELL, 105, 5)
    _, receipt = place(market, dave, BUY, 105, 6, FOK)
    assert sum(t.lots for t in receipt.decode_logs(market.Trade)) == 6
    assert market.order(behind)[3] == 0
    check_books(market, token, cash, people)


def test_finding_2_fill_bound_reached_only_when_the_bound_stopped_matching(market, people):
    alice, bob, *_ = people
    place(market, alice, SELL, 105, 1)
    place(market, alice, SELL, 107, 1)
    _, receipt = place(market, bob, BUY, 106, 3, IOC, max_fills=1)
    [unfilled] = receipt.decode_logs(market.TakerUnfilled)
    assert unfilled.lots == 2 and not unfilled.fill_bound_reached  # the price stopped it, not the bound


def test_finding_4_force_cancel_in_every_status(market, token, cash, people, agent, operator, outsider):
    alice, bob, *_ = people
    ask, _ = place(market, alice, SELL, 105, 10)
    bid, _ = place(market, bob, BUY, 100, 10)
    other, _ = place(market, bob, BUY, 99, 10)
    with ape.reverts("market: not an operator or agent"):
        market.force_cancel([ask], sender=outsider)
    market.halt(sender=operator)
    receipt = market.force_cancel([ask, bid], sender=agent)
    assert {c.order_id: c.reason for c in receipt.decode_logs(market.OrderCancelled)} == {ask: 104, bid: 104}
    assert token.held_balance(alice) == 0 and market.escrow_of(bid) == 0
    market.delist(sender=operator)
    market.force_cancel([other, bid], sender=operator)  # an order already gone is passed over
    assert cash.balanceOf(market) == 0
    check_books(market, token, cash, people)


def test_finding_4_recovered_wallet_cancels_the_lost_wallets_orders(market, token, cash, people, agent, registry, registrar, accounts, operator):
    alice, *_ = people
    bid, _ = place(market, alice, BUY, 100, 10)
    ask, _ = place(market, alice, SELL, 105, 10)
    new_wallet = accounts[16]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    token.recoveryAddress(alice, new_wallet, sender=agent)
    before = cash.balanceOf(new_wallet)
    market.cancel_orders([ask, bid], sender=new_wallet)
    assert token.held_balance(new_wallet) == 0 and token.free_balance(new_wallet) == 10_000
    assert cash.balanceOf(new_wallet) == before + 10 * 100 * TICK
    with ape.reverts("market: not your order"):
        market.cancel_order(place(market, people[1], SELL, 110, 1)[0], sender=new_wallet)


def test_finding_4_refund_to_a_blocked_wallet_is_credited(hostile, people, agent, token):
    cash, market = hostile
    alice, *_ = people
    bid, _ = place(market, alice, BUY, 100, 10)
    cash.set_blocked(alice, True, sender=alice)
    receipt = market.force_cancel([bid], sender=agent)
    assert market.withdrawable(alice) == 10 * 100 * TICK
    assert receipt.decode_logs(market.CashCredited)[0].amount == 10 * 100 * TICK
    with ape.reverts("cash: wallet blocked"):
        market.withdraw(sender=alice)
    cash.set_blocked(alice, False, sender=alice)
    before = cash.balanceOf(alice)
    market.withdraw(sender=alice)
    assert cash.balanceOf(alice) == before + 10 * 100 * TICK and market.withdrawable(alice) == 0
    with ape.reverts("market: nothing to withdraw"):
        market.withdraw(sender=alice)


def test_finding_8_blocked_maker_does_not_block_buyers(hostile, people, token):
    cash, market = hostile
    alice, bob, carol, _ = people
    blocked_ask, _ = place(market, alice, SELL, 105, 10)
    cash.set_blocked(alice, True, sender=alice)
    before = cash.balanceOf(bob)
    place(market, bob, BUY, 105, 4)
    place(market, carol, BUY, 105, 6)
    assert token.balanceOf(bob) == 10_004 and cash.balanceOf(bob) == before - 4 * 105 * TICK
    assert market.withdrawable(alice) == 10 * 105 * TICK and cash.balanceOf(market) == 10 * 105 * TICK
    assert market.order(blocked_ask)[3] == 0


def test_finding_8_fee_on_transfer_cash_cannot_short_a_seller(project, make_market, people, operator):
    odd = project.OddCashToken.deploy(sender=operator)
    market = make_market(cash_token=odd)
    alice, bob, *_ = people
    odd.mint(bob, 10**12, sender=operator)
    odd.approve(market, 2**256 - 1, sender=bob)
    ask, _ = place(market, alice, SELL, 100, 10)
    odd.set_fee(100, sender=operator)
    before = odd.balanceOf(alice)
    with ape.reverts("market: cash token takes a fee"):
        place(market, bob, BUY, 100, 10)
    assert odd.balanceOf(alice) == before and market.order(ask)[3] == 10


def test_finding_9_cash_callback_cannot_reenter_and_sees_the_state_written(hostile, people):
    cash, market = hostile
    alice, bob, *_ = people
    ask, _ = place(market, alice, SELL, 105, 10)
    cash.arm(market, market.cancel_orders.encode_input([]), sender=bob)
    place(market, bob, BUY, 105, 4)
    assert cash.callback_outcome() == 2  # the lock refused the nested call
    cash.arm(market, market.best_bid_ask.encode_input(), sender=bob)
    place(market, bob, BUY, 105, 6)
    assert cash.callback_outcome() == 1
    # The level was written before the cash moved: the callback saw the ask side empty.
    assert cash.callback_returned() == bytes(128)


def test_finding_14_crossing_sell_with_every_bid_skipped_is_checked(market, token, people, agent, chain):
    alice, bob, carol, _ = people
    place(market, alice, BUY, 100, 10, expiry=chain.pending_timestamp + 50)
    chain.mine(timestamp=chain.pending_timestamp + 100)
    token.setAddressFrozen(carol, True, sender=agent)
    with ape.reverts(SENDER_FROZEN):
        place(market, carol, SELL, 100, 5)
    assert market.best_bid_ask() == (100, 10, 0, 0)


def test_finding_15_implementation_refuses_every_state_change(market_implementation, operator, accounts):
    with ape.reverts():
        market_implementation.delist(sender=operator)
    with ape.reverts():
        market_implementation.set_fees(1, 1, accounts[18], sender=operator)
    with ape.reverts():
        market_implementation.grantRole(b"\0" * 32, accounts[18], sender=operator)


def test_finding_15_fill_or_kill_without_any_cross_reverts_too(market, people):
    alice, bob, *_ = people
    place(market, alice, SELL, 105, 10)
    with ape.reverts("market: fill-or-kill not filled"):
        place(market, bob, BUY, 104, 1, FOK)


def test_finding_15_fees_round_up(make_market, people, accounts, cash):
    alice, bob, *_ = people
    recipient = accounts[18]
    market = make_market(fee_recipient=recipient, maker_fee_bps=10, taker_fee_bps=25, tick=1)
    for person in people:
        cash.approve(market, 2**256 - 1, sender=person)
    place(market, alice, SELL, 105, 1)
    _, receipt = place(market, bob, BUY, 105, 1)
    [trade] = receipt.decode_logs(market.Trade)
    assert (trade.cash, trade.maker_fee, trade.taker_fee) == (105, 1, 1)


def test_finding_15_eighteen_decimal_security_at_realistic_prices(make_token, make_market, people, agent, cash):
    alice, bob, *_ = people
    share = 10**18
    security = make_token(symbol="DEC", decimals=18)
    security.mint(alice, 10 * share, sender=agent)
    market = make_market(security=security, lot=share, tick=10**5)  # 0.10 a share per tick
    cash.approve(market, 2**256 - 1, sender=bob)
    place(market, alice, SELL, 50_000, 2)  # 5,000.00 a share
    before = cash.balanceOf(alice)
    place(market, bob, BUY, 50_000, 2)
    assert security.balanceOf(bob) == 2 * share and cash.balanceOf(alice) == before + 10_000 * PESO


def test_finding_13_order_placed_carries_escrow_and_fee_rate(make_market, people, accounts, cash):
    alice, *_ = people
    market = make_market(fee_recipient=accounts[18], maker_fee_bps=10, taker_fee_bps=25)
    cash.approve(market, 2**256 - 1, sender=alice)
    bid, receipt = place(market, alice, BUY, 100, 7)
    [placed] = receipt.decode_logs(market.OrderPlaced)
    assert (placed.escrow, placed.maker_fee_bps) == (market.escrow_of(bid), 10)
