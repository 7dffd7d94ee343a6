"""Offering: subscriptions with escrowed cash, withdrawal, O(1) close, pro-rata allocation, settlement."""

import ape
import pytest
from eth_utils import keccak

from keiretsu.clones import deploy_clone
from keiretsu.permit import sign_permit
from tests.fixtures.offering import (
    INVESTOR_CASH,
    MINTER_ROLE,
    PRICE,
    end_offering,
    open_offering,
    subscribe,
)

PENDING, OPEN, ENDED, SUCCEEDED, FAILED, CANCELLED = range(6)
RECIPIENT_NOT_VERIFIED, RECIPIENT_FROZEN = 3, 5
ZERO_ADDRESS = "0x" + "00" * 20


def allocation(subscription: int, total: int, hard_cap: int, lot: int) -> int:
    """The documented rule: pro-rata, rounded down to a whole lot."""
    if total <= hard_cap:
        return subscription
    return subscription * hard_cap // total // lot * lot


# SET-UP #


def test_implementation_is_locked(offering_implementation, offering_terms, outsider):
    with ape.reverts("offering: already initialized"):
        offering_implementation.initialize(tuple(offering_terms().values()), sender=outsider)


def test_initialize_once(offering, offering_terms, outsider):
    with ape.reverts("offering: already initialized"):
        offering.initialize(tuple(offering_terms().values()), sender=outsider)


def test_initial_state(offering, token, cash, issuer):
    assert offering.state() == PENDING
    assert offering.security_token() == token.address
    assert offering.cash_token() == cash.address
    assert offering.issuer() == issuer.address
    assert offering.price() == PRICE
    assert offering.lot() == 1
    assert offering.min_per_investor() == 10
    assert offering.max_per_investor() == 1_000
    assert offering.soft_cap() == 500
    assert offering.hard_cap() == 2_000
    assert offering.end_time() - offering.start_time() == 7 * 24 * 3600
    assert offering.total_subscribed() == 0
    assert offering.progress() == 0
    assert offering.cost_of(7) == 7 * PRICE
    assert offering.MAX_OVERSUBSCRIPTION() == 4


def test_initialized_event(project, operator, offering_implementation, offering_terms, token, cash, issuer):
    terms = offering_terms()
    clone = deploy_clone(project.Offering, offering_implementation.address, operator)
    tx = clone.initialize(tuple(terms.values()), sender=operator)
    [event] = tx.decode_logs(clone.Initialized)
    assert event.security_token == token.address
    assert event.cash_token == cash.address
    assert event.issuer == issuer.address
    assert (event.price, event.lot, event.soft_cap, event.hard_cap) == (PRICE, 1, 500, 2_000)
    assert (event.start_time, event.end_time) == (terms["start_time"], terms["end_time"])


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"security_token": ZERO_ADDRESS}, "offering: zero security token"),
        ({"cash_token": "0x000000000000000000000000000000000000dEaD"}, "offering: cash token not a contract"),
        ({"issuer": ZERO_ADDRESS}, "offering: zero issuer"),
        ({"price": 0}, "offering: price out of range"),
        ({"price": 2**96}, "offering: price out of range"),
        ({"lot": 0}, "offering: lot out of range"),
        ({"lot": 2**64}, "offering: lot out of range"),
        ({"soft_cap": 0}, "offering: zero soft cap"),
        ({"soft_cap": 2_001}, "offering: soft cap above hard cap"),
        ({"hard_cap": 2**96, "soft_cap": 2**96}, "offering: hard cap out of range"),
        ({"max_per_investor": 0, "min_per_investor": 0}, "offering: zero maximum"),
        ({"min_per_investor": 1_001}, "offering: minimum above maximum"),
        ({"max_per_investor": 2_001}, "offering: maximum above hard cap"),
        ({"lot": 3}, "offering: not whole lots"),
        ({"lot": 10, "min_per_investor": 15}, "offering: not whole lots"),
        ({"lot": 10, "soft_cap": 505}, "offering: not whole lots"),
    ],
)
def test_initialize_refuses_bad_terms(project, operator, offering_implementation, offering_terms, overrides, reason):
    clone = deploy_clone(project.Offering, offering_implementation.address, operator)
    with ape.reverts(reason):
        clone.initialize(tuple(offering_terms(**overrides).values()), sender=operator)


