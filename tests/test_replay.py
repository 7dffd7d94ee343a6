"""Finding 13: the logs alone rebuild the state. A scripted scenario that touches every kind of
ledger change (trades at two fee rates, partial fills, cancels, partial and whole-wallet freezes, a
recovery of a wallet with held and frozen shares, a forced transfer, dividends claimed, pushed,
skipped and cancelled, subscriptions, a seller the cash token will not pay credited and
withdrawing, orders cancelled by the agent and the operator), then short fuzzed runs of the invariant machine; after each, every log
since the platform was created is replayed by keiretsu/replay.py and every balance, hold, freeze,
open order, escrow, order book cash and dividend total is compared with the chain."""

from __future__ import annotations

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from keiretsu.log_ranges import rpc_logs
from keiretsu.replay import Market, compare, replay
from tests.fixtures.dividends import DAY
from tests.fixtures.market import BUY, GTC, IOC, SELL
from tests.fixtures.proof import provider_url
from tests.test_invariants import build_machine


def rebuild(chain, p):
    market = Market(p.market.address, p.token.address, p.cash.address, p.market.lot_size(), p.market.tick_size())
    return replay(rpc_logs(provider_url(chain), None, p.start_block), [market])


def rebuild_and_compare(chain, p) -> list[str]:
    return compare(provider_url(chain), rebuild(chain, p))


def scripted_scenario(chain, p, registrar, agent, issuer, operator):
    alice, bob, carol, dave, erin = p.people[:5]
    spare = p.people[6]
    market, token, dividends, offering = p.market, p.token, p.dividends, p.offering
    market.place_order(BUY, 98, 10, GTC, 0, 8, sender=alice)
    market.set_fees(20, 30, p.fee_recipient, sender=operator)  # bob's bid escrows at the new maker fee
    market.place_order(BUY, 97, 5, GTC, 0, 8, sender=bob)
    market.place_order(SELL, 102, 10, GTC, 0, 8, sender=carol)
    market.place_order(SELL, 102, 5, GTC, 0, 8, sender=dave)
    market.place_order(BUY, 102, 12, IOC, 0, 8, sender=bob)  # carol filled, dave partly
    market.place_order(SELL, 98, 4, IOC, 0, 8, sender=carol)  # alice's bid partly
    token.freezePartialTokens(dave, 100, sender=agent)
    token.setAddressFrozen(carol, True, sender=agent)
    # Dave's wallet, holding 3 shares on his ask and 100 frozen, is recovered to a new wallet.
    p.registry.add_wallet(dave, spare, sender=registrar)
    token.recoveryAddress(dave, spare, sender=agent)
    [dave_ask] = [i for i in market.open_orders(dave, SELL, 10, 10)]
    market.cancel_order(dave_ask, sender=dave)  # the release follows the recovery to the new wallet
    token.forcedTransfer(alice, bob, 50, sender=agent)
    now = chain.pending_timestamp
    dividends.declare(token, p.cash, 10**9, now + 60, now + 120, now + 10 * DAY, [], sender=issuer)
    chain.mine(timestamp=now + 120)
    dividends.claim(token, 1, sender=alice)
    dividends.pay(token, 1, [bob.address, carol.address, spare.address], sender=agent)  # carol frozen: skipped
    offering.subscribe(100, sender=erin)
    offering.withdraw(20, sender=erin)
    [bob_bid] = market.open_orders(bob, BUY, 10, 10)
    market.cancel_order(bob_bid, sender=bob)
    market.place_order(SELL, 103, 7, GTC, 0, 8, sender=alice)
    # The cash token blocks alice twice while bob buys from her ask: the book credits her proceeds;
    # she withdraws the first credit, the second stays owed.
    for lots in (2, 1):
        p.cash.set_blocked(alice, True, sender=operator)
        market.place_order(BUY, 103, lots, IOC, 0, 8, sender=bob)
        p.cash.set_blocked(alice, False, sender=operator)
        if lots == 2:
            market.withdraw(sender=alice)
    market.place_order(BUY, 96, 3, GTC, 0, 8, sender=erin)
    [alice_ask] = market.open_orders(alice, SELL, 10, 10)
    [erin_bid] = market.open_orders(erin, BUY, 10, 10)
    market.force_cancel([alice_ask], sender=agent)
    p.factory.halt(token, sender=operator)
    market.force_cancel([erin_bid], sender=operator)  # halted: the escape hatch still works
    p.factory.resume(token, sender=operator)
    now = chain.pending_timestamp
    dividends.declare(token, p.cash, 10**6, now + DAY, now + 2 * DAY, now + 10 * DAY, [], sender=issuer)
    dividends.cancel(token, 2, sender=issuer)


def test_finding_13_logs_rebuild_every_account_and_order(chain, arena, registrar, agent, issuer, operator):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    ledger = rebuild(chain, arena)
    alice, spare = arena.people[0].address, arena.people[6].address
    token = arena.token.address
    assert ledger.securities == {token}
    market = arena.market.address
    assert ledger.held[token, alice] == 0 and ledger.frozen[token, spare] == 100 and len(ledger.orders) == 1
    assert ledger.withdrawable[market, alice] == arena.market.withdrawable(alice) > 0
    assert ledger.dividends[arena.dividends.address, token, 2].was_reclaimed
    assert compare(provider_url(chain), ledger) == []
    # The comparison does see a unit out of place.
    ledger.balances[token, alice] += 1
    [problem] = compare(provider_url(chain), ledger)
    assert problem.startswith(f"balance of {alice} on {token}")

    checked = []
    Machine = build_machine(chain, arena, registrar, agent, issuer)

    class Replaying(Machine):
        """The fuzzer's steps without its invariants and attack assertions (tests/test_invariants.py
        judges those); at the end of each run, the replay."""

        def books_balance(self):
            pass

        def check_fill_bound(self, *args):
            pass

        def cash_blocks(self, *args):
            pass

        def stranger_on_factory(self, *args):
            pass

        def teardown(self):
            try:
                checked.append(rebuild_and_compare(chain, arena))
            finally:
                super().teardown()

    run_state_machine_as_test(Replaying, settings=settings(max_examples=3, stateful_step_count=25, deadline=None, database=None))
    assert checked and all(problems == [] for problems in checked), [p for p in checked if p]
