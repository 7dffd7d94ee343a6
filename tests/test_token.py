"""SecurityToken: compliance on every movement, ERC-1404 codes, agent operations, holds, recovery."""

import ape
import pytest
from eth_utils import keccak

SUCCESS, PAUSED, SENDER_NOT_VERIFIED, RECIPIENT_NOT_VERIFIED = 0, 1, 2, 3
SENDER_FROZEN, RECIPIENT_FROZEN, INSUFFICIENT_FREE_BALANCE, LOCKUP_ACTIVE = 4, 5, 6, 7
HOLDER_LIMIT_REACHED, BALANCE_LIMIT_EXCEEDED, COUNTRY_NOT_ALLOWED, INSUFFICIENT_HELD_BALANCE = 8, 9, 10, 11

MESSAGES = {
    SUCCESS: "token: no restriction",
    PAUSED: "token: transfers paused",
    SENDER_NOT_VERIFIED: "token: sender not verified",
    RECIPIENT_NOT_VERIFIED: "token: recipient not verified",
    SENDER_FROZEN: "token: sender frozen",
    RECIPIENT_FROZEN: "token: recipient frozen",
    INSUFFICIENT_FREE_BALANCE: "token: insufficient free balance",
    LOCKUP_ACTIVE: "token: lock-up period active",
    HOLDER_LIMIT_REACHED: "token: holder limit reached",
    BALANCE_LIMIT_EXCEEDED: "token: balance limit exceeded",
    COUNTRY_NOT_ALLOWED: "token: recipient country not allowed",
    INSUFFICIENT_HELD_BALANCE: "token: insufficient held balance",
}

AGENT_ROLE = keccak(text="AGENT_ROLE")
MARKET_ROLE = keccak(text="MARKET_ROLE")
MINTER_ROLE = keccak(text="MINTER_ROLE")
ISSUER_ROLE = keccak(text="ISSUER_ROLE")
GERMANY, FRANCE, USA = 276, 250, 840


@pytest.fixture
def holders(token, agent, verified_investors, alice, bob):
    """Alice holds 1,000 shares and Bob 10; Carol is verified and holds nothing."""
    token.mint(alice, 1000, sender=agent)
    token.mint(bob, 10, sender=agent)
    return token


@pytest.fixture
def market(accounts, token, operator):
    """A wallet standing in for an order book: it holds MARKET_ROLE on the token."""
    account = accounts[12]
    token.grantRole(MARKET_ROLE, account, sender=operator)
    return account


def test_initial_state(token, registry, operator, issuer, agent):
    assert token.name() == "Acme Robotics SA"
    assert token.symbol() == "ACME"
    assert token.decimals() == 0
    assert token.totalSupply() == 0
    assert token.registry() == registry.address
    assert token.hasRole(b"\x00" * 32, operator)
    assert token.hasRole(ISSUER_ROLE, issuer)
    assert token.hasRole(AGENT_ROLE, agent)
    assert not token.paused()


def test_initialize_only_once(token, token_implementation, outsider):
    setup = ("X", "X", 0, outsider.address, outsider.address, outsider.address, 0, False, 0, 0)
    with ape.reverts("token: already initialized"):
        token.initialize(setup, sender=outsider)
    with ape.reverts("token: already initialized"):
        token_implementation.initialize(setup, sender=outsider)


def test_initialize_rejects_bad_setup(project, token_implementation, operator):
    from keiretsu.clones import deploy_clone

    fresh = deploy_clone(project.SecurityToken, token_implementation.address, operator)
    base = ["X", "X", 0, operator.address, operator.address, operator.address, 0, False, 0, 0]
    cases = [
        (3, "0x0000000000000000000000000000000000000000", "token: zero admin"),
        (2, 19, "token: decimals above 18"),
        (6, 2**40, "token: lock-up end too far"),
        (8, 5, "token: rule needs holder accounting"),
    ]
    for index, value, reason in cases:
        setup = list(base)
        setup[index] = value
        with ape.reverts(reason):
            fresh.initialize(tuple(setup), sender=operator)


def test_transfer_between_verified_investors(holders, alice, bob):
    receipt = holders.transfer(bob, 250, sender=alice)
    assert holders.balanceOf(alice) == 750
    assert holders.balanceOf(bob) == 260
    assert holders.totalSupply() == 1010
    [event] = receipt.decode_logs(holders.Transfer)
    assert (event.sender, event.receiver, event.value) == (alice.address, bob.address, 250)


def test_transfer_to_self_keeps_balance(holders, alice):
    holders.transfer(alice, 400, sender=alice)
    assert holders.balanceOf(alice) == 1000


def test_transfer_from_uses_allowance(holders, alice, bob, carol):
    holders.approve(carol, 300, sender=alice)
    holders.transferFrom(alice, bob, 200, sender=carol)
    assert holders.allowance(alice, carol) == 100
    assert holders.balanceOf(bob) == 210
    with ape.reverts("token: insufficient allowance"):
        holders.transferFrom(alice, bob, 101, sender=carol)


