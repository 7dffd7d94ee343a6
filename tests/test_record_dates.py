"""Record dates: balances and supply as they stood when the chain's time reached each date."""

import ape
import pytest
from eth_utils import keccak

RECORDER_ROLE = keccak(text="RECORDER_ROLE")
MARKET_ROLE = keccak(text="MARKET_ROLE")


@pytest.fixture
def holders(token, agent, verified_investors, alice, bob):
    token.mint(alice, 1000, sender=agent)
    token.mint(bob, 10, sender=agent)
    return token


def schedule(token, chain, sender, delay=100):
    timestamp = chain.pending_timestamp + delay
    receipt = token.schedule_record_date(timestamp, sender=sender)
    return receipt.return_value, timestamp


def reach(chain, timestamp):
    chain.mine(timestamp=timestamp)


def test_balances_at_a_record_date(holders, chain, issuer, alice, bob, carol):
    holders.transfer(bob, 100, sender=alice)
    record_id, when = schedule(holders, chain, issuer)
    assert record_id == 1 and holders.record_date(1) == when
    holders.transfer(bob, 50, sender=alice)  # before the date: counts
    reach(chain, when)
    holders.transfer(carol, 300, sender=alice)  # after the date: does not
    holders.transfer(carol, 60, sender=bob)
    assert holders.balanceOfAt(alice, 1) == 850
    assert holders.balanceOfAt(bob, 1) == 160
    assert holders.balanceOfAt(carol, 1) == 0
    assert holders.totalSupplyAt(1) == 1010
    assert holders.balanceOf(alice) == 550 and holders.balanceOf(carol) == 360


def test_unchanged_balances_need_no_write(holders, chain, issuer, alice, bob):
    schedule(holders, chain, issuer)
    reach(chain, holders.record_date(1))
    assert holders.balanceOfAt(alice, 1) == 1000
    assert holders.balanceOfAt(bob, 1) == 10


def test_several_record_dates_and_changes(holders, chain, issuer, agent, alice, bob, carol):
    first, first_time = schedule(holders, chain, issuer, 100)
    second, second_time = schedule(holders, chain, issuer, 200)
    third, third_time = schedule(holders, chain, issuer, 300)
    reach(chain, first_time)
    holders.transfer(carol, 100, sender=alice)
    reach(chain, third_time)  # the second and third pass with no change in between
    holders.transfer(carol, 100, sender=alice)
    holders.mint(bob, 5, sender=agent)
    holders.burn(alice, 8, sender=agent)
    assert [holders.balanceOfAt(alice, i) for i in (first, second, third)] == [1000, 900, 900]
    assert [holders.balanceOfAt(carol, i) for i in (first, second, third)] == [0, 100, 100]
    assert [holders.totalSupplyAt(i) for i in (first, second, third)] == [1010, 1010, 1010]
    assert holders.totalSupply() == 1007


def test_held_shares_count_for_their_owner(holders, chain, issuer, operator, accounts, alice, bob):
    market = accounts[12]
    holders.grantRole(MARKET_ROLE, market, sender=operator)
    holders.place_hold(alice, 400, sender=market)
    _, when = schedule(holders, chain, issuer)
    reach(chain, when)
    holders.settle_hold(alice, bob, 400, sender=market)
    assert holders.balanceOfAt(alice, 1) == 1000
    assert holders.balanceOfAt(bob, 1) == 10


def test_recovery_keeps_the_history(holders, chain, issuer, agent, registry, registrar, accounts, alice):
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    _, when = schedule(holders, chain, issuer)
    reach(chain, when)
    holders.recoveryAddress(alice, new_wallet, sender=agent)
    assert holders.balanceOfAt(alice, 1) == 1000
    assert holders.balanceOfAt(new_wallet, 1) == 0
    assert holders.balanceOf(new_wallet) == 1000
    # What a dividend or a vote reads in one call: balance then, frozen now, recovered.
    assert holders.record_position(alice, 1) == (1000, False, True)
    assert holders.record_position(new_wallet, 1) == (0, False, False)
    holders.setAddressFrozen(new_wallet, True, sender=agent)
    assert holders.record_position(new_wallet, 1) == (0, True, False)


def test_reading_before_the_date_or_an_unknown_date(holders, chain, issuer, alice):
    schedule(holders, chain, issuer, 1000)
    with ape.reverts("token: record date not reached"):
        holders.balanceOfAt(alice, 1)
    with ape.reverts("token: unknown record date"):
        holders.totalSupplyAt(2)