def test_initialize_refuses_bad_schedule(project, chain, operator, offering_implementation, offering_terms):
    clone = deploy_clone(project.Offering, offering_implementation.address, operator)
    now = chain.pending_timestamp
    for start, end, reason in [
        (now + 100, now + 100, "offering: start not before end"),
        (now - 200, now - 100, "offering: end out of range"),
        (now, 2**40, "offering: end out of range"),
    ]:
        with ape.reverts(reason):
            clone.initialize(tuple(offering_terms(start_time=start, end_time=end).values()), sender=operator)


# SUBSCRIBING #


def test_subscribe_escrows_the_cash(chain, offering, cash, funded_investors, alice, bob):
    open_offering(chain, offering)
    assert offering.state() == OPEN
    tx = subscribe(offering, cash, alice, 120)
    assert tx.decode_logs(offering.Subscribed)[0].event_arguments == {
        "investor": alice.address,
        "shares": 120,
        "cash": 120 * PRICE,
        "subscription": 120,
    }
    subscribe(offering, cash, alice, 30)
    subscribe(offering, cash, bob, 850)
    assert offering.subscription_of(alice) == 150
    assert offering.subscription_of(bob) == 850
    assert offering.total_subscribed() == 1_000
    assert offering.progress() == 5_000
    assert cash.balanceOf(offering) == 1_000 * PRICE
    assert cash.balanceOf(alice) == INVESTOR_CASH - 150 * PRICE
    assert cash.balanceOf(bob) == INVESTOR_CASH - 850 * PRICE


def test_subscribe_outside_the_window(chain, offering, cash, funded_investors, alice):
    cash.approve(offering, 100 * PRICE, sender=alice)
    with ape.reverts("offering: not started"):
        offering.subscribe(100, sender=alice)
    end_offering(chain, offering)
    assert offering.state() == ENDED
    with ape.reverts("offering: ended"):
        offering.subscribe(100, sender=alice)
    assert cash.balanceOf(alice) == INVESTOR_CASH


def test_subscribe_refuses_bad_amounts(chain, make_offering, cash, funded_investors, alice):
    offering = make_offering(lot=10, min_per_investor=20, max_per_investor=1_000)
    open_offering(chain, offering)
    cash.approve(offering, 10**12, sender=alice)
    with ape.reverts("offering: zero shares"):
        offering.subscribe(0, sender=alice)
    with ape.reverts("offering: not whole lots"):
        offering.subscribe(25, sender=alice)
    with ape.reverts("offering: below minimum"):
        offering.subscribe(10, sender=alice)
    with ape.reverts("offering: above maximum"):
        offering.subscribe(1_010, sender=alice)
    offering.subscribe(990, sender=alice)
    # the maximum counts the investor's whole subscription
    with ape.reverts("offering: above maximum"):
        offering.subscribe(20, sender=alice)
    offering.subscribe(10, sender=alice)
    assert offering.subscription_of(alice) == 1_000
    assert cash.balanceOf(offering) == 100 * PRICE


def test_subscriptions_stop_at_the_oversubscription_bound(chain, make_offering, cash, funded_investors):
    offering = make_offering(hard_cap=1_000, max_per_investor=1_000)
    open_offering(chain, offering)
    for investor in funded_investors[:4]:
        subscribe(offering, cash, investor, 1_000)
    assert offering.progress() == 40_000
    cash.approve(offering, 10 * PRICE, sender=funded_investors[4])
    with ape.reverts("offering: subscriptions full"):
        offering.subscribe(10, sender=funded_investors[4])


def test_unverified_investor_is_refused(chain, offering, cash, fund, outsider):
    open_offering(chain, offering)
    fund(outsider, INVESTOR_CASH)
    cash.approve(offering, 100 * PRICE, sender=outsider)
    with ape.reverts("token: recipient not verified"):
        offering.subscribe(100, sender=outsider)
    assert cash.balanceOf(outsider) == INVESTOR_CASH


def test_frozen_investor_is_refused(chain, offering, token, agent, cash, funded_investors, alice):
    open_offering(chain, offering)
    token.setAddressFrozen(alice, True, sender=agent)
    cash.approve(offering, 100 * PRICE, sender=alice)
    with ape.reverts("token: recipient frozen"):
        offering.subscribe(100, sender=alice)