def test_transfer_from_infinite_allowance_is_not_spent(holders, alice, bob, carol):
    holders.approve(carol, 2**256 - 1, sender=alice)
    holders.transferFrom(alice, bob, 5, sender=carol)
    assert holders.allowance(alice, carol) == 2**256 - 1


def test_transfer_from_still_checks_compliance(holders, alice, carol, outsider):
    holders.approve(carol, 300, sender=alice)
    with ape.reverts(MESSAGES[RECIPIENT_NOT_VERIFIED]):
        holders.transferFrom(alice, outsider, 1, sender=carol)
    assert holders.allowance(alice, carol) == 300


def test_approve_zero_spender(holders, alice):
    with ape.reverts("token: approve to zero address"):
        holders.approve("0x0000000000000000000000000000000000000000", 1, sender=alice)


def test_every_message(token):
    for code, message in MESSAGES.items():
        assert token.messageForTransferRestriction(code) == message
    assert token.messageForTransferRestriction(12) == "token: unknown restriction code"
    assert token.messageForTransferRestriction(255) == "token: unknown restriction code"


# Each restriction: the code from detectTransferRestriction and the same text in the revert.


def assert_refused(token, sender, receiver, amount, code):
    assert token.detectTransferRestriction(sender, receiver, amount) == code
    with ape.reverts(MESSAGES[code]):
        token.transfer(receiver, amount, sender=sender)


def test_success_code(holders, alice, bob):
    assert holders.detectTransferRestriction(alice, bob, 1000) == SUCCESS


def test_paused(holders, agent, alice, bob):
    holders.pause(sender=agent)
    assert holders.paused()
    assert_refused(holders, alice, bob, 1, PAUSED)
    holders.unpause(sender=agent)
    holders.transfer(bob, 1, sender=alice)
    assert holders.balanceOf(bob) == 11


def test_pause_twice_and_unpause_twice(token, agent):
    token.pause(sender=agent)
    with ape.reverts("token: already paused"):
        token.pause(sender=agent)
    token.unpause(sender=agent)
    with ape.reverts("token: not paused"):
        token.unpause(sender=agent)


def test_sender_not_verified(holders, registry, registrar, alice, bob):
    registry.remove_wallet(alice, sender=registrar)
    assert_refused(holders, alice, bob, 1, SENDER_NOT_VERIFIED)


def test_sender_kyc_expired(holders, chain, alice, bob, register, accounts):
    late = accounts[13]
    register(late, expiry=chain.pending_timestamp + 1000)
    holders.transfer(late, 5, sender=alice)
    chain.mine(timestamp=chain.pending_timestamp + 2000)
    assert_refused(holders, late, bob, 1, SENDER_NOT_VERIFIED)


def test_recipient_not_verified(holders, alice, outsider):
    assert_refused(holders, alice, outsider, 1, RECIPIENT_NOT_VERIFIED)


def test_recipient_revoked(holders, registry, registrar, alice, bob):
    registry.revoke_identity([bob], sender=registrar)
    assert_refused(holders, alice, bob, 1, RECIPIENT_NOT_VERIFIED)
    registry.reinstate_identity([bob], sender=registrar)
    holders.transfer(bob, 1, sender=alice)


def test_sender_frozen(holders, agent, alice, bob):
    holders.setAddressFrozen(alice, True, sender=agent)
    assert holders.isFrozen(alice)
    assert_refused(holders, alice, bob, 1, SENDER_FROZEN)
    holders.setAddressFrozen(alice, False, sender=agent)
    holders.transfer(bob, 1, sender=alice)


def test_recipient_frozen(holders, agent, alice, bob):
    receipt = holders.setAddressFrozen(bob, True, sender=agent)
    [event] = receipt.decode_logs(holders.AddressFrozen)
    assert (event.user_address, event.is_frozen, event.owner) == (bob.address, True, agent.address)
    assert_refused(holders, alice, bob, 1, RECIPIENT_FROZEN)


def test_insufficient_free_balance(holders, alice, bob):
    assert_refused(holders, alice, bob, 1001, INSUFFICIENT_FREE_BALANCE)


def test_partially_frozen_shares_cannot_move(holders, agent, alice, bob):
    holders.freezePartialTokens(alice, 600, sender=agent)
    assert holders.getFrozenTokens(alice) == 600
    assert holders.free_balance(alice) == 400
    assert_refused(holders, alice, bob, 401, INSUFFICIENT_FREE_BALANCE)
    holders.transfer(bob, 400, sender=alice)
    holders.unfreezePartialTokens(alice, 100, sender=agent)
    holders.transfer(bob, 100, sender=alice)
    assert holders.balanceOf(alice) == 500
    assert holders.getFrozenTokens(alice) == 500


def test_held_shares_cannot_move(holders, market, alice, bob):
    holders.place_hold(alice, 900, sender=market)
    assert holders.held_balance(alice) == 900
    assert holders.balanceOf(alice) == 1000
    assert_refused(holders, alice, bob, 101, INSUFFICIENT_FREE_BALANCE)
    holders.transfer(bob, 100, sender=alice)


