"""Invariant fuzzing: hypothesis drives random sequences of everything the platform's actors do
(registrar, agent, issuer, investors, an outsider) over the real contracts, and after every step
the books must balance exactly, to the unit:

* total shares == sum of balances; held <= balance for every account;
* the order book's cash == the escrow of its open bids, to the unit; best bid < best ask;
* cash is conserved: the cash supply never changes and every unit is in a known account;
* no account without a valid identity gains shares;
* every dividend's payments plus its reclaim never exceed the amount declared, and the dividend
  contract holds exactly what is declared and not yet paid out;
* the offering holds exactly the cash of its unsettled subscriptions.

Each example starts from the same chain snapshot. HYPOTHESIS_PROFILE picks "ci" (bounded) or
"fuzz" (`make fuzz`), see tests/hypothesis_profiles.py. The test prints how often each call went
through or was refused, and how many trades the examples made.
"""

from __future__ import annotations

import os
from collections import Counter

from ape.exceptions import VirtualMachineError
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from tests.fixtures.dividends import DAY
from tests.fixtures.market import BUY, SELL
from tests.fixtures.proof import ZERO, provider_url, read_snapshot, revert_reason
from tests.fixtures.registry import ONE_YEAR, SWITZERLAND, kyc_hash_for

TICKS = st.integers(min_value=96, max_value=104)
LOTS = st.integers(min_value=1, max_value=40)
ORDER_TYPES = st.integers(min_value=0, max_value=4)
PEOPLE = st.integers(min_value=0, max_value=9)
SHARES = st.integers(min_value=1, max_value=600)


