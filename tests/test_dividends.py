"""Dividends: pro-rata to the unit at a record date, claimed or pushed once, reclaimed after expiry."""

import ape
import pytest
from eth_abi import encode
from eth_utils import keccak
from web3.exceptions import ContractLogicError as Web3ContractLogicError

from tests.fixtures.dividends import DAY, RECORDER_ROLE, to_time

MARKET_ROLE = keccak(text="MARKET_ROLE")
SKIP_ALREADY_PAID, SKIP_FROZEN, SKIP_EXCLUDED, SKIP_NOTHING_DUE = 1, 2, 3, 4


@pytest.fixture
def holders(security, agent, verified_investors, alice, bob, carol):
    """Alice 1, Bob 2, Carol 4 shares: a supply of 7, which no round amount divides."""
    security.batchMint([alice, bob, carol], [1, 2, 4], sender=agent)
    return security


def reach_payment(chain, dividends, token, dividend_id):
    to_time(chain, dividends.dividend(token, dividend_id).payment_date)


def reach_expiry(chain, dividends, token, dividend_id):
    to_time(chain, dividends.dividend(token, dividend_id).expiry)


def paid_amounts(receipt, dividends):
    return {log.holder: log.amount for log in dividends.DividendPaid.from_receipt(receipt)}


def skip_reasons(receipt, dividends):
    return {log.holder: log.reason for log in dividends.DividendPaymentSkipped.from_receipt(receipt)}


def assert_conserved(dividends, cash, token, dividend_id, paid_out: int, reclaimed: int):
    """What holders received plus what the issuer took back is exactly the amount declared."""
    state = dividends.dividend(token, dividend_id)
    assert state.claimed == paid_out
    assert paid_out + reclaimed == state.amount


def test_pro_rata_to_the_unit(holders, dividends, declare, cash, chain, issuer, alice, bob, carol):
    issuer_before = cash.balanceOf(issuer)
    dividend_id = declare(1_000_000)
    assert dividend_id == 1 and cash.balanceOf(dividends) == 1_000_000
    assert cash.balanceOf(issuer) == issuer_before - 1_000_000
    reach_payment(chain, dividends, holders, dividend_id)
    expected = {alice: 142_857, bob: 285_714, carol: 571_428}  # floor(n * 1e6 / 7)
    for holder, amount in expected.items():
        assert dividends.entitlement(holders, dividend_id, holder) == amount
        receipt = dividends.claim(holders, dividend_id, sender=holder)
        assert receipt.return_value == amount and cash.balanceOf(holder) == amount
        assert dividends.claimed(holders, dividend_id, holder)
    reach_expiry(chain, dividends, holders, dividend_id)
    receipt = dividends.reclaim(holders, dividend_id, sender=issuer)
    assert receipt.return_value == 1  # the rounding dust
    assert cash.balanceOf(dividends) == 0 and cash.balanceOf(issuer) == issuer_before - 999_999
    assert_conserved(dividends, cash, holders, dividend_id, 999_999, 1)


def test_prime_supply_and_large_amount(security, dividends, declare, cash, chain, agent, issuer, verified_investors, alice, bob):
    security.batchMint([alice, bob], [333_331, 666_652], sender=agent)  # 999,983 is prime
    amount = 9_999_999_999_989
    dividend_id = declare(amount)
    reach_payment(chain, dividends, security, dividend_id)
    paid = 0
    for holder, shares in ((alice, 333_331), (bob, 666_652)):
        due = shares * amount // 999_983
        assert dividends.claim(security, dividend_id, sender=holder).return_value == due
        paid += due
    reach_expiry(chain, dividends, security, dividend_id)
    reclaimed = dividends.reclaim(security, dividend_id, sender=issuer).return_value
    assert reclaimed == amount - paid and cash.balanceOf(dividends) == 0
    assert_conserved(dividends, cash, security, dividend_id, paid, reclaimed)