def test_lockup(make_token, chain, agent, alice, bob, verified_investors):
    end = chain.pending_timestamp + 3600
    token = make_token(lockup_end=end)
    assert token.compliance_rules()[0] == end
    token.mint(alice, 10, sender=agent)
    assert_refused(token, alice, bob, 1, LOCKUP_ACTIVE)
    chain.pending_timestamp = end + 1
    token.transfer(bob, 1, sender=alice)
    assert token.balanceOf(bob) == 1


def test_set_lockup_end(holders, issuer, chain, alice, bob):
    end = chain.pending_timestamp + 100
    receipt = holders.set_compliance_rules(end, 0, 0, 0, sender=issuer)
    assert receipt.decode_logs(holders.ComplianceRulesSet)[0].lockup_end == end
    assert_refused(holders, alice, bob, 1, LOCKUP_ACTIVE)
    holders.set_compliance_rules(0, 0, 0, 0, sender=issuer)
    holders.transfer(bob, 1, sender=alice)
    with ape.reverts("token: lock-up end too far"):
        holders.set_compliance_rules(2**40, 0, 0, 0, sender=issuer)


def test_holder_limit(make_token, agent, alice, bob, carol, verified_investors):
    token = make_token(holder_accounting=True, max_holders=2)
    token.mint(alice, 100, sender=agent)
    token.mint(bob, 100, sender=agent)
    assert token.holder_count() == 2
    assert_refused(token, alice, carol, 1, HOLDER_LIMIT_REACHED)
    with ape.reverts(MESSAGES[HOLDER_LIMIT_REACHED]):
        token.mint(carol, 1, sender=agent)
    # A holder selling out to a newcomer leaves the count unchanged, so it is allowed.
    token.transfer(carol, 100, sender=bob)
    assert token.holder_count() == 2
    assert token.balanceOf(carol) == 100


def test_holders_counted_per_identity(make_token, agent, alice, registry, registrar, accounts, carol, verified_investors):
    token = make_token(holder_accounting=True, max_holders=1)
    second_wallet = accounts[14]
    registry.add_wallet(alice, second_wallet, sender=registrar)
    token.mint(alice, 100, sender=agent)
    token.transfer(second_wallet, 40, sender=alice)
    assert token.holder_count() == 1
    identity = registry.identityOf(alice)
    assert token.identity_balance(identity) == 100
    assert_refused(token, alice, carol, 1, HOLDER_LIMIT_REACHED)


def test_balance_limit(make_token, agent, alice, bob, registry, verified_investors):
    token = make_token(holder_accounting=True, max_balance=150)
    token.mint(alice, 150, sender=agent)
    with ape.reverts(MESSAGES[BALANCE_LIMIT_EXCEEDED]):
        token.mint(alice, 1, sender=agent)
    token.mint(bob, 100, sender=agent)
    assert_refused(token, alice, bob, 51, BALANCE_LIMIT_EXCEEDED)
    token.transfer(bob, 50, sender=alice)
    assert token.identity_balance(registry.identityOf(bob)) == 150
    assert token.identity_balance(registry.identityOf(alice)) == 100


def test_country_allow_list(holders, issuer, alice, bob):
    holders.set_countries([GERMANY], True, sender=issuer)
    holders.set_compliance_rules(0, 0, 0, 1, sender=issuer)
    assert holders.compliance_rules()[4] == 1
    assert_refused(holders, alice, bob, 1, COUNTRY_NOT_ALLOWED)


def test_country_block_list(holders, issuer, alice, bob, register, accounts):
    american = accounts[15]
    register(american, country=USA)
    holders.set_countries([USA], True, sender=issuer)
    holders.set_compliance_rules(0, 0, 0, 2, sender=issuer)
    assert_refused(holders, alice, american, 1, COUNTRY_NOT_ALLOWED)
    holders.transfer(bob, 1, sender=alice)
    holders.set_countries([USA], False, sender=issuer)
    holders.transfer(american, 1, sender=alice)
    assert holders.balanceOf(american) == 1


def test_country_rule_validation(token, issuer):
    with ape.reverts("token: bad country rule"):
        token.set_compliance_rules(0, 0, 0, 3, sender=issuer)
    with ape.reverts("token: bad country"):
        token.set_countries([0], True, sender=issuer)
    with ape.reverts("token: bad country"):
        token.set_countries([1000], True, sender=issuer)


def test_rules_need_holder_accounting(token, issuer, operator):
    with ape.reverts("token: holder accounting off"):
        token.set_compliance_rules(0, 10, 0, 0, sender=issuer)
    with ape.reverts("token: holder accounting off"):
        token.set_compliance_rules(0, 0, 10, 0, sender=issuer)
    token.enable_holder_accounting(sender=operator)
    assert token.compliance_rules()[1]
    token.set_compliance_rules(0, 10, 20, 0, sender=issuer)
    assert token.compliance_rules() == (0, True, 10, 20, 0)
    with ape.reverts("token: holder accounting on"):
        token.enable_holder_accounting(sender=operator)


def test_holder_accounting_only_before_issuance(holders, operator):
    with ape.reverts("token: shares already issued"):
        holders.enable_holder_accounting(sender=operator)


# Agent operations.