def test_investor_with_expired_kyc_is_refused(chain, offering, cash, register, fund, accounts):
    late = accounts[13]
    register(late, expiry=offering.start_time() + 10)
    fund(late, INVESTOR_CASH)
    chain.mine(timestamp=offering.start_time() + 20)
    cash.approve(offering, 100 * PRICE, sender=late)
    with ape.reverts("token: recipient not verified"):
        offering.subscribe(100, sender=late)


def test_subscribe_refused_while_token_paused(chain, offering, token, agent, cash, funded_investors, alice):
    open_offering(chain, offering)
    token.pause(sender=agent)
    cash.approve(offering, 100 * PRICE, sender=alice)
    with ape.reverts("token: transfers paused"):
        offering.subscribe(100, sender=alice)


def test_subscribe_needs_the_cash(chain, offering, cash, funded_investors, alice):
    open_offering(chain, offering)
    cash.approve(offering, 100 * PRICE - 1, sender=alice)
    with ape.reverts():
        offering.subscribe(100, sender=alice)
    assert offering.subscription_of(alice) == 0


# PERMIT #


def test_subscribe_with_permit(chain, offering, cash, funded_investors, alice):
    open_offering(chain, offering)
    cost = offering.cost_of(250)
    deadline = chain.pending_timestamp + 3600
    v, r, s = sign_permit(cash, alice.private_key, alice.address, offering.address, cost, deadline, chain.chain_id)
    tx = offering.subscribe_with_permit(250, deadline, v, r, s, sender=alice)
    assert tx.decode_logs(offering.Subscribed)[0].shares == 250
    assert offering.subscription_of(alice) == 250
    assert cash.balanceOf(offering) == cost
    assert cash.allowance(alice, offering) == 0


def test_front_run_permit_does_not_block_the_subscription(chain, offering, cash, funded_investors, alice, outsider):
    open_offering(chain, offering)
    cost = offering.cost_of(250)
    deadline = chain.pending_timestamp + 3600
    v, r, s = sign_permit(cash, alice.private_key, alice.address, offering.address, cost, deadline, chain.chain_id)
    cash.permit(alice, offering, cost, deadline, v, r, s, sender=outsider)
    offering.subscribe_with_permit(250, deadline, v, r, s, sender=alice)
    assert offering.subscription_of(alice) == 250
    assert cash.balanceOf(offering) == cost


def test_permit_for_too_little_is_refused(chain, offering, cash, funded_investors, alice):
    open_offering(chain, offering)
    deadline = chain.pending_timestamp + 3600
    v, r, s = sign_permit(cash, alice.private_key, alice.address, offering.address, offering.cost_of(249), deadline, chain.chain_id)
    with ape.reverts("offering: permit failed"):
        offering.subscribe_with_permit(250, deadline, v, r, s, sender=alice)
    assert cash.balanceOf(alice) == INVESTOR_CASH


def test_permit_subscription_checks_the_offering_first(chain, offering, cash, funded_investors, alice):
    deadline = chain.pending_timestamp + 3600
    v, r, s = sign_permit(cash, alice.private_key, alice.address, offering.address, offering.cost_of(250), deadline, chain.chain_id)
    with ape.reverts("offering: not started"):
        offering.subscribe_with_permit(250, deadline, v, r, s, sender=alice)


# WITHDRAWING #


def test_withdraw_returns_the_cash_at_once(chain, offering, cash, funded_investors, alice):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 300)
    tx = offering.withdraw(120, sender=alice)
    [event] = tx.decode_logs(offering.Withdrawn)
    assert (event.investor, event.shares, event.cash, event.subscription) == (alice.address, 120, 120 * PRICE, 180)
    assert cash.balanceOf(alice) == INVESTOR_CASH - 180 * PRICE
    assert cash.balanceOf(offering) == 180 * PRICE
    offering.withdraw(180, sender=alice)
    assert offering.subscription_of(alice) == 0
    assert offering.total_subscribed() == 0
    assert cash.balanceOf(alice) == INVESTOR_CASH
    assert cash.balanceOf(offering) == 0