def test_transfers_around_the_record_date(holders, dividends, declare, cash, chain, agent, issuer, alice, bob, carol):
    dividend_id = declare(700)
    holders.transfer(bob, 2, sender=carol)  # before the record date: counts (alice 1, bob 4, carol 2)
    to_time(chain, chain.pending_timestamp + DAY)
    holders.transfer(alice, 4, sender=bob)  # after: does not
    holders.mint(carol, 1000, sender=agent)  # nor does a new issue
    reach_payment(chain, dividends, holders, dividend_id)
    assert [dividends.claim(holders, dividend_id, sender=w).return_value for w in (alice, bob, carol)] == [100, 400, 200]
    with ape.reverts("dividends: already paid"):
        dividends.claim(holders, dividend_id, sender=alice)
    reach_expiry(chain, dividends, holders, dividend_id)
    assert dividends.reclaim(holders, dividend_id, sender=issuer).return_value == 0
    assert_conserved(dividends, cash, holders, dividend_id, 700, 0)


def test_shares_on_order_count_for_their_owner(holders, dividends, declare, chain, operator, accounts, alice, bob):
    market = accounts[12]
    holders.grantRole(MARKET_ROLE, market, sender=operator)
    holders.place_hold(alice, 1, sender=market)  # alice's one share is on a sell order
    dividend_id = declare(7_000)
    to_time(chain, chain.pending_timestamp + DAY)
    holders.settle_hold(alice, bob, 1, sender=market)  # the order fills after the record date
    reach_payment(chain, dividends, holders, dividend_id)
    assert dividends.claim(holders, dividend_id, sender=alice).return_value == 1_000
    assert dividends.claim(holders, dividend_id, sender=bob).return_value == 2_000


def test_excluded_wallets_share_nothing(holders, dividends, declare, cash, chain, agent, issuer, investors, alice, bob, carol):
    treasury, platform = investors[3], investors[4]
    holders.batchMint([treasury, platform], [10, 3], sender=agent)
    dividend_id = declare(7_777, excluded=[treasury, platform])
    state = dividends.dividend(holders, dividend_id)
    assert list(state.excluded) == [treasury.address, platform.address] and not state.settled
    reach_payment(chain, dividends, holders, dividend_id)
    assert dividends.entitlement(holders, dividend_id, treasury) == 0
    with ape.reverts("dividends: wallet excluded"):
        dividends.claim(holders, dividend_id, sender=treasury)
    receipt = dividends.pay(holders, dividend_id, [treasury, alice, bob, carol], sender=agent)
    assert skip_reasons(receipt, dividends) == {treasury.address: SKIP_EXCLUDED}
    assert paid_amounts(receipt, dividends) == {alice.address: 1_111, bob.address: 2_222, carol.address: 4_444}
    state = dividends.dividend(holders, dividend_id)
    assert state.settled and state.eligible_supply == 7 and state.claimed == 7_777
    assert_conserved(dividends, cash, holders, dividend_id, 7_777, 0)


def test_everything_excluded_leaves_all_to_reclaim(holders, dividends, declare, cash, chain, issuer, alice, bob, carol):
    dividend_id = declare(500, excluded=[alice, bob, carol])
    reach_payment(chain, dividends, holders, dividend_id)
    assert dividends.settle(holders, dividend_id, sender=alice).return_value == 0
    with ape.reverts("dividends: wallet excluded"):
        dividends.claim(holders, dividend_id, sender=alice)
    reach_expiry(chain, dividends, holders, dividend_id)
    assert dividends.reclaim(holders, dividend_id, sender=issuer).return_value == 500
    assert_conserved(dividends, cash, holders, dividend_id, 0, 500)


def test_frozen_holder_keeps_the_entitlement(holders, dividends, declare, cash, chain, agent, issuer, alice, bob, carol):
    dividend_id = declare(7_000)
    reach_payment(chain, dividends, holders, dividend_id)
    holders.setAddressFrozen(bob, True, sender=agent)
    with ape.reverts("dividends: holder frozen"):
        dividends.claim(holders, dividend_id, sender=bob)
    receipt = dividends.pay(holders, dividend_id, [alice, bob], sender=agent)
    assert skip_reasons(receipt, dividends) == {bob.address: SKIP_FROZEN}
    assert paid_amounts(receipt, dividends) == {alice.address: 1_000}
    assert dividends.entitlement(holders, dividend_id, bob) == 2_000 and not dividends.claimed(holders, dividend_id, bob)
    holders.setAddressFrozen(bob, False, sender=agent)
    assert dividends.claim(holders, dividend_id, sender=bob).return_value == 2_000
    reach_expiry(chain, dividends, holders, dividend_id)
    assert dividends.reclaim(holders, dividend_id, sender=issuer).return_value == 4_000  # carol never claimed
    assert_conserved(dividends, cash, holders, dividend_id, 3_000, 4_000)