def test_mint_and_batch_mint(token, agent, alice, bob, verified_investors):
    token.batchMint([alice, bob], [7, 9], sender=agent)
    assert (token.balanceOf(alice), token.balanceOf(bob), token.totalSupply()) == (7, 9, 16)
    with ape.reverts("token: length mismatch"):
        token.batchMint([alice], [1, 2], sender=agent)
    with ape.reverts("token: zero amount"):
        token.mint(alice, 0, sender=agent)
    with ape.reverts("token: supply cap"):
        token.mint(alice, 2**96, sender=agent)


def test_batch_mint_is_all_or_nothing(token, agent, alice, outsider, verified_investors):
    with ape.reverts(MESSAGES[RECIPIENT_NOT_VERIFIED]):
        token.batchMint([alice, outsider], [5, 5], sender=agent)
    assert token.balanceOf(alice) == 0


def test_minter_role_may_only_mint(token, operator, accounts, alice, verified_investors):
    offering = accounts[16]
    token.grantRole(MINTER_ROLE, offering, sender=operator)
    token.mint(alice, 5, sender=offering)
    with ape.reverts():
        token.burn(alice, 1, sender=offering)
    with ape.reverts():
        token.setAddressFrozen(alice, True, sender=offering)


def test_burn_and_batch_burn(holders, agent, alice, bob):
    holders.burn(alice, 100, sender=agent)
    holders.batchBurn([alice, bob], [100, 10], sender=agent)
    assert (holders.balanceOf(alice), holders.balanceOf(bob), holders.totalSupply()) == (800, 0, 800)


def test_burn_unfreezes_frozen_shares_but_not_held_ones(holders, agent, market, alice):
    holders.freezePartialTokens(alice, 300, sender=agent)
    holders.place_hold(alice, 500, sender=market)
    with ape.reverts("token: exceeds unheld balance; force_cancel orders first"):
        holders.burn(alice, 501, sender=agent)
    holders.burn(alice, 400, sender=agent)
    assert holders.balanceOf(alice) == 600
    assert holders.getFrozenTokens(alice) == 100
    assert holders.held_balance(alice) == 500


def test_forced_transfer(holders, agent, alice, bob):
    holders.setAddressFrozen(alice, True, sender=agent)
    receipt = holders.forcedTransfer(alice, bob, 300, sender=agent)
    assert holders.balanceOf(alice) == 700
    assert holders.balanceOf(bob) == 310
    [event] = receipt.decode_logs(holders.ForcedTransfer)
    assert (event.sender, event.receiver, event.amount) == (alice.address, bob.address, 300)


def test_forced_transfer_takes_frozen_but_not_held(holders, agent, market, alice, bob):
    holders.freezePartialTokens(alice, 200, sender=agent)
    holders.place_hold(alice, 700, sender=market)
    with ape.reverts("token: exceeds unheld balance; force_cancel orders first"):
        holders.forcedTransfer(alice, bob, 301, sender=agent)
    receipt = holders.forcedTransfer(alice, bob, 300, sender=agent)
    assert receipt.decode_logs(holders.TokensUnfrozen)[0].amount == 200
    assert holders.balanceOf(alice) == 700
    assert holders.held_balance(alice) == 700
    assert holders.getFrozenTokens(alice) == 0
    assert holders.balanceOf(bob) == 310


def test_forced_transfer_checks_recipient(holders, agent, alice, outsider, bob):
    with ape.reverts(MESSAGES[RECIPIENT_NOT_VERIFIED]):
        holders.forcedTransfer(alice, outsider, 1, sender=agent)
    with ape.reverts("token: exceeds unheld balance; force_cancel orders first"):
        holders.forcedTransfer(bob, alice, 11, sender=agent)
    with ape.reverts("token: same wallet"):
        holders.forcedTransfer(alice, alice, 1, sender=agent)


def test_batch_forced_transfer(holders, agent, alice, bob, carol):
    holders.batchForcedTransfer([alice, bob], [carol, carol], [5, 10], sender=agent)
    assert holders.balanceOf(carol) == 15
    with ape.reverts("token: length mismatch"):
        holders.batchForcedTransfer([alice], [carol, bob], [1], sender=agent)


def test_batch_freeze_operations(holders, agent, alice, bob):
    holders.batchSetAddressFrozen([alice, bob], [True, True], sender=agent)
    assert holders.isFrozen(alice) and holders.isFrozen(bob)
    holders.batchSetAddressFrozen([alice, bob], [False, False], sender=agent)
    holders.batchFreezePartialTokens([alice, bob], [10, 10], sender=agent)
    assert holders.getFrozenTokens(bob) == 10
    with ape.reverts("token: freeze exceeds free balance"):
        holders.freezePartialTokens(bob, 1, sender=agent)
    holders.batchUnfreezePartialTokens([alice, bob], [10, 10], sender=agent)
    assert holders.free_balance(bob) == 10
    with ape.reverts("token: unfreeze exceeds frozen"):
        holders.unfreezePartialTokens(bob, 1, sender=agent)


# Holds.


def test_hold_release_settle(holders, market, alice, bob):
    holders.place_hold(alice, 300, sender=market)
    assert holders.free_balance(alice) == 700
    assert holders.settle_hold(alice, bob, 100, sender=market).return_value == SUCCESS
    assert holders.balanceOf(alice) == 900
    assert holders.held_balance(alice) == 200
    assert holders.balanceOf(bob) == 110
    released = holders.release_hold(alice, 500, sender=market)
    assert released.return_value == 200
    assert holders.held_balance(alice) == 0
    assert holders.free_balance(alice) == 900


