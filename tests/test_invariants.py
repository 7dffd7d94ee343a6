"""Invariant fuzzing: hypothesis drives random sequences of everything the platform's actors do
(registrar, agent, issuer, investors) and of what its attackers do (a stranger with an impostor
security, a cash token that calls back into the contract paying it, a griefer who leaves holes in
a price level, recoveries in any order) over the real contracts, issued through the factory
(tests/fixtures/proof.py, `arena`). After every step the books must balance exactly, to the unit:

* total shares == sum of balances; held <= balance for every account;
* every wallet's held shares are exactly the remainders of the open sell orders whose owner's
  recovery chain ends at that wallet: no order outlives its hold;
* no recovery chain loops;
* the order book's cash == the escrow of its open bids plus the cash it credited to wallets the cash
  token would not pay (`withdrawable`), to the unit; best bid < best ask; every price level's lots
  are the remainders of the open orders at that price;
* cash is conserved: the cash supply never changes and every unit is in a known account;
* no account without a valid identity gains shares, and no recovered wallet gains shares (its keys
  are lost: the recovery moved everything to the new wallet);
* no dividend pays out more than was declared for it (on any token, the impostor's included;
  a cancellation refunds it whole), the dividend contract's claimed totals are the sums of its
  payment events, and the dividend contract holds at least what every dividend still owes;
* no vote counts more weight than the supply at its record date, and its tally adds up to the
  weight cast;
* the offering holds exactly the cash of its unsettled subscriptions;
* a taker whose order stops short while the book still crosses its price met as many resting
  orders as its fill bound allowed: the bound was not spent on holes;
* a stranger's call on the factory changes no listing;
* at the end of each example, a fresh index of the chain (keiretsu/index) reconciles with it:
  keiretsu/index/reconcile.py finds no difference. The examples take turns on SQLite (a file in a
  temporary folder) and on the session's PostgreSQL server.

Each example starts from the same chain snapshot. HYPOTHESIS_PROFILE picks "ci" (bounded) or
"fuzz" (`make fuzz`), see tests/hypothesis_profiles.py. The test prints how often each call went
through or was refused, and how many trades the examples made.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from itertools import cycle

from ape.exceptions import VirtualMachineError
from eth_utils import to_checksum_address
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from keiretsu.index.reconcile import fresh_index_differences
from keiretsu.replay import decode_log, event_abis
from keiretsu.rpc_batch import View, read_views, rpc_batch
from tests.fixtures.dividends import DAY
from tests.fixtures.market import BUY, GTC, IOC, SELL
from tests.fixtures.proof import ZERO, provider_url, read_snapshot, revert_reason, roots_of
from tests.fixtures.registry import ONE_YEAR, SWITZERLAND, kyc_hash_for

TICKS = st.integers(min_value=96, max_value=104)
LOTS = st.integers(min_value=1, max_value=40)
ORDER_TYPES = st.integers(min_value=0, max_value=4)
PEOPLE = st.integers(min_value=0, max_value=9)
SHARES = st.integers(min_value=1, max_value=600)
CANCELLED_BY_OWNER = 100
MAX_RECOVERY_HOPS = 8
# Enough one-lot holes behind a live order to use up today's MAX_FILLS (32) loop turns.
HOLES = st.sampled_from([32, 40])
HOSTILE_ACTIONS = ["claim", "cancel", "place", "withdraw", "subscribe", "settle", "withdraw_credit"]


def build_machine(chain, arena, registrar, agent, issuer, postgresql_database: str | None = None):
    p = arena
    token, cash, market, offering, dividends, registry = p.token, p.cash, p.market, p.offering, p.dividends, p.registry
    factory, votes, impostor, hostile, stranger = p.factory, p.votes, p.impostor, p.hostile, p.outsider
    people = p.people
    url = provider_url(chain)
    # The database each example's fresh index goes into: None is a new SQLite file.
    index_databases = cycle([None, postgresql_database] if postgresql_database else [None])
    holders = [a.address for a in people] + [stranger.address, issuer.address, agent.address, hostile.address]
    cash_holders = holders + [market.address, offering.address, dividends.address, p.fee_recipient.address]
    lot, price, lot_size = offering.lot(), offering.price(), market.lot_size()
    first = read_snapshot(url, p, holders, cash_holders, [], [])
    # Everyone outside `cash_holders` holds nothing the steps could move.
    assert sum(first.cash.values()) == first.cash_supply

    class PlatformMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.snapshot_id = chain.snapshot()
            self.order_ids: set[int] = set()
            # (token, dividend id) -> declared, paid, reclaimed, from the events.
            self.declared: dict[tuple[str, int], int] = {}
            self.paid: Counter = Counter()
            self.reclaimed: Counter = Counter()
            # vote id -> record date id and time, of the votes opened on the real security.
            self.votes: dict[int, tuple[int, int]] = {}
            self.before = first
            self.armed = False
            self.fired = False
            self.griefs = 0
            self.last_reason = None

        def teardown(self):
            # Hypothesis tears down in a `finally`: an example that failed (or was abandoned) is
            # already reported and is not reconciled; one that ran to its end must leave a chain
            # that a fresh index of it agrees with, to the unit.
            try:
                problems = [] if sys.exc_info()[0] else fresh_index_differences(url, roots_of(p), p.start_block, next(index_databases))
            finally:
                chain.restore(self.snapshot_id)
            assert not problems, "a fresh index of the example's chain differs from it:\n" + "\n".join(problems)

        # --- helpers ---

        def send(self, method, *args, sender):
            """Sends a transaction; a refusal (revert) is a legal outcome of a random step."""
            reason = self.last_reason = revert_reason(url, sender, method, *args)
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
            self.fired = False
            if self.armed and hostile.callback_target() == ZERO:
                self.armed, self.fired = False, True
                OUTCOMES[f"cash callback: {['none', 'went through', 'reverted'][hostile.callback_outcome()]}"] += 1
            OUTCOMES["trades"] += len(market.Trade.from_receipt(receipt))
            for placed in market.OrderPlaced.from_receipt(receipt):
                self.order_ids.add(placed.order_id)
            for declared in dividends.DividendDeclared.from_receipt(receipt):
                self.declared[to_checksum_address(declared.token), declared.dividend_id] = declared.amount
            for paid in dividends.DividendPaid.from_receipt(receipt):
                self.paid[to_checksum_address(paid.token), paid.dividend_id] += paid.amount
            for reclaimed in dividends.DividendReclaimed.from_receipt(receipt):
                self.reclaimed[to_checksum_address(reclaimed.token), reclaimed.dividend_id] += reclaimed.amount
            for cancelled in dividends.DividendCancelled.from_receipt(receipt):
                self.reclaimed[to_checksum_address(cancelled.token), cancelled.dividend_id] += cancelled.amount
            for opened in votes.VoteOpened.from_receipt(receipt):
                if to_checksum_address(opened.token) == token.address:
                    self.votes[opened.vote_id] = opened.record_date_id, opened.record_timestamp

        def real_dividends(self):
            return sorted(i for t, i in self.declared if t == token.address)

        def chain_end(self, wallet: str) -> str:
            """The end of a wallet's recovery chain on the security (itself if never recovered)."""
            for _ in range(MAX_RECOVERY_HOPS):
                successor = token.recovered_to(wallet)
                if successor == ZERO:
                    break
                wallet = successor
            return wallet

        def account(self, address: str):
            return next((a for a in people if a.address == address), None)

        def order(self, who, side, tick, lots, order_type, expiry, max_fills, check=True):
            """Places an order; when it stops short, checks that it met as many orders as it could."""
            trader = stranger if who == -1 else people[who] if isinstance(who, int) else who
            receipt = self.send(market.place_order, side, tick, lots, order_type, expiry, max_fills, sender=trader)
            if receipt is not None and check:
                self.check_fill_bound(receipt, trader.address, side, tick, max_fills)
            return receipt

        def check_fill_bound(self, receipt, taker, side, limit, max_fills):
            unfilled = [e for e in market.TakerUnfilled.from_receipt(receipt) if e.taker == taker]
            if not unfilled or self.fired:
                return  # filled, rested, or the cash token's callback changed the book meanwhile
            bid, _, ask, _ = market.best_bid_ask()
            still_crosses = (side == BUY and ask != 0 and ask <= limit) or (side == SELL and bid != 0 and bid >= limit)
            if not still_crosses:
                return
            met = len([t for t in market.Trade.from_receipt(receipt) if t.taker == taker])
            met += len([c for c in market.OrderCancelled.from_receipt(receipt) if c.reason != CANCELLED_BY_OWNER])
            assert met >= max_fills, (
                f"a taker met {met} of the {max_fills} resting orders it allowed and stopped while the book still "
                f"crosses its price: the fill bound was spent on holes"
            )
            assert unfilled[0].fill_bound_reached, "the fill bound stopped matching, but fill_bound_reached is false"

        def raw_sends(self, sender, calls):
            """Sends many transactions in one JSON-RPC batch (the griefer's orders); returns their receipts."""
            [nonce] = rpc_batch(url, [("eth_getTransactionCount", [sender.address, "pending"])])
            hashes = rpc_batch(url, [
                ("eth_sendTransaction", [{
                    "from": sender.address, "to": market.address, "data": "0x" + bytes(data).hex(), "gas": hex(600_000),
                    "nonce": hex(int(nonce, 16) + n),
                }])
                for n, data in enumerate(calls)
            ])
            receipts = rpc_batch(url, [("eth_getTransactionReceipt", [h]) for h in hashes])
            while None in receipts:
                rpc_batch(url, [("evm_mine", [])])
                receipts = rpc_batch(url, [("eth_getTransactionReceipt", [h]) for h in hashes])
            return receipts

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

        @rule(who=st.integers(min_value=0, max_value=3), spare=st.integers(min_value=6, max_value=9), back=st.booleans())
        def recover_and_back(self, who, spare, back):
            """An investor gets a second wallet and is recovered to it (A -> B); perhaps later back (B -> A)."""
            self.send(registry.add_wallet, people[who], people[spare], sender=registrar)
            self.send(token.recoveryAddress, people[who], people[spare], sender=agent)
            if back:
                self.send(token.recoveryAddress, people[spare], people[who], sender=agent)

        @rule(source=PEOPLE, receiver=st.one_of(PEOPLE, st.just(-1)), amount=st.integers(min_value=1, max_value=1_200),
              release=st.booleans())
        def forced_transfer(self, source, receiver, amount, release):
            """The token refuses to take held shares: with `release`, the agent first cancels the
            holder's sells (`force_cancel`), as it must to take them."""
            to = stranger if receiver == -1 else people[receiver]
            if release:
                sells = [i for i in sorted(self.order_ids) if market.order(i)[:2] == (people[source].address, SELL)]
                if sells:
                    self.send(market.force_cancel, sells[:50], sender=agent)
            self.send(token.forcedTransfer, people[source], to, amount, sender=agent)

        # --- the order book ---

        def place_order(self, who, side, tick, lots, order_type, expiring, max_fills):
            expiry = chain.pending_timestamp + DAY if expiring else 0
            return self.order(who, side, tick, lots, order_type, expiry, max_fills)

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
                self.order(who, side, tick, lots, order_type, 0, 8)

        @precondition(lambda self: self.order_ids)
        @rule(data=st.data(), by_owner=st.booleans())
        def cancel(self, data, by_owner):
            order_id = data.draw(st.sampled_from(sorted(self.order_ids)))
            owner = market.order(order_id)[0]
            # The owner, or the wallet its shares were recovered to, which may cancel for it.
            sender = (self.account(self.chain_end(owner)) or people[0]) if by_owner else stranger
            self.send(market.cancel_order, order_id, sender=sender)

        @precondition(lambda self: self.order_ids)
        @rule(data=st.data(), by=st.sampled_from(["agent", "operator", "stranger", "issuer"]), halted=st.booleans())
        def force_cancel(self, data, by, halted):
            """The escape hatch: the agent or the operator cancels any orders, trading or halted (by
            the operator); the hold or escrow goes back to the end of the owner's recovery chain.
            Nobody else may; the cash token's refusal of a refund does not stop it."""
            ids = data.draw(st.lists(st.sampled_from(sorted(self.order_ids)), min_size=1, max_size=4, unique=True))
            sender = {"agent": agent, "operator": p.operator, "stranger": stranger, "issuer": issuer}[by]
            if halted:
                self.send(factory.halt, token, sender=p.operator)
            self.send(market.force_cancel, ids, sender=sender)
            if by in ("agent", "operator"):
                assert self.last_reason is None, f"the {by}'s force_cancel was refused: {self.last_reason}"
            else:
                assert self.last_reason == "market: not an operator or agent", self.last_reason
            if halted:
                self.send(factory.resume, token, sender=p.operator)

        @rule(who=st.one_of(PEOPLE, st.just(-1)))
        def withdraw_credit(self, who):
            """A wallet the cash token would not pay takes the cash the book credited to it."""
            self.send(market.withdraw, sender=stranger if who == -1 else people[who])

        @rule(who=PEOPLE, tick=TICKS)
        def halt_and_resume(self, who, tick):
            """A halt through the listing: the order placed and the one cancelled in between meet a halted market."""
            self.send(factory.halt, token, sender=issuer)
            self.place_order(who, BUY, tick, 1, 0, False, 8)
            if self.order_ids:
                order_id = min(self.order_ids)
                owner = market.order(order_id)[0]
                self.send(market.cancel_order, order_id, sender=next((a for a in people if a.address == owner), people[0]))
            self.send(factory.resume, token, sender=issuer)

        # --- the griefer ---

        @precondition(lambda self: self.griefs < 1)
        @rule(griefer=st.sampled_from([0, 1, 2, 3]), holes=HOLES, lots=LOTS, order_type=st.sampled_from([GTC, IOC]))
        def grief(self, griefer, holes, lots, order_type):
            """One live ask at the head of a level, `holes` one-lot asks of the griefer behind it, then
            an honest ask; the griefer cancels its asks and a buyer takes the whole level."""
            self.griefs += 1
            bid, _, ask, _ = market.best_bid_ask()
            tick = ask or 104
            if bid >= tick:
                return
            honest = people[(griefer + 1) % 4]
            if not self.order(honest, SELL, tick, 1, GTC, 0, 8):
                return
            receipts = self.raw_sends(people[griefer], [market.place_order.encode_input(SELL, tick, 1, GTC, 0, 1)] * holes)
            placed = []
            for receipt in receipts:
                for entry in receipt["logs"]:
                    decoded = decode_log(entry, event_abis())
                    if decoded and decoded[0] == "OrderPlaced":
                        placed.append(decoded[1]["order_id"])
            self.order_ids.update(placed)
            OUTCOMES[f"griefer placed {len(placed)} of {holes}"] += 1
            self.order(honest, SELL, tick, lots, GTC, 0, 8)
            for start in range(0, len(placed), 50):
                self.send(market.cancel_orders, placed[start:start + 50], sender=people[griefer])
            resting = sum(lots for t, lots in market.depth(SELL, 1) if t == tick)
            if resting:
                self.order(4, BUY, tick, resting, order_type, 0, 8)

        # --- the offering ---

        @rule(who=st.one_of(PEOPLE, st.just(-1)), shares=SHARES)
        def subscribe(self, who, shares):
            self.send(offering.subscribe, shares, sender=stranger if who == -1 else people[who])

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
                self.send(offering.settle_many, [a.address for a in people] + [hostile.address], sender=stranger)
            else:
                self.send(offering.settle, people[who], sender=stranger)

        # --- dividends ---

        @rule(amount=st.integers(min_value=1, max_value=10**10), record_in=st.sampled_from([60, DAY]))
        def declare(self, amount, record_in):
            now = chain.pending_timestamp
            self.send(dividends.declare, token, cash, amount, now + record_in, now + record_in + 60, now + 10 * DAY, [], sender=issuer)

        @precondition(lambda self: self.real_dividends())
        @rule(data=st.data(), who=PEOPLE, recovered=st.booleans())
        def claim(self, data, who, recovered):
            dividend_id = data.draw(st.sampled_from(self.real_dividends()))
            if recovered:
                lost = people[data.draw(PEOPLE)]
                self.send(dividends.claim_recovered, token, dividend_id, lost, sender=people[who])
            else:
                self.send(dividends.claim, token, dividend_id, sender=people[who])

        @precondition(lambda self: self.real_dividends())
        @rule(data=st.data())
        def pay(self, data):
            dividend_id = data.draw(st.sampled_from(self.real_dividends()))
            self.send(dividends.pay, token, dividend_id, [a.address for a in people] + [hostile.address], sender=agent)

        @precondition(lambda self: self.real_dividends())
        @rule(data=st.data())
        def reclaim(self, data):
            dividend_id = data.draw(st.sampled_from(self.real_dividends()))
            self.send(dividends.reclaim, token, dividend_id, sender=issuer)

        @precondition(lambda self: self.real_dividends())
        @rule(latest=st.booleans(), data=st.data())
        def cancel_dividend(self, latest, data):
            """The issuer cancels a dividend before its record date (only the latest date goes)."""
            ids = self.real_dividends()
            dividend_id = ids[-1] if latest else data.draw(st.sampled_from(ids))
            self.send(dividends.cancel, token, dividend_id, sender=issuer)

        # --- votes ---

        @rule(record_in=st.sampled_from([60, DAY]), cancel=st.sampled_from([False, False, True]))
        def open_vote(self, record_in, cancel):
            now = chain.pending_timestamp
            receipt = self.send(
                votes.open_vote, token, "Approve?", ["yes", "no", "abstain"], now + record_in, now + record_in + 3 * DAY, sender=issuer,
            )
            if receipt is not None and cancel:
                vote_id = max(self.votes)
                if self.send(votes.cancel_vote, token, vote_id, sender=issuer):
                    del self.votes[vote_id]

        @precondition(lambda self: self.votes)
        @rule(data=st.data(), who=PEOPLE, choice=st.integers(min_value=0, max_value=3), recovered=st.booleans())
        def vote(self, data, who, choice, recovered):
            """A holder votes (or changes its vote); a recovered wallet's shares are voted from the
            end of its recovery chain."""
            vote_id = data.draw(st.sampled_from(sorted(self.votes)))
            record_at = self.votes[vote_id][1]
            if chain.pending_timestamp <= record_at:
                chain.mine(timestamp=record_at + 1)
            if recovered:
                lost = people[who]
                voter = self.account(self.chain_end(lost.address)) or people[0]
                self.send(votes.vote_recovered, token, vote_id, lost, choice, sender=voter)
            else:
                self.send(votes.vote, token, vote_id, choice, sender=people[who])

        # --- the stranger ---

        @rule(route=st.sampled_from(["claim", "pay", "claim_recovered", "vote"]), fraction=st.sampled_from([1, 2]))
        def stranger_impersonates(self, route, fraction):
            """A stranger declares 1 unit on an impostor that says every wallet held as many shares as
            the dividend pool has cash (or half of it), out of a supply of 1, and asks to be paid."""
            impostor.set_balance(cash.balanceOf(dividends) // fraction, sender=stranger)
            now = chain.pending_timestamp
            if route == "vote":
                self.send(votes.open_vote, impostor, "Drain?", ["yes", "no"], now + 1, now + DAY, sender=stranger)
                chain.mine(timestamp=now + 2)
                self.send(votes.vote, impostor, votes.vote_count(impostor), 0, sender=stranger)
                return
            receipt = self.send(dividends.declare, impostor, cash, 1, now + 1, now + 1, now + 10 * DAY, [], sender=stranger)
            declared = dividends.DividendDeclared.from_receipt(receipt) if receipt else []
            dividend_id = declared[0].dividend_id if declared else 1
            chain.mine(timestamp=now + 2)
            if route == "claim":
                self.send(dividends.claim, impostor, dividend_id, sender=stranger)
            elif route == "pay":
                self.send(dividends.pay, impostor, dividend_id, [stranger.address], sender=stranger)
            else:
                impostor.set_recovered_to(people[0], stranger, sender=stranger)
                self.send(dividends.claim_recovered, impostor, dividend_id, people[0], sender=stranger)

        @rule(action=st.sampled_from(["halt", "resume", "delist", "create_offering"]), fake=st.booleans())
        def stranger_on_factory(self, action, fake):
            """The stranger halts, resumes, delists or opens an offering of the real security or the impostor."""
            target = impostor if fake else token
            before = (market.status(), factory.security_by_token(token).status)
            if action == "create_offering":
                now = chain.pending_timestamp
                self.send(factory.create_offering, target, (1, 1, 1, 10**9, 1, 10**9, now + 10, now + DAY), sender=stranger)
            else:
                self.send(getattr(factory, action), target, sender=stranger)
            assert (market.status(), factory.security_by_token(token).status) == before, f"a stranger's {action} changed the listing"

        # --- the hostile cash token ---

        @rule(action=st.sampled_from(HOSTILE_ACTIONS), now=st.booleans(), data=st.data())
        def cash_calls_back(self, action, now, data):
            """The cash token, a verified investor, arms a callback into the contract paying it: it runs
            inside the next cash transfer (a trade, a claim, a refund), or `now`."""
            if action == "claim":
                if not self.real_dividends():
                    return
                target, payload = dividends, dividends.claim.encode_input(token, data.draw(st.sampled_from(self.real_dividends())))
            elif action == "cancel":
                own = [i for i in sorted(self.order_ids) if market.order(i)[0] == hostile.address]
                if not own:
                    return
                target, payload = market, market.cancel_order.encode_input(data.draw(st.sampled_from(own)))
            elif action == "place":
                side, tick, lots = data.draw(st.sampled_from([BUY, SELL])), data.draw(TICKS), data.draw(LOTS)
                target, payload = market, market.place_order.encode_input(side, tick, lots, GTC, 0, 8)
            elif action == "settle":
                target, payload = offering, offering.settle.encode_input(hostile)
            elif action == "withdraw_credit":
                target, payload = market, market.withdraw.encode_input()
            else:
                target, payload = offering, getattr(offering, action).encode_input(data.draw(SHARES))
            hostile.arm(target, payload, sender=stranger)
            self.armed = True
            if now:
                self.send(cash.transfer, stranger, 0, sender=stranger)

        @rule(who=st.integers(min_value=0, max_value=3), side=st.sampled_from([BUY, SELL]))
        def cash_blocks(self, who, side):
            """The cash token blocks a trader for one take at the best price of the other side: a maker
            that cannot be paid must not make the (unblocked) taker's order fail."""
            hostile.set_blocked(people[who], True, sender=stranger)
            bid, _, ask, _ = market.best_bid_ask()
            tick = ask if side == BUY else bid
            if tick:
                # How the book passes over a maker it cannot pay is its own choice: no fill-bound check.
                self.order(4, side, tick, 5, IOC, 0, 8, check=False)
            hostile.set_blocked(people[who], False, sender=stranger)
            assert self.last_reason != "cash: wallet blocked", "a maker the cash token blocks made the taker's order revert"
            self.send(market.withdraw, sender=people[who])  # what the book credited it, if anything

        # --- the invariants, after every step ---

        @invariant()
        def books_balance(self):
            now = read_snapshot(url, p, holders, cash_holders, sorted(self.order_ids), sorted(self.declared))
            before, self.before = self.before, now

            assert now.supply == sum(now.balances.values())
            for holder in holders:
                assert now.held[holder] <= now.balances[holder], holder
                if now.balances[holder] > before.balances[holder]:
                    assert now.verified[holder], f"{holder} gained shares without a valid identity"
                    assert int(before.recovered_to[holder], 16) == 0, f"{holder}, a recovered wallet, gained shares"

            ends = {}
            for holder in holders:
                wallet, seen = holder, {holder}
                for _ in range(MAX_RECOVERY_HOPS + 1):
                    successor = to_checksum_address(now.recovered_to.get(wallet, ZERO))
                    if successor == ZERO:
                        break
                    assert successor not in seen, f"the recovery chain of {holder} loops"
                    seen.add(successor)
                    wallet = successor
                ends[holder] = wallet

            open_orders = {i: o for i, o in now.orders.items() if o[0] != ZERO}
            on_sells = Counter()
            for o in open_orders.values():
                if o[1] == SELL:
                    on_sells[ends.get(to_checksum_address(o[0]), o[0])] += o[3] * lot_size
            for holder in holders:
                assert now.held[holder] == on_sells[holder], (
                    f"{holder} holds {now.held[holder]} shares on orders, its open sells rest {on_sells[holder]}"
                )
            escrow = sum(now.escrows[i] for i, o in open_orders.items() if o[1] == BUY)
            credited = sum(now.withdrawable.values())
            assert now.cash[market.address] == escrow + credited, (
                f"the order book holds {now.cash[market.address]}, its bids escrow {escrow} and it credited {credited}"
            )
            bid, _, ask, _ = now.best
            assert bid == 0 or ask == 0 or bid < ask
            levels = Counter()
            for o in open_orders.values():
                levels[o[1], o[2]] += o[3]
            on_book = {(side, tick): lots for side in (BUY, SELL) for tick, lots in now.depth[side]}
            assert on_book == dict(levels), f"the price levels hold {on_book}, the open orders {dict(levels)}"
            # Order ids are never reused, so an order that left the book is checked no more.
            self.order_ids = set(open_orders)

            assert now.cash_supply == first.cash_supply
            assert sum(now.cash.values()) == now.cash_supply

            owed = 0
            for key, declared in self.declared.items():
                state = now.dividends[key]
                assert self.paid[key] + self.reclaimed[key] <= declared, (
                    f"dividend {key[1]} on {key[0]} paid out {self.paid[key] + self.reclaimed[key]} of {declared} declared"
                )
                assert state[9] == self.paid[key], f"dividend {key[1]} on {key[0]} says {state[9]} claimed, its events {self.paid[key]}"
                owed += declared - state[9] - self.reclaimed[key]
            assert now.cash[dividends.address] >= owed, (
                f"the dividend contract holds {now.cash[dividends.address]}, its dividends still owe {owed}"
            )

            assert now.cash[offering.address] == sum(
                now.subscriptions[h] // lot * price for h in holders if not now.settled[h]
            )

            reached = {}
            if self.votes:
                head = chain.blocks.head.timestamp
                reached = {i: d for i, (d, at) in self.votes.items() if at <= head}
            if reached:
                views = [View(votes.address, "tally(address,uint256)", (token.address, i), ("uint256[]",)) for i in reached]
                views += [View(token.address, "totalSupplyAt(uint256)", (d,)) for d in reached.values()]
                values = read_views(url, views)
                for (vote_id, record_date_id), tally, supply in zip(reached.items(), values, values[len(reached):]):
                    assert sum(tally) <= supply, f"vote {vote_id} counts {sum(tally)} votes, the supply at its record date is {supply}"

    return PlatformMachine


# How each call of the random steps ended ("place_order: done", "offering: ended"...), and trades.
OUTCOMES: Counter = Counter()


def test_platform_invariants(chain, arena, registrar, agent, issuer, postgresql_database, capsys):
    OUTCOMES.clear()
    run_state_machine_as_test(build_machine(chain, arena, registrar, agent, issuer, postgresql_database))
    done = sum(n for outcome, n in OUTCOMES.items() if outcome.endswith(": done"))
    refused = sum(n for outcome, n in OUTCOMES.items() if ": " in outcome) - done
    with capsys.disabled():
        print(f"\ninvariant fuzzing: {done} calls went through, {refused} were refused, {OUTCOMES['trades']} trades")
        if os.environ.get("HYPOTHESIS_PROFILE") in ("fuzz", "dev") or os.environ.get("FUZZ_OUTCOMES"):
            for outcome, count in sorted(OUTCOMES.items()):
                print(f"  {count:6}  {outcome}")