def test_recovered_wallet_claims_for_the_lost_one(holders, dividends, declare, cash, chain, agent, registry, registrar, accounts, alice, bob):
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    dividend_id = declare(7_000)
    reach_payment(chain, dividends, holders, dividend_id)
    holders.recoveryAddress(alice, new_wallet, sender=agent)
    with ape.reverts("dividends: wallet recovered"):
        dividends.claim(holders, dividend_id, sender=alice)
    with ape.reverts("dividends: nothing due"):
        dividends.claim(holders, dividend_id, sender=new_wallet)  # it held nothing at the record date
    with ape.reverts("dividends: not the recovered wallet"):
        dividends.claim_recovered(holders, dividend_id, alice, sender=bob)
    with ape.reverts("dividends: wallet not recovered"):
        dividends.claim_recovered(holders, dividend_id, bob, sender=bob)
    receipt = dividends.claim_recovered(holders, dividend_id, alice, sender=new_wallet)
    assert receipt.return_value == 1_000 and cash.balanceOf(new_wallet) == 1_000
    assert dividends.claimed(holders, dividend_id, alice)
    with ape.reverts("dividends: already paid"):
        dividends.claim_recovered(holders, dividend_id, alice, sender=new_wallet)


def test_frozen_recovered_wallet_waits(holders, dividends, declare, chain, agent, registry, registrar, accounts, alice):
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    dividend_id = declare(7_000)
    reach_payment(chain, dividends, holders, dividend_id)
    holders.setAddressFrozen(alice, True, sender=agent)
    holders.recoveryAddress(alice, new_wallet, sender=agent)  # the freeze moves with the shares
    with ape.reverts("dividends: holder frozen"):
        dividends.claim_recovered(holders, dividend_id, alice, sender=new_wallet)
    receipt = dividends.pay(holders, dividend_id, [alice], sender=agent)
    assert skip_reasons(receipt, dividends) == {alice.address: SKIP_FROZEN}


def test_push_pays_a_recovered_wallets_dividend_to_its_new_wallet(holders, dividends, declare, cash, chain, agent, registry, registrar, accounts, alice):
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    dividend_id = declare(7_000)
    reach_payment(chain, dividends, holders, dividend_id)
    holders.recoveryAddress(alice, new_wallet, sender=agent)
    receipt = dividends.pay(holders, dividend_id, [alice], sender=agent)
    [log] = dividends.DividendPaid.from_receipt(receipt)
    assert (log.holder, log.receiver, log.amount, log.pushed) == (alice.address, new_wallet.address, 1_000, True)
    assert cash.balanceOf(new_wallet) == 1_000 and cash.balanceOf(alice) == 0


def test_push_and_pull_pay_each_holder_once(holders, dividends, declare, cash, chain, agent, issuer, outsider, alice, bob, carol):
    dividend_id = declare(7_000_001)
    reach_payment(chain, dividends, holders, dividend_id)
    assert dividends.claim(holders, dividend_id, sender=bob).return_value == 2_000_000
    with ape.reverts("dividends: caller is not the agent"):
        dividends.pay(holders, dividend_id, [alice], sender=issuer)
    receipt = dividends.pay(holders, dividend_id, [alice, bob, outsider, carol, alice], sender=agent)
    assert paid_amounts(receipt, dividends) == {alice.address: 1_000_000, carol.address: 4_000_000}
    assert receipt.return_value == 5_000_000
    skipped = [(log.holder, log.reason) for log in dividends.DividendPaymentSkipped.from_receipt(receipt)]
    assert skipped == [(bob.address, SKIP_ALREADY_PAID), (outsider.address, SKIP_NOTHING_DUE), (alice.address, SKIP_ALREADY_PAID)]
    with ape.reverts("dividends: already paid"):
        dividends.claim(holders, dividend_id, sender=carol)
    with ape.reverts("dividends: nothing due"):
        dividends.claim(holders, dividend_id, sender=outsider)
    assert [cash.balanceOf(w) for w in (alice, bob, carol)] == [1_000_000, 2_000_000, 4_000_000]
    reach_expiry(chain, dividends, holders, dividend_id)
    with ape.reverts("dividends: expired"):
        dividends.pay(holders, dividend_id, [alice], sender=agent)
    assert dividends.reclaim(holders, dividend_id, sender=issuer).return_value == 1
    assert_conserved(dividends, cash, holders, dividend_id, 7_000_000, 1)