def test_withdraw_refusals(chain, make_offering, cash, funded_investors, alice, bob):
    offering = make_offering(lot=10, min_per_investor=100)
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 300)
    with ape.reverts("offering: zero shares"):
        offering.withdraw(0, sender=alice)
    with ape.reverts("offering: not whole lots"):
        offering.withdraw(15, sender=alice)
    with ape.reverts("offering: withdrawal above subscription"):
        offering.withdraw(310, sender=alice)
    with ape.reverts("offering: withdrawal above subscription"):
        offering.withdraw(10, sender=bob)
    with ape.reverts("offering: below minimum"):
        offering.withdraw(210, sender=alice)
    end_offering(chain, offering)
    with ape.reverts("offering: ended"):
        offering.withdraw(300, sender=alice)
    assert offering.subscription_of(alice) == 300
    assert cash.balanceOf(offering) == 30 * PRICE


# A FULL OFFERING #


def test_successful_offering(chain, offering, token, cash, issuer, funded_investors, alice, bob, carol, outsider):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 400)
    subscribe(offering, cash, bob, 250)
    subscribe(offering, cash, carol, 1_000)
    offering.withdraw(50, sender=bob)
    end_offering(chain, offering)

    tx = offering.close(sender=outsider)
    [closed] = tx.decode_logs(offering.Closed)
    assert (closed.succeeded, closed.total_subscribed, closed.closed_by) == (True, 1_600, outsider.address)
    assert offering.state() == SUCCEEDED
    assert [offering.allocation_of(a) for a in (alice, bob, carol)] == [400, 200, 1_000]

    tx = offering.settle_many([alice, bob, carol], sender=outsider)
    settled = tx.decode_logs(offering.Settled)
    assert [(e.subscriber, e.shares, e.proceeds, e.refund) for e in settled] == [
        (alice.address, 400, 400 * PRICE, 0),
        (bob.address, 200, 200 * PRICE, 0),
        (carol.address, 1_000, 1_000 * PRICE, 0),
    ]
    assert [token.balanceOf(a) for a in (alice, bob, carol)] == [400, 200, 1_000]
    assert token.totalSupply() == 1_600
    assert cash.balanceOf(issuer) == 1_600 * PRICE
    assert cash.balanceOf(offering) == 0
    assert [cash.balanceOf(a) for a in (alice, bob, carol)] == [
        INVESTOR_CASH - 400 * PRICE,
        INVESTOR_CASH - 200 * PRICE,
        INVESTOR_CASH - 1_000 * PRICE,
    ]
    assert all(offering.is_settled(a) for a in (alice, bob, carol))
    assert offering.subscription_of(alice) == 400


def test_failed_offering_refunds_everyone(chain, offering, token, cash, issuer, funded_investors, alice, bob, carol):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 100)
    subscribe(offering, cash, bob, 250)
    subscribe(offering, cash, carol, 149)
    end_offering(chain, offering)
    tx = offering.close(sender=alice)
    assert not tx.decode_logs(offering.Closed)[0].succeeded
    assert offering.state() == FAILED
    assert offering.allocation_of(bob) == 0

    offering.settle(alice, sender=carol)
    tx = offering.settle_many([bob, carol], sender=carol)
    refunds = tx.decode_logs(offering.Refunded)
    assert [(e.subscriber, e.cash, e.restriction) for e in refunds] == [
        (bob.address, 250 * PRICE, 0),
        (carol.address, 149 * PRICE, 0),
    ]
    assert [cash.balanceOf(a) for a in (alice, bob, carol)] == [INVESTOR_CASH] * 3
    assert cash.balanceOf(offering) == 0
    assert cash.balanceOf(issuer) == 0
    assert token.totalSupply() == 0


def test_exactly_the_soft_cap_succeeds(chain, offering, cash, funded_investors, alice):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 500)
    end_offering(chain, offering)
    offering.close(sender=alice)
    assert offering.state() == SUCCEEDED