def build_machine(chain, platform, registrar, agent, issuer):
    p = platform
    token, cash, market, offering, dividends, registry = p.token, p.cash, p.market, p.offering, p.dividends, p.registry
    people = p.people
    url = provider_url(chain)
    holders = [a.address for a in people] + [p.outsider.address, issuer.address, agent.address]
    cash_holders = holders + [market.address, offering.address, dividends.address, p.fee_recipient.address]
    lot, price = offering.lot(), offering.price()
    first = read_snapshot(url, p, holders, cash_holders, [], [])
    # Everyone outside `cash_holders` (the treasury never receives) holds nothing the steps could move.
    assert sum(first.cash.values()) == first.cash_supply

    class PlatformMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.snapshot_id = chain.snapshot()
            self.order_ids: set[int] = set()
            self.dividend_paid: dict[int, int] = {}
            self.dividend_declared: dict[int, int] = {}
            self.dividend_reclaimed: dict[int, int] = {}
            self.before = first
            self.registered = {a.address for a in people[:6]}

        def teardown(self):
            chain.restore(self.snapshot_id)

        # --- helpers ---

        def send(self, method, *args, sender):
            """Sends a transaction; a refusal (revert) is a legal outcome of a random step."""
            reason = revert_reason(url, sender, method, *args)
            OUTCOMES[f"{method.abis[0].name}: {reason or 'done'}"] += 1
            if reason is not None:
                return None
            try:
                receipt = method(*args, sender=sender)
            except VirtualMachineError:
                return None  # the next block's time differs from the simulation's
            self.collect(receipt)
            return receipt

        def collect(self, receipt):
            OUTCOMES["trades"] += len(market.Trade.from_receipt(receipt))
            for placed in market.OrderPlaced.from_receipt(receipt):
                self.order_ids.add(placed.order_id)
            for declared in dividends.DividendDeclared.from_receipt(receipt):
                self.dividend_declared[declared.dividend_id] = declared.amount
                self.dividend_paid[declared.dividend_id] = 0
                self.dividend_reclaimed[declared.dividend_id] = 0
            for paid in dividends.DividendPaid.from_receipt(receipt):
                self.dividend_paid[paid.dividend_id] += paid.amount
            for reclaimed in dividends.DividendReclaimed.from_receipt(receipt):
                self.dividend_reclaimed[reclaimed.dividend_id] += reclaimed.amount

        # --- identities (the registrar) ---

        @rule(who=PEOPLE, existing=st.one_of(st.none(), st.integers(min_value=0, max_value=5)))
        def onboard(self, who, existing):
            """A spare wallet becomes a new investor, or another wallet of an existing one."""
            wallet = people[who]
            if existing is None:
                self.send(
                    registry.register_investor, wallet, kyc_hash_for(wallet), 1, SWITZERLAND,
                    chain.pending_timestamp + ONE_YEAR, 0, sender=registrar,
                )
            else:
                self.send(registry.add_wallet, people[existing], wallet, sender=registrar)

        @rule(who=PEOPLE, action=st.sampled_from(["expire", "expire_later", "renew", "revoke", "reinstate", "remove"]))
        def identity_changes(self, who, action):
            """KYC runs out (time passes beyond it) or is renewed; an identity is revoked or reinstated;
            a wallet is removed from the register."""
            wallet = people[who]
            if action.startswith("expire"):
                seconds = 30 if action == "expire" else 3 * DAY
                self.send(registry.update_identity, [wallet], 1, SWITZERLAND, chain.pending_timestamp + seconds, 0, sender=registrar)
                chain.mine(timestamp=chain.pending_timestamp + seconds + 1)
            elif action == "renew":
                self.send(registry.update_identity, [wallet], 1, SWITZERLAND, chain.pending_timestamp + ONE_YEAR, 0, sender=registrar)
            elif action == "revoke":
                self.send(registry.revoke_identity, [wallet], sender=registrar)
            elif action == "reinstate":
                self.send(registry.reinstate_identity, [wallet], sender=registrar)
            else:
                self.send(registry.remove_wallet, wallet, sender=registrar)

        @rule(seconds=st.sampled_from([60, 3600, DAY, 3 * DAY]))
        def time_passes(self, seconds):
            chain.mine(timestamp=chain.pending_timestamp + seconds)

        # --- the agent ---

        @rule(who=PEOPLE, action=st.sampled_from(["freeze", "unfreeze", "freeze_part", "unfreeze_part", "mint", "pause"]),
              amount=st.integers(min_value=1, max_value=300))
        def agent_acts(self, who, action, amount):
            wallet = people[who]
            if action in ("freeze", "unfreeze"):
                self.send(token.setAddressFrozen, wallet, action == "freeze", sender=agent)
            elif action == "freeze_part":
                self.send(token.freezePartialTokens, wallet, amount, sender=agent)
            elif action == "unfreeze_part":
                self.send(token.unfreezePartialTokens, wallet, amount, sender=agent)
            elif action == "mint":
                self.send(token.mint, wallet, amount, sender=agent)
            else:
                # A pause lasts one step: the next agent step or a halt rule lifts it.
                self.send(token.pause, sender=agent)
                self.send(token.unpause, sender=agent)

        @rule(lost=PEOPLE, new=PEOPLE)
        def recover(self, lost, new):
            self.send(token.recoveryAddress, people[lost], people[new], sender=agent)

        @rule(source=PEOPLE, receiver=st.one_of(PEOPLE, st.just(-1)), amount=st.integers(min_value=1, max_value=1_200))
        def forced_transfer(self, source, receiver, amount):
            to = p.outsider if receiver == -1 else people[receiver]
            self.send(token.forcedTransfer, people[source], to, amount, sender=agent)

        # --- the order book ---

        def place_order(self, who, side, tick, lots, order_type, expiring, max_fills):
            trader = p.outsider if who == -1 else people[who]
            expiry = chain.pending_timestamp + DAY if expiring else 0
            self.send(market.place_order, side, tick, lots, order_type, expiry, max_fills, sender=trader)

        ORDER = dict(tick=TICKS, lots=LOTS, order_type=ORDER_TYPES, expiring=st.booleans(), max_fills=st.integers(min_value=1, max_value=8))

        @initialize(lots=st.lists(LOTS, min_size=6, max_size=6))
        def open_book(self, lots):
            """Every example starts with a book: bids at 97..99 and asks at 101..103."""
            for n, tick in enumerate((97, 98, 99)):
                self.place_order(n % 2, BUY, tick, lots[n], 0, False, 8)
            for n, tick in enumerate((101, 102, 103)):
                self.place_order(2 + n % 2, SELL, tick, lots[3 + n], 0, False, 8)

        # Mostly traders who hold shares and cash, so that most crosses trade.
        @rule(seller=st.integers(min_value=0, max_value=4), buyer=st.integers(min_value=0, max_value=5), tick=TICKS, lots=LOTS,
              taker_sells=st.booleans(), order_type=ORDER_TYPES)
        def cross(self, seller, buyer, tick, lots, taker_sells, order_type):
            """A maker rests at `tick` and a taker of any type meets it: a trade unless refused."""
            maker, taker = (buyer, seller) if taker_sells else (seller, buyer)
            maker_side, taker_side = (BUY, SELL) if taker_sells else (SELL, BUY)
            self.place_order(maker, maker_side, tick, lots, 0, False, 8)
            self.place_order(taker, taker_side, tick, lots, order_type, False, 8)

        # Trading gets several rules so that it dominates the random sequences.
        @rule(who=PEOPLE, **ORDER)
        def bid(self, who, tick, lots, order_type, expiring, max_fills):
            self.place_order(who, BUY, tick, lots, order_type, expiring, max_fills)

        @rule(who=PEOPLE, **ORDER)
        def ask(self, who, tick, lots, order_type, expiring, max_fills):
            self.place_order(who, SELL, tick, lots, order_type, expiring, max_fills)

        @rule(who=st.sampled_from([0, 1, 2, 3]), side=st.sampled_from([BUY, SELL]), **ORDER)
        def trader_places(self, who, side, tick, lots, order_type, expiring, max_fills):
            self.place_order(who, side, tick, lots, order_type, expiring, max_fills)

        @rule(side=st.sampled_from([BUY, SELL]), tick=TICKS, lots=LOTS)
        def outsider_places(self, side, tick, lots):
            self.place_order(-1, side, tick, lots, 0, False, 8)

        @rule(who=PEOPLE, side=st.sampled_from([BUY, SELL]), lots=LOTS, order_type=st.sampled_from([1, 2, 4]))
        def take(self, who, side, lots, order_type):
            """Trades at the best opposite price at once (IOC, FOK or MARKET)."""
            bid, _, ask, _ = market.best_bid_ask()
            tick = ask if side == BUY else bid
            if tick:
                self.send(market.place_order, side, tick, lots, order_type, 0, 8, sender=people[who])

        @precondition(lambda self: self.order_ids)
        @rule(data=st.data(), by_owner=st.booleans())
        def cancel(self, data, by_owner):
            order_id = data.draw(st.sampled_from(sorted(self.order_ids)))
            owner = market.order(order_id)[0]
            sender = next((a for a in people if a.address == owner), people[0]) if by_owner else p.outsider
            self.send(market.cancel_order, order_id, sender=sender)

        @rule(who=PEOPLE, tick=TICKS)
        def halt_and_resume(self, who, tick):
            """A halt: the order placed and the one cancelled in between meet a halted market."""
            self.send(market.halt, sender=issuer)
            self.place_order(who, BUY, tick, 1, 0, False, 8)
            if self.order_ids:
                order_id = min(self.order_ids)
                owner = market.order(order_id)[0]
                self.send(market.cancel_order, order_id, sender=next((a for a in people if a.address == owner), people[0]))
            self.send(market.resume, sender=issuer)

        # --- the offering ---

        @rule(who=st.one_of(PEOPLE, st.just(-1)), shares=SHARES)
        def subscribe(self, who, shares):
            self.send(offering.subscribe, shares, sender=p.outsider if who == -1 else people[who])

        @rule(who=PEOPLE, shares=SHARES)
        def withdraw(self, who, shares):
            self.send(offering.withdraw, shares, sender=people[who])

        @rule(who=st.sampled_from([4, 5, 0, 1]), shares=SHARES)
        def verified_subscribe(self, who, shares):
            self.send(offering.subscribe, shares, sender=people[who])

        @rule(after_end=st.booleans(), cancel=st.sampled_from([False, False, True]))
        def close_offering(self, after_end, cancel):
            if cancel:
                self.send(offering.cancel, sender=issuer)
                return
            if after_end and chain.pending_timestamp < offering.end_time():
                chain.mine(timestamp=offering.end_time())
            self.send(offering.close, sender=issuer)

        @rule(who=PEOPLE, batch=st.booleans())
        def settle(self, who, batch):
            if batch:
                self.send(offering.settle_many, [a.address for a in people], sender=p.outsider)
            else:
                self.send(offering.settle, people[who], sender=p.outsider)

        # --- dividends ---

        @rule(amount=st.integers(min_value=1, max_value=10**10), record_in=st.sampled_from([60, DAY]))
        def declare(self, amount, record_in):
            now = chain.pending_timestamp
            self.send(dividends.declare, token, cash, amount, now + record_in, now + record_in + 60, now + 10 * DAY, [], sender=issuer)

        @precondition(lambda self: self.dividend_declared)
        @rule(data=st.data(), who=PEOPLE, recovered=st.booleans())
        def claim(self, data, who, recovered):
            dividend_id = data.draw(st.sampled_from(sorted(self.dividend_declared)))
            if recovered:
                lost = people[data.draw(PEOPLE)]
                self.send(dividends.claim_recovered, token, dividend_id, lost, sender=people[who])
            else:
                self.send(dividends.claim, token, dividend_id, sender=people[who])

        @precondition(lambda self: self.dividend_declared)
        @rule(data=st.data())
        def pay(self, data):
            dividend_id = data.draw(st.sampled_from(sorted(self.dividend_declared)))
            self.send(dividends.pay, token, dividend_id, [a.address for a in people], sender=agent)

        @precondition(lambda self: self.dividend_declared)
        @rule(data=st.data())
        def reclaim(self, data):
            dividend_id = data.draw(st.sampled_from(sorted(self.dividend_declared)))
            self.send(dividends.reclaim, token, dividend_id, sender=issuer)

        # --- the invariants, after every step ---

        @invariant()
        def books_balance(self):
            now = read_snapshot(url, p, holders, cash_holders, sorted(self.order_ids), sorted(self.dividend_declared))
            before, self.before = self.before, now

            assert now.supply == sum(now.balances.values())
            for holder in holders:
                assert now.held[holder] <= now.balances[holder], holder
                if now.balances[holder] > before.balances[holder]:
                    assert now.verified[holder], f"{holder} gained shares without a valid identity"

            open_orders = {i: o for i, o in now.orders.items() if o[0] != ZERO}
            assert now.cash[market.address] == sum(now.escrows[i] for i, o in open_orders.items() if o[1] == BUY)
            assert sum(now.held.values()) <= sum(o[3] for o in open_orders.values() if o[1] == SELL) * market.lot_size()
            bid, _, ask, _ = now.best
            assert bid == 0 or ask == 0 or bid < ask
            # Order ids are never reused, so an order that left the book is checked no more.
            self.order_ids = set(open_orders)

            assert now.cash_supply == first.cash_supply
            assert sum(now.cash.values()) == now.cash_supply

            for dividend_id, declared in self.dividend_declared.items():
                state = now.dividends[dividend_id]
                assert state[9] == self.dividend_paid[dividend_id]
                assert self.dividend_paid[dividend_id] + self.dividend_reclaimed[dividend_id] <= declared
            assert now.cash[dividends.address] == sum(
                self.dividend_declared[i] - self.dividend_paid[i] - self.dividend_reclaimed[i] for i in self.dividend_declared
            )

            assert now.cash[offering.address] == sum(
                now.subscriptions[h] // lot * price for h in holders if not now.settled[h]
            )

    return PlatformMachine


# How each call of the random steps ended ("place_order: done", "offering: ended"...), and trades.
OUTCOMES: Counter = Counter()


def test_platform_invariants(chain, platform, registrar, agent, issuer, capsys):
    OUTCOMES.clear()
    run_state_machine_as_test(build_machine(chain, platform, registrar, agent, issuer))
    done = sum(n for outcome, n in OUTCOMES.items() if outcome.endswith(": done"))
    refused = sum(n for outcome, n in OUTCOMES.items() if ": " in outcome) - done
    with capsys.disabled():
        print(f"\ninvariant fuzzing: {done} calls went through, {refused} were refused, {OUTCOMES['trades']} trades")
        if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz":
            for outcome, count in sorted(OUTCOMES.items()):
                print(f"  {count:6}  {outcome}")