def test_hold_needs_free_balance(holders, market, agent, alice):
    holders.freezePartialTokens(alice, 500, sender=agent)
    with ape.reverts(MESSAGES[INSUFFICIENT_FREE_BALANCE]):
        holders.place_hold(alice, 501, sender=market)
    with ape.reverts("token: zero hold"):
        holders.place_hold(alice, 0, sender=market)


def test_settle_refusals_move_nothing(holders, market, agent, registry, registrar, alice, bob, outsider):
    holders.place_hold(alice, 300, sender=market)
    cases = [
        (lambda: holders.setAddressFrozen(alice, True, sender=agent), SENDER_FROZEN, bob),
        (lambda: holders.setAddressFrozen(bob, True, sender=agent), RECIPIENT_FROZEN, bob),
        (lambda: None, RECIPIENT_NOT_VERIFIED, outsider),
        (lambda: holders.pause(sender=agent), PAUSED, bob),
    ]
    for make_ineligible, code, buyer in cases:
        make_ineligible()
        receipt = holders.settle_hold(alice, buyer, 100, sender=market)
        assert receipt.return_value == code
        assert holders.balanceOf(alice) == 1000 and holders.held_balance(alice) == 300
        if holders.paused():
            holders.unpause(sender=agent)
        holders.batchSetAddressFrozen([alice, bob], [False, False], sender=agent)
    assert holders.settle_hold(alice, bob, 301, sender=market).return_value == INSUFFICIENT_HELD_BALANCE
    registry.remove_wallet(alice, sender=registrar)
    assert holders.settle_hold(alice, bob, 1, sender=market).return_value == SENDER_NOT_VERIFIED


def test_holds_only_by_market(holders, alice, bob, agent, issuer, operator, outsider):
    for caller in (alice, agent, issuer, operator, outsider):
        with ape.reverts():
            holders.place_hold(alice, 1, sender=caller)
        with ape.reverts():
            holders.release_hold(alice, 1, sender=caller)
        with ape.reverts():
            holders.settle_hold(alice, bob, 1, sender=caller)


# Recovery.


def test_recovery_moves_everything(holders, market, agent, registry, registrar, accounts, alice, bob):
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    holders.freezePartialTokens(alice, 100, sender=agent)
    holders.place_hold(alice, 200, sender=market)
    holders.setAddressFrozen(alice, True, sender=agent)
    receipt = holders.recoveryAddress(alice, new_wallet, sender=agent)
    assert holders.balanceOf(alice) == 0
    assert holders.balanceOf(new_wallet) == 1000
    assert holders.held_balance(new_wallet) == 200
    assert holders.getFrozenTokens(new_wallet) == 100
    assert holders.isFrozen(new_wallet)
    assert holders.recovered_to(alice) == new_wallet
    assert len(receipt.decode_logs(holders.RecoverySuccess)) == 1
    # The market unwinds the lost wallet's order: the hold is released on the new wallet.
    assert holders.release_hold(alice, 200, sender=market).return_value == 200
    assert holders.held_balance(new_wallet) == 0


def test_recovery_needs_same_identity(holders, agent, alice, bob, register, accounts):
    stranger = accounts[18]
    register(stranger)
    with ape.reverts("token: not the same identity"):
        holders.recoveryAddress(alice, stranger, sender=agent)
    with ape.reverts("token: bad new wallet"):
        holders.recoveryAddress(alice, alice, sender=agent)


def test_recovery_needs_verified_new_wallet(holders, agent, alice, outsider):
    with ape.reverts("token: new wallet not verified"):
        holders.recoveryAddress(alice, outsider, sender=agent)


# Documents (ERC-1643).


def test_documents(token, issuer):
    name = b"prospectus".ljust(32, b"\x00")
    digest = keccak(text="prospectus v1")
    token.setDocument(name, "ipfs://prospectus-v1", digest, sender=issuer)
    uri, document_hash, timestamp = token.getDocument(name)
    assert (uri, document_hash) == ("ipfs://prospectus-v1", digest)
    assert timestamp > 0
    other = b"articles".ljust(32, b"\x00")
    token.setDocument(other, "ipfs://articles", digest, sender=issuer)
    assert list(token.getAllDocuments()) == [name, other]
    token.setDocument(name, "ipfs://prospectus-v2", digest, sender=issuer)
    assert list(token.getAllDocuments()) == [name, other]
    receipt = token.removeDocument(name, sender=issuer)
    assert len(receipt.decode_logs(token.DocumentRemoved)) == 1
    assert list(token.getAllDocuments()) == [other]
    assert token.getDocument(name)[0] == ""
    with ape.reverts("token: no such document"):
        token.removeDocument(name, sender=issuer)
    with ape.reverts("token: empty document name"):
        token.setDocument(b"\x00" * 32, "x", digest, sender=issuer)
    with ape.reverts("token: empty document uri"):
        token.setDocument(name, "", digest, sender=issuer)