def test_expiry_and_reclaim(holders, dividends, declare, cash, chain, agent, issuer, alice, bob):
    dividend_id = declare(7_000)
    with ape.reverts("dividends: payment date not reached"):
        dividends.claim(holders, dividend_id, sender=alice)
    reach_payment(chain, dividends, holders, dividend_id)
    dividends.claim(holders, dividend_id, sender=alice)
    with ape.reverts("dividends: not expired"):
        dividends.reclaim(holders, dividend_id, sender=issuer)
    reach_expiry(chain, dividends, holders, dividend_id)
    with ape.reverts("dividends: expired"):
        dividends.claim(holders, dividend_id, sender=bob)
    for intruder in (agent, alice):
        with ape.reverts("dividends: caller is not the issuer"):
            dividends.reclaim(holders, dividend_id, sender=intruder)
    receipt = dividends.reclaim(holders, dividend_id, sender=issuer)
    assert receipt.return_value == 6_000
    [log] = dividends.DividendReclaimed.from_receipt(receipt)
    assert (log.receiver, log.amount) == (issuer.address, 6_000)
    assert dividends.dividend(holders, dividend_id).reclaimed
    with ape.reverts("dividends: already reclaimed"):
        dividends.reclaim(holders, dividend_id, sender=issuer)
    assert cash.balanceOf(dividends) == 0
    assert_conserved(dividends, cash, holders, dividend_id, 1_000, 6_000)


def test_two_overlapping_dividends(holders, dividends, declare, cash, chain, agent, issuer, alice, bob, carol):
    first = declare(7_000, record_in=DAY, pay_in=3 * DAY, expire_in=20 * DAY)
    second = declare(1_000, record_in=2 * DAY, pay_in=3 * DAY, expire_in=10 * DAY)
    shared_time = dividends.dividend(holders, second).record_timestamp
    same_date = declare(70, record_at=shared_time, pay_in=4 * DAY, expire_in=10 * DAY)
    assert (first, second, same_date) == (1, 2, 3)
    assert dividends.dividend_count(holders) == 3
    records = [dividends.dividend(holders, i).record_date_id for i in (1, 2, 3)]
    assert records == [1, 2, 2]  # the third declared on the second's timestamp shares its record date
    to_time(chain, chain.pending_timestamp + DAY)
    holders.transfer(alice, 4, sender=carol)  # between the two record dates: alice 5, bob 2, carol 0
    reach_payment(chain, dividends, holders, second)
    assert dividends.claim(holders, first, sender=alice).return_value == 1_000
    assert dividends.claim(holders, second, sender=alice).return_value == 714
    receipt = dividends.pay(holders, second, [bob, carol], sender=agent)
    assert paid_amounts(receipt, dividends) == {bob.address: 285}
    assert skip_reasons(receipt, dividends) == {carol.address: SKIP_NOTHING_DUE}
    assert dividends.claim(holders, first, sender=carol).return_value == 4_000
    to_time(chain, chain.pending_timestamp + 4 * DAY)
    assert dividends.claim(holders, same_date, sender=alice).return_value == 50
    reach_expiry(chain, dividends, holders, same_date)  # declared last of the two, so expires last
    assert dividends.reclaim(holders, second, sender=issuer).return_value == 1
    assert dividends.reclaim(holders, same_date, sender=issuer).return_value == 20
    with ape.reverts("dividends: not expired"):
        dividends.reclaim(holders, first, sender=issuer)
    reach_expiry(chain, dividends, holders, first)
    assert dividends.reclaim(holders, first, sender=issuer).return_value == 2_000
    assert cash.balanceOf(dividends) == 0
    assert_conserved(dividends, cash, holders, first, 5_000, 2_000)
    assert_conserved(dividends, cash, holders, second, 999, 1)
    assert_conserved(dividends, cash, holders, same_date, 50, 20)