def test_dates_reached_with_no_transfer_since(holders, chain, issuer, alice):
    """Whether a date is reached comes from the config word up to the next pending date, and from
    the date itself beyond it; no transfer has synced the token in between."""
    _, first_time = schedule(holders, chain, issuer, 100)
    _, second_time = schedule(holders, chain, issuer, 200)
    reach(chain, first_time)
    assert holders.balanceOfAt(alice, 1) == 1000 and holders.totalSupplyAt(1) == 1010
    for read in (lambda: holders.balanceOfAt(alice, 2), lambda: holders.record_position(alice, 2)):
        with ape.reverts("token: record date not reached"):
            read()
    reach(chain, second_time)
    assert holders.record_position(alice, 2) == (1000, False, False)
    assert holders.totalSupplyAt(2) == 1010


def test_scheduling_rules(token, chain, issuer, operator, accounts, alice):
    now = chain.pending_timestamp
    with ape.reverts("token: record date not in the future"):
        token.schedule_record_date(now - 1, sender=issuer)
    with ape.reverts("token: record date too far"):
        token.schedule_record_date(2**40, sender=issuer)
    token.schedule_record_date(now + 500, sender=issuer)
    # The same date again is the same record date: a dividend and a vote can share it.
    assert token.schedule_record_date(now + 500, sender=issuer).return_value == 1
    with ape.reverts("token: record dates out of order"):
        token.schedule_record_date(now + 400, sender=issuer)
    recorder = accounts[12]
    token.grantRole(RECORDER_ROLE, recorder, sender=operator)
    assert token.schedule_record_date(now + 600, sender=recorder).return_value == 2
    with ape.reverts("access_control: account is missing role"):
        token.schedule_record_date(now + 700, sender=alice)


def test_pending_record_dates_are_bounded(token, chain, issuer):
    start = chain.pending_timestamp + 1000
    for i in range(32):
        token.schedule_record_date(start + i, sender=issuer)
    with ape.reverts("token: too many pending record dates"):
        token.schedule_record_date(start + 40, sender=issuer)
    chain.mine(timestamp=start + 5)
    token.schedule_record_date(start + 40, sender=issuer)
    assert token.record_date_count() == 33


# Finding 11 (issue 12): record dates are bounded and the latest pending one can be cancelled.

HORIZON = 400 * 86400


def test_finding_11_record_dates_within_the_horizon(token, chain, issuer):
    # The next block's time is pinned: a second passing between reading the clock and mining the
    # transaction moved the boundary under a loaded CI (the refusal went through).
    now = chain.pending_timestamp + 10
    chain.pending_timestamp = now
    with ape.reverts("token: record date too far"):
        token.schedule_record_date(now + HORIZON + 1, sender=issuer)
    chain.pending_timestamp = now
    assert token.schedule_record_date(now + HORIZON, sender=issuer).return_value == 1


def test_finding_11_cancel_the_latest_pending_record_date(holders, chain, issuer, operator, accounts, alice, bob):
    recorder = accounts[12]
    holders.grantRole(RECORDER_ROLE, recorder, sender=operator)
    first, first_time = schedule(holders, chain, recorder, delay=1000)
    second, second_time = schedule(holders, chain, recorder, delay=2000)
    for intruder in (issuer, operator):
        with ape.reverts("access_control: account is missing role"):
            holders.cancel_record_date(second, sender=intruder)
    for wrong in (first, second + 1):
        with ape.reverts("token: not the latest pending date"):
            holders.cancel_record_date(wrong, sender=recorder)
    assert holders.schedule_record_date(second_time, sender=recorder).return_value == second  # a second user
    holders.cancel_record_date(second, sender=recorder)
    assert holders.record_date_count() == 2 and holders.record_date(second) == second_time
    receipt = holders.cancel_record_date(second, sender=recorder)
    [log] = holders.RecordDateCancelled.from_receipt(receipt)
    assert log.record_date_id == second
    assert holders.record_date_count() == 1 and holders.record_date(second) == 0
    holders.cancel_record_date(first, sender=recorder)  # the next pending date: nothing is due any more
    assert holders.record_date_count() == 0
    reach(chain, second_time + 1)
    holders.transfer(bob, 1, sender=alice)  # no checkpoint for a cancelled date
    again, again_time = schedule(holders, chain, recorder, delay=50)
    assert again == 1 and holders.record_date(1) == again_time
    reach(chain, again_time)
    with ape.reverts("token: not the latest pending date"):
        holders.cancel_record_date(again, sender=recorder)  # reached
    holders.transfer(bob, 1, sender=alice)
    assert holders.balanceOfAt(alice, again) == 999


def test_finding_11_a_full_queue_is_freed_by_cancelling(token, chain, operator, accounts):
    recorder = accounts[12]
    token.grantRole(RECORDER_ROLE, recorder, sender=operator)
    for delay in range(1, 33):
        schedule(token, chain, recorder, delay=100 * delay)
    with ape.reverts("token: too many pending record dates"):
        schedule(token, chain, recorder, delay=10_000)
    token.cancel_record_date(32, sender=recorder)
    assert schedule(token, chain, recorder, delay=10_000)[0] == 32