def test_oversubscription_is_allotted_pro_rata(chain, make_offering, token, cash, issuer, funded_investors, outsider):
    price = 3_333_337
    hard_cap = 1_000
    offering = make_offering(price=price, min_per_investor=1, max_per_investor=1_000, soft_cap=100, hard_cap=hard_cap)
    subscriptions = [997, 641, 333, 1, 29, 998]
    open_offering(chain, offering)
    for investor, shares in zip(funded_investors, subscriptions):
        subscribe(offering, cash, investor, shares)
    total = sum(subscriptions)
    assert offering.total_subscribed() == total == 2_999
    assert cash.balanceOf(offering) == total * price
    end_offering(chain, offering)
    offering.close(sender=outsider)

    expected = [allocation(s, total, hard_cap, 1) for s in subscriptions]
    assert expected == [332, 213, 111, 0, 9, 332]
    assert [offering.allocation_of(i) for i in funded_investors] == expected
    tx = offering.settle_many(funded_investors, sender=outsider)

    assert [token.balanceOf(i) for i in funded_investors] == expected
    assert token.totalSupply() == sum(expected) == 997 <= hard_cap
    assert cash.balanceOf(issuer) == sum(expected) * price
    refunds = [(s - a) * price for s, a in zip(subscriptions, expected)]
    assert [INVESTOR_CASH - cash.balanceOf(i) for i in funded_investors] == [a * price for a in expected]
    assert cash.balanceOf(issuer) + sum(refunds) == total * price
    assert cash.balanceOf(offering) == 0
    # the subscriber rounded down to nothing is refunded, not settled
    [refunded] = tx.decode_logs(offering.Refunded)
    assert (refunded.subscriber, refunded.cash, refunded.restriction) == (funded_investors[3].address, price, 0)
    assert len(tx.decode_logs(offering.Settled)) == 5


def test_oversubscription_in_whole_lots(chain, make_token, make_offering, cash, issuer, funded_investors, outsider):
    """A 2-decimal token sold by whole shares (lot of 100 base units)."""
    token = make_token(decimals=2)
    price = 7_000_001
    offering = make_offering(
        security_token=token.address,
        price=price,
        lot=100,
        min_per_investor=100,
        max_per_investor=10_000,
        soft_cap=1_000,
        hard_cap=10_000,
    )
    subscriptions = [3_700, 5_100, 9_900, 100]
    open_offering(chain, offering)
    for investor, shares in zip(funded_investors, subscriptions):
        subscribe(offering, cash, investor, shares)
    total = sum(subscriptions)
    end_offering(chain, offering)
    offering.close(sender=outsider)
    offering.settle_many(funded_investors[:4], sender=outsider)

    expected = [allocation(s, total, 10_000, 100) for s in subscriptions]
    assert expected == [1_900, 2_700, 5_200, 0]
    assert [token.balanceOf(i) for i in funded_investors[:4]] == expected
    assert cash.balanceOf(issuer) == sum(expected) // 100 * price
    assert [INVESTOR_CASH - cash.balanceOf(i) for i in funded_investors[:4]] == [a // 100 * price for a in expected]
    assert cash.balanceOf(offering) == 0


def test_allocation_is_provisional_while_open(chain, make_offering, cash, funded_investors, alice, bob):
    offering = make_offering(hard_cap=1_000, max_per_investor=1_000)
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 600)
    assert offering.allocation_of(alice) == 600
    subscribe(offering, cash, bob, 900)
    assert offering.allocation_of(alice) == 400
    assert offering.allocation_of(bob) == 600
    assert offering.progress() == 15_000


# CLOSING #


def test_close_before_the_end(chain, offering, cash, issuer, funded_investors, alice, bob, operator):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 1_000)
    with ape.reverts("offering: not ended"):
        offering.close(sender=alice)
    with ape.reverts("offering: hard cap not reached"):
        offering.close(sender=issuer)
    subscribe(offering, cash, bob, 1_000)
    # at the hard cap only the issuer may close early
    with ape.reverts("offering: not ended"):
        offering.close(sender=operator)
    tx = offering.close(sender=issuer)
    assert tx.decode_logs(offering.Closed)[0].closed_by == issuer.address
    assert offering.state() == SUCCEEDED


def test_closed_offering_refuses_changes(chain, offering, cash, issuer, funded_investors, alice):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 500)
    end_offering(chain, offering)
    offering.close(sender=alice)
    for call in (offering.close, offering.cancel):
        with ape.reverts("offering: closed"):
            call(sender=issuer)
    with ape.reverts("offering: closed"):
        offering.subscribe(10, sender=alice)
    with ape.reverts("offering: closed"):
        offering.withdraw(10, sender=alice)


def test_settle_refusals(chain, offering, cash, funded_investors, alice, bob):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 500)
    with ape.reverts("offering: not closed"):
        offering.settle(alice, sender=bob)
    with ape.reverts("offering: not closed"):
        offering.settle_many([alice], sender=bob)
    end_offering(chain, offering)
    offering.close(sender=bob)
    with ape.reverts("offering: no subscription"):
        offering.settle(bob, sender=bob)
    offering.settle(alice, sender=bob)
    with ape.reverts("offering: already settled"):
        offering.settle(alice, sender=bob)