def test_views(holders, dividends, declare, cash, chain, alice):
    now = chain.pending_timestamp
    dividend_id = declare(7_000, excluded=[])
    state = dividends.dividend(holders, dividend_id)
    assert state.cash == cash.address and state.amount == 7_000 and state.record_date_id == 1
    assert state.record_timestamp == holders.record_date(1)
    assert state.payment_date - state.record_timestamp == DAY and state.expiry > state.payment_date
    assert state.record_timestamp >= now + DAY - 1
    assert list(state.excluded) == [] and not state.settled and state.claimed == 0 and not state.reclaimed
    assert dividends.entitlement(holders, dividend_id, alice) == 0  # before the record date
    assert dividends.cash_tokens(0) == cash.address and dividends.PLATFORM_CASH() == cash.address
    assert dividends.cash_token_count() == 0
    with ape.reverts("dividends: unknown dividend"):
        dividends.dividend(holders, 2)
    with ape.reverts("dividends: unknown dividend"):
        dividends.claim(holders, 2, sender=alice)


def test_settle(holders, dividends, declare, chain, outsider, alice):
    dividend_id = declare(7_000)
    with ape.reverts("dividends: record date not reached"):
        dividends.settle(holders, dividend_id, sender=outsider)
    to_time(chain, dividends.dividend(holders, dividend_id).record_timestamp)
    receipt = dividends.settle(holders, dividend_id, sender=outsider)
    assert receipt.return_value == 7
    [log] = dividends.DividendSettled.from_receipt(receipt)
    assert log.eligible_supply == 7
    with ape.reverts("dividends: already settled"):
        dividends.settle(holders, dividend_id, sender=outsider)


def test_deployment_needs_a_cash_contract(project, chain, operator, alice):
    # Simulated with eth_call: Ape's deploy path fails to decode a constructor's revert data.
    creation = project.Dividends.contract_type.deployment_bytecode.bytecode + encode(["address"], [alice.address]).hex()
    with pytest.raises(Web3ContractLogicError, match="dividends: cash is not a contract"):
        chain.provider.web3.eth.call({"from": operator.address, "data": creation})


def test_declaration_rules(holders, dividends, declare, cash, chain, agent, operator, alice):
    for intruder in (agent, operator, alice):
        with ape.reverts("dividends: caller is not the issuer"):
            declare(100, sender=intruder)
    with ape.reverts("dividends: zero amount"):
        declare(0)
    with ape.reverts("dividends: amount too large"):
        declare(2**128)
    with ape.reverts("dividends: payment before record date"):
        declare(100, record_in=DAY, pay_in=DAY - 1)
    with ape.reverts("dividends: expiry not after payment"):
        declare(100, pay_in=2 * DAY, expire_in=2 * DAY)
    with ape.reverts("dividends: expiry too far"):
        declare(100, expire_in=2**40)
    with ape.reverts("dividends: zero excluded wallet"):
        declare(100, excluded=["0x0000000000000000000000000000000000000000"])
    with ape.reverts("dividends: duplicate excluded wallet"):
        declare(100, excluded=[alice, alice])
    with ape.reverts("token: record date not in the future"):
        declare(100, record_in=-1)
    with ape.reverts("dividends: cash token not listed"):
        declare(100, cash_token=alice)
    assert dividends.dividend_count(holders) == 0 and cash.balanceOf(dividends) == 0


def test_declaration_needs_a_listed_security(token, dividends, cash, fund, chain, operator, issuer):
    """A genuine token clone that the factory did not issue gets no dividend, even with the
    RECORDER_ROLE: the factory's listing is the only proof that a token is the platform's."""
    fund(issuer, 100)
    cash.approve(dividends, 100, sender=issuer)
    token.grantRole(RECORDER_ROLE, dividends, sender=operator)
    now = chain.pending_timestamp
    with ape.reverts("dividends: token not listed"):
        dividends.declare(token, cash, 100, now + DAY, now + 2 * DAY, now + 3 * DAY, [], sender=issuer)
    assert not dividends.listed(token)


def test_declaration_pulls_exactly_the_amount(holders, dividends, declare, cash, issuer):
    cash.approve(dividends, 99, sender=issuer)
    with ape.reverts("erc20: insufficient allowance"):
        declare(100)  # the cash token refuses: nothing is declared
    assert dividends.dividend_count(holders) == 0