# Access control: every privileged function against every role that must not call it.


def test_agent_operations_refused_to_others(holders, alice, bob, issuer, operator, outsider, accounts):
    calls = [
        lambda who: holders.mint(alice, 1, sender=who),
        lambda who: holders.batchMint([alice], [1], sender=who),
        lambda who: holders.burn(alice, 1, sender=who),
        lambda who: holders.batchBurn([alice], [1], sender=who),
        lambda who: holders.forcedTransfer(alice, bob, 1, sender=who),
        lambda who: holders.batchForcedTransfer([alice], [bob], [1], sender=who),
        lambda who: holders.setAddressFrozen(alice, True, sender=who),
        lambda who: holders.batchSetAddressFrozen([alice], [True], sender=who),
        lambda who: holders.freezePartialTokens(alice, 1, sender=who),
        lambda who: holders.batchFreezePartialTokens([alice], [1], sender=who),
        lambda who: holders.unfreezePartialTokens(alice, 1, sender=who),
        lambda who: holders.batchUnfreezePartialTokens([alice], [1], sender=who),
        lambda who: holders.recoveryAddress(alice, bob, sender=who),
        lambda who: holders.pause(sender=who),
        lambda who: holders.unpause(sender=who),
    ]
    for caller in (alice, issuer, operator, outsider):
        for call in calls:
            with ape.reverts("access_control: account is missing role"):
                call(caller)


def test_issuer_operations_refused_to_others(token, alice, agent, outsider):
    name = b"doc".ljust(32, b"\x00")
    calls = [
        lambda who: token.set_compliance_rules(1, 0, 0, 1, sender=who),
        lambda who: token.set_countries([GERMANY], True, sender=who),
        lambda who: token.schedule_record_date(2**39, sender=who),
        lambda who: token.enable_holder_accounting(sender=who),
        lambda who: token.setDocument(name, "x", name, sender=who),
        lambda who: token.removeDocument(name, sender=who),
    ]
    for caller in (alice, agent, outsider):
        for call in calls:
            with ape.reverts("access_control: account is missing role"):
                call(caller)


def test_role_management_refused_to_others(token, alice, agent, issuer, outsider):
    for caller in (alice, agent, issuer, outsider):
        with ape.reverts("access_control: account is missing role"):
            token.grantRole(AGENT_ROLE, caller, sender=caller)


# Issue 12: the findings of the contract review, one regression test each.


def rekey(registry, registrar, register, wallet, kyc_file="a new kyc file"):
    """The registrar removes a wallet and registers it again under another identity key."""
    registry.remove_wallet(wallet, sender=registrar)
    register(wallet, kyc_hash=keccak(text=kyc_file))


def test_finding_5_removed_wallet_forced_out_lowers_the_holder_count(make_token, agent, registry, registrar, alice, bob, carol, verified_investors):
    token = make_token(holder_accounting=True, max_holders=2)
    token.mint(alice, 100, sender=agent)
    token.mint(bob, 100, sender=agent)
    registry.remove_wallet(alice, sender=registrar)
    token.forcedTransfer(alice, bob, 100, sender=agent)
    assert token.holder_count() == 1
    token.mint(carol, 1, sender=agent)  # a legitimate investor gets the freed place
    assert token.holder_count() == 2


def test_finding_5_rekeyed_wallet_selling_out_lowers_the_holder_count(make_token, agent, registry, registrar, register, alice, bob, carol, verified_investors):
    token = make_token(holder_accounting=True, max_holders=2)
    token.mint(alice, 100, sender=agent)
    token.mint(bob, 100, sender=agent)
    first_identity = registry.identityOf(alice)
    rekey(registry, registrar, register, alice)
    token.transfer(bob, 100, sender=alice)
    assert token.identity_balance(first_identity) == 0
    assert token.holder_count() == 1
    token.transfer(carol, 1, sender=bob)
    assert token.holder_count() == 2
    # Once empty, the wallet is booked under the identity the registry gives it now.
    token.transfer(bob, 1, sender=carol)
    token.transfer(alice, 1, sender=bob)
    assert token.holder_identity(alice) == registry.identityOf(alice) != first_identity
    assert token.holder_count() == 2


def test_finding_5_rekeyed_wallet_cannot_exceed_max_balance(make_token, agent, registry, registrar, register, alice, bob, verified_investors):
    token = make_token(holder_accounting=True, max_balance=150)
    token.mint(alice, 150, sender=agent)
    token.mint(bob, 100, sender=agent)
    rekey(registry, registrar, register, alice)
    assert_refused(token, bob, alice, 1, BALANCE_LIMIT_EXCEEDED)
    with ape.reverts(MESSAGES[BALANCE_LIMIT_EXCEEDED]):
        token.mint(alice, 1, sender=agent)