def test_settle_many_skips_the_settled(chain, offering, token, cash, issuer, funded_investors, alice, bob, outsider):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 300)
    subscribe(offering, cash, bob, 300)
    end_offering(chain, offering)
    offering.close(sender=outsider)
    offering.settle(alice, sender=outsider)
    tx = offering.settle_many([alice, outsider, bob, bob], sender=outsider)
    assert [e.subscriber for e in tx.decode_logs(offering.Settled)] == [bob.address]
    assert token.balanceOf(alice) == token.balanceOf(bob) == 300
    assert cash.balanceOf(issuer) == 600 * PRICE
    assert cash.balanceOf(offering) == 0


# SETTLEMENT REFUSED BY THE TOKEN #


def test_frozen_subscriber_is_refunded_in_full(chain, offering, token, agent, cash, issuer, funded_investors, alice, bob):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 400)
    subscribe(offering, cash, bob, 300)
    token.setAddressFrozen(alice, True, sender=agent)
    end_offering(chain, offering)
    offering.close(sender=bob)
    assert offering.allocation_of(alice) == 400
    tx = offering.settle(alice, sender=bob)
    [refunded] = tx.decode_logs(offering.Refunded)
    assert (refunded.subscriber, refunded.cash, refunded.restriction) == (alice.address, 400 * PRICE, RECIPIENT_FROZEN)
    assert tx.decode_logs(offering.Settled) == []
    offering.settle(bob, sender=bob)
    assert token.balanceOf(alice) == 0
    assert cash.balanceOf(alice) == INVESTOR_CASH
    assert token.balanceOf(bob) == 300
    assert cash.balanceOf(issuer) == 300 * PRICE
    assert cash.balanceOf(offering) == 0


def test_subscriber_whose_kyc_expired_is_refunded(chain, offering, token, cash, register, fund, accounts):
    late = accounts[13]
    register(late, expiry=offering.end_time() - 1)
    fund(late, INVESTOR_CASH)
    open_offering(chain, offering)
    subscribe(offering, cash, late, 600)
    end_offering(chain, offering)
    offering.close(sender=late)
    tx = offering.settle(late, sender=late)
    assert tx.decode_logs(offering.Refunded)[0].restriction == RECIPIENT_NOT_VERIFIED
    assert cash.balanceOf(late) == INVESTOR_CASH
    assert token.balanceOf(late) == 0


def test_revoked_subscriber_is_refunded(chain, offering, token, registry, registrar, cash, issuer, funded_investors, alice, bob):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 300)
    subscribe(offering, cash, bob, 300)
    registry.revoke_identity([alice], sender=registrar)
    end_offering(chain, offering)
    offering.close(sender=bob)
    tx = offering.settle_many([alice, bob], sender=bob)
    [refunded] = tx.decode_logs(offering.Refunded)
    assert (refunded.subscriber, refunded.cash, refunded.restriction) == (alice.address, 300 * PRICE, RECIPIENT_NOT_VERIFIED)
    assert [e.subscriber for e in tx.decode_logs(offering.Settled)] == [bob.address]
    assert cash.balanceOf(alice) == INVESTOR_CASH
    assert token.balanceOf(bob) == 300
    assert cash.balanceOf(issuer) == 300 * PRICE
    assert cash.balanceOf(offering) == 0


def test_settlement_waits_while_the_token_is_paused(chain, offering, token, agent, cash, funded_investors, alice):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 600)
    end_offering(chain, offering)
    offering.close(sender=alice)
    token.pause(sender=agent)
    with ape.reverts("offering: token paused"):
        offering.settle(alice, sender=alice)
    token.unpause(sender=agent)
    offering.settle(alice, sender=alice)
    assert token.balanceOf(alice) == 600


def test_settlement_needs_the_minter_role(chain, make_offering, token, operator, cash, issuer, funded_investors, alice):
    offering = make_offering(minter=False)
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 600)
    end_offering(chain, offering)
    offering.close(sender=alice)
    with ape.reverts("access_control: account is missing role"):
        offering.settle(alice, sender=alice)
    assert not offering.is_settled(alice)
    token.grantRole(MINTER_ROLE, offering, sender=operator)
    offering.settle(alice, sender=alice)
    assert token.balanceOf(alice) == 600
    assert cash.balanceOf(issuer) == 600 * PRICE