def test_cash_tokens_without_a_return_value_or_with_a_fee(holders, dividends, declare, project, chain, operator, issuer, alice):
    odd = project.OddCashToken.deploy(sender=operator)
    odd.mint(issuer, 10_000, sender=issuer)
    odd.approve(dividends, 10_000, sender=issuer)
    dividends.list_cash_token(odd, sender=operator)
    dividend_id = declare(7_000, cash_token=odd)
    assert odd.balanceOf(dividends) == 7_000 and dividends.cash_tokens(1) == odd.address
    assert dividends.cash_token_count() == 1 and dividends.dividend(holders, dividend_id).cash == odd.address
    odd.set_fee(100, sender=issuer)
    with ape.reverts("dividends: cash token took a fee"):
        declare(1_000, cash_token=odd)
    odd.set_fee(0, sender=issuer)
    reach_payment(chain, dividends, holders, dividend_id)
    assert dividends.claim(holders, dividend_id, sender=alice).return_value == 1_000
    assert odd.balanceOf(alice) == 1_000


# Finding 1 (issue 12): a fake token must not reach the pool that every dividend shares.


def attack_with_fake_token(dividends, fake, cash, chain, attacker):
    """The attack of finding 1: declare 1 unit on a fake token, then claim the whole pool."""
    fake.set_position(cash.balanceOf(dividends) + 1, sender=attacker)
    cash.approve(dividends, 1, sender=attacker)
    now = chain.pending_timestamp
    dividends.declare(fake, cash, 1, now + 10, now + 10, now + DAY, [], sender=attacker)
    to_time(chain, now + 10)
    dividends.claim(fake, 1, sender=attacker)


def test_finding_1_fake_token_cannot_declare(holders, dividends, declare, project, cash, fund, chain, outsider):
    declare(7_000)
    fake = project.FakeRecordDateToken.deploy(sender=outsider)
    fund(outsider, 1)
    with ape.reverts("dividends: token not listed"):
        attack_with_fake_token(dividends, fake, cash, chain, outsider)
    assert cash.balanceOf(dividends) == 7_000 and dividends.dividend_count(fake) == 0


def test_finding_1_fake_token_cannot_drain_other_dividends(holders, dividends, declare, project, cash, chain, outsider, alice):
    """Without a dividend of its own a fake token reaches no payment path, whatever it answers."""
    dividend_id = declare(7_000)
    reach_payment(chain, dividends, holders, dividend_id)
    fake = project.FakeRecordDateToken.deploy(sender=outsider)
    for dividend in (0, 1, dividend_id):
        with ape.reverts("dividends: unknown dividend"):
            dividends.claim(fake, dividend, sender=outsider)
        with ape.reverts("dividends: unknown dividend"):
            dividends.claim_recovered(fake, dividend, alice, sender=outsider)
        with ape.reverts("dividends: unknown dividend"):
            dividends.pay(fake, dividend, [outsider], sender=outsider)
        with ape.reverts("dividends: unknown dividend"):
            dividends.reclaim(fake, dividend, sender=outsider)
        with ape.reverts("dividends: unknown dividend"):
            dividends.cancel(fake, dividend, sender=outsider)
    assert cash.balanceOf(dividends) == 7_000


def test_finding_1_only_the_factory_lists_and_only_once_named(security, dividends, votes, factory, operator, outsider, issuer):
    assert dividends.listed(security) and votes.listed(security)
    assert dividends.factory() == votes.factory() == factory.address
    for contract, prefix in ((dividends, "dividends"), (votes, "votes")):
        with ape.reverts(f"{prefix}: caller is not the factory"):
            contract.list_security(outsider, sender=outsider)
        with ape.reverts(f"{prefix}: caller is not the factory"):
            contract.list_security(outsider, sender=issuer)
        with ape.reverts(f"{prefix}: caller is not the admin"):
            contract.set_factory(outsider, sender=outsider)
        with ape.reverts(f"{prefix}: factory already set"):
            contract.set_factory(outsider, sender=operator)