def test_finding_5_admin_resyncs_identity_keys(make_token, operator, agent, issuer, registry, registrar, register, alice, bob, verified_investors):
    token = make_token(holder_accounting=True, max_holders=5)
    token.mint(alice, 150, sender=agent)
    token.mint(bob, 100, sender=agent)
    first_identity = registry.identityOf(alice)
    rekey(registry, registrar, register, alice)
    with ape.reverts("access_control: account is missing role"):
        token.resync_holder_identities([alice], sender=issuer)
    receipt = token.resync_holder_identities([alice, bob], sender=operator)
    new_identity = registry.identityOf(alice)
    assert token.holder_identity(alice) == new_identity
    assert token.identity_balance(first_identity) == 0 and token.identity_balance(new_identity) == 150
    assert token.holder_count() == 2
    first, second = receipt.decode_logs(token.HolderIdentityResynced)
    assert (first.wallet, first.previous_identity, first.identity, first.amount) == (alice.address, first_identity, new_identity, 150)
    assert (second.wallet, second.previous_identity, second.identity) == (bob.address, registry.identityOf(bob), registry.identityOf(bob))
    registry.remove_wallet(bob, sender=registrar)
    with ape.reverts("token: wallet not registered"):
        token.resync_holder_identities([bob], sender=operator)


@pytest.fixture
def book(make_market, traders, cash):
    """A real order book of the token, its traders funded."""
    book = make_market()
    for person in traders:
        cash.approve(book, 2**256 - 1, sender=person)
    return book


def test_finding_7_forced_transfer_refuses_held_shares(book, token, cash, agent, traders):
    from tests.fixtures.market import BUY, SELL, TICK, place

    alice, bob, carol, _ = traders
    ask, _ = place(book, alice, SELL, 100, 10)
    with ape.reverts("token: exceeds unheld balance; force_cancel orders first"):
        token.forcedTransfer(alice, carol, 10_000, sender=agent)
    token.forcedTransfer(alice, carol, 9_990, sender=agent)  # the free shares still move
    assert token.held_balance(alice) == 10
    paid_before = cash.balanceOf(alice)
    _, receipt = place(book, bob, BUY, 100, 10)
    assert receipt.decode_logs(book.Trade)[0].maker_order_id == ask
    assert token.balanceOf(alice) == 0 and token.held_balance(alice) == 0
    assert token.balanceOf(bob) == 10_010 and cash.balanceOf(alice) == paid_before + 10 * 100 * TICK


def test_finding_10_no_recovery_into_a_recovered_wallet(holders, agent, registry, registrar, accounts, alice):
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    holders.recoveryAddress(alice, new_wallet, sender=agent)
    with ape.reverts("token: new wallet recovered"):
        holders.recoveryAddress(new_wallet, alice, sender=agent)  # would close the cycle A -> B -> A
    third = accounts[18]
    registry.add_wallet(alice, third, sender=registrar)
    holders.recoveryAddress(new_wallet, third, sender=agent)  # the chain goes on forward
    with ape.reverts("token: new wallet recovered"):
        holders.recoveryAddress(third, new_wallet, sender=agent)


def test_finding_10_recovered_wallet_cannot_send(holders, agent, market, registry, registrar, accounts, alice, bob, carol):
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    holders.recoveryAddress(alice, new_wallet, sender=agent)
    # Nothing can be sent to it since (test_finding_10_recovered_wallet_receives_nothing); what
    # it holds is refused before its balance is looked at.
    assert holders.detectTransferRestriction(alice, carol, 1) == SENDER_NOT_VERIFIED
    assert holders.restriction_to_send(alice, 1) == SENDER_NOT_VERIFIED
    with ape.reverts(MESSAGES[SENDER_NOT_VERIFIED]):
        holders.transfer(carol, 1, sender=alice)
    holders.approve(carol, 5, sender=alice)
    with ape.reverts(MESSAGES[SENDER_NOT_VERIFIED]):
        holders.transferFrom(alice, carol, 1, sender=carol)
    with ape.reverts(MESSAGES[SENDER_NOT_VERIFIED]):
        holders.place_hold(alice, 1, sender=market)


def test_finding_10_recovered_wallet_receives_nothing(holders, agent, registry, registrar, accounts, alice, bob):
    """Found by the invariant fuzzer: a recovered wallet's keys are lost, so shares sent to it
    afterwards (a transfer, a mint, a fill of the lost wallet's resting bid) would sit where nobody
    can move them. The token treats it as unverified on both sides."""
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    holders.recoveryAddress(alice, new_wallet, sender=agent)
    assert holders.detectTransferRestriction(bob, alice, 1) == RECIPIENT_NOT_VERIFIED
    assert holders.restriction_to_receive(alice, 1) == RECIPIENT_NOT_VERIFIED
    with ape.reverts(MESSAGES[RECIPIENT_NOT_VERIFIED]):
        holders.transfer(alice, 5, sender=bob)
    with ape.reverts(MESSAGES[RECIPIENT_NOT_VERIFIED]):
        holders.mint(alice, 5, sender=agent)
    with ape.reverts(MESSAGES[RECIPIENT_NOT_VERIFIED]):
        holders.forcedTransfer(bob, alice, 5, sender=agent)
    assert holders.balanceOf(alice) == 0