# CANCELLING #


@pytest.mark.parametrize("canceller", ["issuer", "operator"])
def test_cancel_refunds_everyone(request, chain, offering, token, cash, funded_investors, alice, bob, canceller):
    who = request.getfixturevalue(canceller)
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 1_000)
    subscribe(offering, cash, bob, 1_000)
    tx = offering.cancel(sender=who)
    assert tx.decode_logs(offering.Cancelled)[0].cancelled_by == who.address
    assert offering.state() == CANCELLED
    assert offering.allocation_of(alice) == 0
    with ape.reverts("offering: cancelled"):
        offering.subscribe(10, sender=alice)
    with ape.reverts("offering: cancelled"):
        offering.withdraw(10, sender=alice)
    with ape.reverts("offering: cancelled"):
        offering.close(sender=who)
    with ape.reverts("offering: cancelled"):
        offering.cancel(sender=who)
    offering.settle_many([alice, bob], sender=alice)
    assert cash.balanceOf(alice) == cash.balanceOf(bob) == INVESTOR_CASH
    assert cash.balanceOf(offering) == 0
    assert token.totalSupply() == 0


def test_cancel_before_the_start(offering, issuer):
    offering.cancel(sender=issuer)
    assert offering.state() == CANCELLED


@pytest.mark.parametrize("role", ["agent", "registrar", "alice", "outsider"])
def test_only_issuer_or_operator_cancels(request, offering, role):
    with ape.reverts("offering: not issuer or operator"):
        offering.cancel(sender=request.getfixturevalue(role))


def test_cancel_after_the_end(chain, offering, issuer):
    end_offering(chain, offering)
    with ape.reverts("offering: ended"):
        offering.cancel(sender=issuer)


# CASH TOKENS THAT ARE NOT QUITE STANDARD #


@pytest.fixture
def quirky_cash(project, treasury):
    def make(quirk: int):
        return project.QuirkyCash.deploy(quirk, 18, sender=treasury)

    return make


def test_cash_token_returning_nothing(chain, make_offering, quirky_cash, token, issuer, verified_investors, alice, bob):
    cash = quirky_cash(0)
    price = 10**18
    offering = make_offering(cash_token=cash.address, price=price)
    for investor in (alice, bob):
        cash.mint(investor, 1_000 * price, sender=investor)
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 700)
    subscribe(offering, cash, bob, 300)
    offering.withdraw(100, sender=bob)
    end_offering(chain, offering)
    offering.close(sender=alice)
    offering.settle_many([alice, bob], sender=alice)
    assert cash.balanceOf(issuer) == 900 * price
    assert cash.balanceOf(alice) == 300 * price
    assert cash.balanceOf(bob) == 800 * price
    assert token.balanceOf(alice) == 700


def test_cash_token_taking_a_fee_is_refused(chain, make_offering, quirky_cash, verified_investors, alice):
    cash = quirky_cash(1)
    offering = make_offering(cash_token=cash.address)
    cash.mint(alice, 10**12, sender=alice)
    open_offering(chain, offering)
    cash.approve(offering, offering.cost_of(100), sender=alice)
    with ape.reverts("offering: cash received short"):
        offering.subscribe(100, sender=alice)


def test_cash_token_returning_false_is_refused(chain, make_offering, quirky_cash, verified_investors, alice):
    cash = quirky_cash(2)
    offering = make_offering(cash_token=cash.address)
    cash.mint(alice, 10**12, sender=alice)
    open_offering(chain, offering)
    cash.approve(offering, offering.cost_of(100) - 1, sender=alice)
    with ape.reverts("offering: cash transfer failed"):
        offering.subscribe(100, sender=alice)
    assert offering.subscription_of(alice) == 0


# HARDENING (issue 12) #

DAY = 24 * 3600
ISSUER_ROLE = keccak(text="ISSUER_ROLE")