def test_finding_1_unlisted_cash_token_is_refused(holders, dividends, declare, project, chain, operator, issuer, alice):
    own_cash = project.OddCashToken.deploy(sender=issuer)
    own_cash.mint(issuer, 7_000, sender=issuer)
    own_cash.approve(dividends, 7_000, sender=issuer)
    with ape.reverts("dividends: cash token not listed"):
        declare(7_000, cash_token=own_cash)
    for intruder in (issuer, alice):
        with ape.reverts("dividends: caller is not the admin"):
            dividends.list_cash_token(own_cash, sender=intruder)
    with ape.reverts("dividends: cash is not a contract"):
        dividends.list_cash_token(alice, sender=operator)
    receipt = dividends.list_cash_token(own_cash, sender=operator)
    assert receipt.return_value == 1 and dividends.cash_tokens(1) == own_cash.address
    [log] = dividends.CashTokenListed.from_receipt(receipt)
    assert (log.cash, log.index) == (own_cash.address, 1)
    assert dividends.list_cash_token(own_cash, sender=operator).return_value == 1  # listed once
    assert dividends.cash_token_count() == 1
    assert declare(7_000, cash_token=own_cash) == 1


def test_finding_1_payout_is_bounded_by_the_dividend(project, cash, fund, chain, operator, outsider, agent):
    """Even a listed token that lies cannot be paid more than its own dividend: a platform whose
    factory role the operator holds lists a fake token beside a dividend of 7,000."""
    dividends = project.Dividends.deploy(cash, sender=operator)
    dividends.set_factory(operator, sender=operator)
    victim, fake = (project.FakeRecordDateToken.deploy(sender=outsider) for _ in range(2))
    for token in (victim, fake):
        dividends.list_security(token, sender=operator)
    fund(operator, 7_000)
    cash.approve(dividends, 7_000, sender=operator)
    now = chain.pending_timestamp
    dividends.declare(victim, cash, 7_000, now + 10, now + 10, now + DAY, [], sender=operator)
    fund(outsider, 1)
    with ape.reverts("dividends: payout above the dividend"):
        attack_with_fake_token(dividends, fake, cash, chain, outsider)
    with ape.reverts("dividends: payout above the dividend"):
        dividends.pay(fake, 1, [outsider], sender=outsider)
    assert cash.balanceOf(dividends) == 7_001


# Finding 9 (issue 12): a cash token that calls back finds every paying entry locked.


@pytest.fixture
def hostile(project, dividends, operator, issuer, holders, registry, register, agent):
    """HostileCash listed as a dividend cash token; the token contract itself holds 7 shares (a
    registered wallet), so that a claim it makes from its callback would pay."""
    hostile = project.HostileCash.deploy(sender=operator)
    dividends.list_cash_token(hostile, sender=operator)
    hostile.mint(issuer, 10**9, sender=issuer)
    hostile.approve(dividends, 2**256 - 1, sender=issuer)
    register(hostile.address)
    holders.mint(hostile, 7, sender=agent)
    return hostile


def assert_reentry_refused(hostile):
    """The callback's call reverted (the lock's revert carries no reason); each test then makes
    the same call outside a payment and sees it go through."""
    assert hostile.callback_outcome() == 2


def call_back_outside_a_payment(hostile, dividends, payload, sender):
    """Makes the hostile token send `payload` to the dividend contract from a transfer of its own
    (a contract cannot sign a transaction)."""
    hostile.arm(dividends, payload, sender=sender)
    hostile.transfer(sender, 0, sender=sender)
    assert hostile.callback_outcome() == 1


def test_finding_9_hostile_cash_cannot_reenter_claim(hostile, holders, dividends, declare, chain, agent, issuer, alice, bob, carol):
    dividend_id = declare(14_000, cash_token=hostile)  # supply 14: 1,000 a share
    reach_payment(chain, dividends, holders, dividend_id)
    hostile.arm(dividends, dividends.claim.encode_input(holders, dividend_id), sender=alice)
    receipt = dividends.pay(holders, dividend_id, [alice, bob], sender=agent)
    assert_reentry_refused(hostile)
    assert receipt.return_value == 3_000 and not dividends.claimed(holders, dividend_id, hostile)
    # Outside a payment the same claim goes through, and every unit stays accounted for.
    call_back_outside_a_payment(hostile, dividends, dividends.claim.encode_input(holders, dividend_id), carol)
    assert dividends.claimed(holders, dividend_id, hostile) and hostile.balanceOf(hostile) == 7_000
    assert dividends.claim(holders, dividend_id, sender=carol).return_value == 4_000
    reach_expiry(chain, dividends, holders, dividend_id)
    assert dividends.reclaim(holders, dividend_id, sender=issuer).return_value == 0
    assert dividends.dividend(holders, dividend_id).claimed == 14_000 and hostile.balanceOf(dividends) == 0