def replay_holds_and_freezes(token, receipts):
    """Held, partially frozen and wallet-frozen state per wallet, from the token's events alone."""
    held, frozen, wallet_frozen = {}, {}, {}
    for receipt in receipts:
        for event in receipt.decode_logs():
            if event.contract_address != token.address:
                continue
            name, e = event.event_name, event.event_arguments
            if name == "HoldPlaced":
                held[e["holder"]] = held.get(e["holder"], 0) + e["amount"]
            elif name == "HoldReleased":
                held[e["holder"]] -= e["amount"]
            elif name == "HoldSettled":
                held[e["seller"]] -= e["amount"]
            elif name == "TokensFrozen":
                frozen[e["user_address"]] = frozen.get(e["user_address"], 0) + e["amount"]
            elif name == "TokensUnfrozen":
                frozen[e["user_address"]] -= e["amount"]
            elif name == "AddressFrozen":
                wallet_frozen[e["user_address"]] = e["is_frozen"]
            elif name == "HoldingsRecovered":
                lost, new = e["lost_wallet"], e["new_wallet"]
                for book, amount in ((held, e["held"]), (frozen, e["frozen"])):
                    book[lost] = book.get(lost, 0) - amount
                    book[new] = book.get(new, 0) + amount
                if e["wallet_frozen"]:
                    wallet_frozen[lost], wallet_frozen[new] = False, True
    return held, frozen, wallet_frozen


def test_finding_13_events_rebuild_holds_and_freezes_after_a_recovery(holders, market, agent, registry, registrar, accounts, alice, bob):
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    receipts = [
        holders.freezePartialTokens(alice, 100, sender=agent),
        holders.place_hold(alice, 200, sender=market),
        holders.setAddressFrozen(alice, True, sender=agent),
        holders.recoveryAddress(alice, new_wallet, sender=agent),
        holders.release_hold(alice, 50, sender=market),
    ]
    held, frozen, wallet_frozen = replay_holds_and_freezes(holders, receipts)
    for wallet in (alice, new_wallet):
        assert held.get(wallet.address, 0) == holders.held_balance(wallet)
        assert frozen.get(wallet.address, 0) == holders.getFrozenTokens(wallet)
        assert wallet_frozen.get(wallet.address, False) == holders.isFrozen(wallet)
    [release] = receipts[-1].decode_logs(holders.HoldReleased)
    assert (release.holder, release.market) == (new_wallet.address, market.address)


def test_finding_13_rules_set_at_initialize_are_logged(project, token_implementation, operator, issuer, agent, chain):
    from keiretsu.clones import deploy_clone

    fresh = deploy_clone(project.SecurityToken, token_implementation.address, operator)
    end = chain.pending_timestamp + 3600
    setup = ("X", "X", 0, operator.address, issuer.address, agent.address, end, True, 5, 50)
    receipt = fresh.initialize(setup, sender=operator)
    [rules] = receipt.decode_logs(fresh.ComplianceRulesSet)
    assert (rules.lockup_end, rules.max_holders, rules.max_balance, rules.country_rule) == (end, 5, 50, 0)
    assert len(receipt.decode_logs(fresh.HolderAccountingEnabled)) == 1


def test_finding_14_place_hold_checks_freeze_and_pause(holders, market, agent, alice):
    holders.setAddressFrozen(alice, True, sender=agent)
    with ape.reverts(MESSAGES[SENDER_FROZEN]):
        holders.place_hold(alice, 1, sender=market)
    holders.setAddressFrozen(alice, False, sender=agent)
    holders.pause(sender=agent)
    with ape.reverts(MESSAGES[PAUSED]):
        holders.place_hold(alice, 1, sender=market)
    holders.unpause(sender=agent)
    holders.place_hold(alice, 1, sender=market)


def test_finding_15_the_implementation_refuses_token_state_changes(registry, register, operator, registrar, alice, bob, accounts):
    implementation = registry
    for role in (AGENT_ROLE, ISSUER_ROLE, MARKET_ROLE):
        implementation.grantRole(role, operator, sender=operator)
    register(alice)
    register(bob)
    name = b"doc".ljust(32, b"\x00")
    calls = [
        lambda: implementation.pause(sender=operator),
        lambda: implementation.setDocument(name, "x", name, sender=operator),
        lambda: implementation.set_compliance_rules(1, 0, 0, 0, sender=operator),
        lambda: implementation.set_countries([GERMANY], True, sender=operator),
        lambda: implementation.enable_holder_accounting(sender=operator),
        lambda: implementation.transfer(bob, 0, sender=alice),
        lambda: implementation.transferFrom(alice, bob, 0, sender=alice),
        lambda: implementation.approve(bob, 1, sender=alice),
        lambda: implementation.place_hold(alice, 1, sender=operator),
        lambda: implementation.release_hold(alice, 1, sender=operator),
        lambda: implementation.settle_hold(alice, bob, 0, sender=operator),
        lambda: implementation.setAddressFrozen(alice, True, sender=operator),
        lambda: implementation.freezePartialTokens(alice, 1, sender=operator),
        lambda: implementation.recoveryAddress(alice, bob, sender=operator),
        lambda: implementation.resync_holder_identities([alice], sender=operator),
    ]
    for call in calls:
        with ape.reverts("token: not a security"):
            call()
    # The implementation is the registry: its writes keep working.
    register(accounts[18])
    assert implementation.isVerified(accounts[18])