def test_finding_12_withdrawals_close_a_day_before_the_end(chain, make_offering, cash, issuer, funded_investors, outsider):
    """Four wallets fill the 4x ceiling; they may withdraw until a day before the end, which leaves
    everyone else a day to subscribe, and from then on their subscriptions hold."""
    offering = make_offering(hard_cap=1_000, max_per_investor=1_000, soft_cap=1_000)
    fillers, latecomer = funded_investors[:4], funded_investors[4]
    open_offering(chain, offering)
    for filler in fillers:
        subscribe(offering, cash, filler, 1_000)
    chain.pending_timestamp = offering.end_time() - DAY - 1
    offering.withdraw(1_000, sender=fillers[0])
    subscribe(offering, cash, latecomer, 1_000)
    chain.pending_timestamp = offering.end_time() - DAY
    for filler in fillers[1:]:
        with ape.reverts("offering: withdrawals closed"):
            offering.withdraw(1_000, sender=filler)
    assert offering.WITHDRAWAL_CUTOFF() == DAY
    end_offering(chain, offering)
    offering.close(sender=outsider)
    assert offering.state() == SUCCEEDED


def test_finding_15_implementation_refuses_every_state_change(chain, offering_implementation, outsider):
    for call, args in [
        (offering_implementation.close, ()),
        (offering_implementation.cancel, ()),
        (offering_implementation.subscribe, (10,)),
        (offering_implementation.subscribe_with_permit, (10, 0, 27, b"\1" * 32, b"\2" * 32)),
        (offering_implementation.withdraw, (10,)),
        (offering_implementation.settle, (outsider,)),
        (offering_implementation.settle_many, ([outsider],)),
    ]:
        with ape.reverts("offering: implementation"):
            call(*args, sender=outsider)
    assert offering_implementation.state() == ENDED


def test_finding_6_revoked_issuer_cannot_close_or_cancel(chain, offering, token, cash, issuer, operator, funded_investors, alice, bob, accounts):
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 1_000)
    subscribe(offering, cash, bob, 1_000)
    token.revokeRole(ISSUER_ROLE, issuer, sender=operator)
    with ape.reverts("offering: not ended"):
        offering.close(sender=issuer)
    with ape.reverts("offering: not issuer or operator"):
        offering.cancel(sender=issuer)
    new_key = accounts[12]
    token.grantRole(ISSUER_ROLE, new_key, sender=operator)
    offering.cancel(sender=new_key)
    assert offering.state() == CANCELLED


def test_finding_6_offering_renounces_minting_at_the_end(chain, make_offering, token, cash, funded_investors, alice, bob, issuer):
    offering = make_offering()
    open_offering(chain, offering)
    subscribe(offering, cash, alice, 500)
    subscribe(offering, cash, bob, 300)
    offering.withdraw(300, sender=bob)  # a full withdrawal leaves no one to settle
    end_offering(chain, offering)
    offering.close(sender=alice)
    assert offering.state() == SUCCEEDED and token.hasRole(MINTER_ROLE, offering)
    offering.settle_many([alice, bob], sender=alice)
    assert not token.hasRole(MINTER_ROLE, offering)
    assert token.balanceOf(alice) == 500
    failed = make_offering()
    failed.cancel(sender=issuer)
    assert not token.hasRole(MINTER_ROLE, failed)


@pytest.fixture
def hostile(project, operator):
    return project.HostileCash.deploy(sender=operator)


@pytest.mark.parametrize("entry", ["subscribe", "withdraw", "settle", "settle_many"])
def test_finding_9_cash_callback_cannot_reenter_the_offering(chain, make_offering, hostile, verified_investors, alice, bob, entry):
    """The cash token calls back into the offering in the middle of each entry that moves cash:
    the nested call meets the reentrancy lock (a bare revert), not the offering's own checks."""
    offering = make_offering(cash_token=hostile.address, soft_cap=2_000)
    for investor in (alice, bob):
        hostile.mint(investor, 10**12, sender=investor)
        hostile.approve(offering, 10**12, sender=investor)
    open_offering(chain, offering)
    offering.subscribe(300, sender=alice)
    offering.subscribe(300, sender=bob)
    # During alice's refund, settling bob would go through without the lock.
    nested = offering.settle.encode_input(bob)
    if entry in ("settle", "settle_many"):
        end_offering(chain, offering)
        offering.close(sender=alice)  # below the soft cap: every settlement is a cash refund
    hostile.arm(offering, nested, sender=alice)
    if entry == "subscribe":
        offering.subscribe(10, sender=alice)
    elif entry == "withdraw":
        offering.withdraw(10, sender=alice)
    elif entry == "settle":
        offering.settle(alice, sender=alice)
    else:
        offering.settle_many([alice], sender=alice)
    assert (hostile.callback_outcome(), hostile.callback_returned()) == (2, b"")
    assert not offering.is_settled(bob)