def test_finding_9_hostile_cash_cannot_reenter_reclaim(hostile, holders, dividends, declare, chain, operator, issuer):
    first = declare(14_000, cash_token=hostile, expire_in=10 * DAY)
    second = declare(14_000, cash_token=hostile, expire_in=10 * DAY)
    holders.grantRole(keccak(text="ISSUER_ROLE"), hostile, sender=operator)
    # The later expiry: the second was declared a moment (real time, unbounded under load) after the first.
    reach_expiry(chain, dividends, holders, second)
    hostile.arm(dividends, dividends.reclaim.encode_input(holders, second), sender=issuer)
    assert dividends.reclaim(holders, first, sender=issuer).return_value == 14_000
    assert_reentry_refused(hostile)
    assert not dividends.dividend(holders, second).reclaimed and hostile.balanceOf(dividends) == 14_000
    call_back_outside_a_payment(hostile, dividends, dividends.reclaim.encode_input(holders, second), issuer)
    assert dividends.dividend(holders, second).reclaimed and hostile.balanceOf(hostile) == 14_000


# Finding 11 (issue 12): a dividend declared on a wrong date can be cancelled with its record date.


def test_finding_11_cancel_a_dividend_before_its_record_date(holders, dividends, declare, cash, chain, agent, issuer, alice):
    issuer_before = cash.balanceOf(issuer)
    keep = declare(1_000, record_in=DAY)
    mistyped = declare(7_000, record_in=300 * DAY, pay_in=300 * DAY, expire_in=330 * DAY)
    assert holders.record_date_count() == 2
    for intruder in (agent, alice):
        with ape.reverts("dividends: caller is not the issuer"):
            dividends.cancel(holders, mistyped, sender=intruder)
    with ape.reverts("token: not the latest pending date"):
        dividends.cancel(holders, keep, sender=issuer)  # a later date is still pending
    receipt = dividends.cancel(holders, mistyped, sender=issuer)
    assert receipt.return_value == 7_000
    [log] = dividends.DividendCancelled.from_receipt(receipt)
    assert (log.token, log.dividend_id, log.receiver, log.amount) == (holders.address, mistyped, issuer.address, 7_000)
    assert cash.balanceOf(issuer) == issuer_before - 1_000 and cash.balanceOf(dividends) == 1_000
    assert holders.record_date_count() == 1 and holders.record_date(2) == 0
    with ape.reverts("dividends: dividend cancelled"):
        dividends.cancel(holders, mistyped, sender=issuer)
    state = dividends.dividend(holders, mistyped)  # still readable: nothing to pay, nothing to reclaim
    assert (state.amount, state.settled, state.claimed, state.reclaimed) == (0, True, 0, True)
    # The next dividend takes a new id and the freed record date id.
    again = declare(7_000, record_in=2 * DAY, pay_in=3 * DAY)
    assert again == 3 and dividends.dividend(holders, again).record_date_id == 2
    to_time(chain, holders.record_date(1))
    with ape.reverts("dividends: record date reached"):
        dividends.cancel(holders, keep, sender=issuer)


def test_finding_11_a_shared_record_date_goes_with_its_last_user(holders, dividends, votes, declare, chain, issuer):
    first = declare(1_000)
    shared = dividends.dividend(holders, first).record_timestamp
    second = declare(2_000, record_at=shared)
    now = chain.pending_timestamp
    vote_id = votes.open_vote(holders, "Approve?", ["yes", "no"], shared, now + 7 * DAY, sender=issuer).return_value
    assert holders.record_date_count() == 1
    dividends.cancel(holders, first, sender=issuer)
    votes.cancel_vote(holders, vote_id, sender=issuer)
    assert holders.record_date(1) == shared  # the second dividend still needs it
    dividends.cancel(holders, second, sender=issuer)
    assert holders.record_date_count() == 0 and holders.record_date(1) == 0
