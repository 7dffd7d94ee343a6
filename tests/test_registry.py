"""The identity registry (a module of the token implementation): registration, identities with several
wallets, KYC lifecycle, roles."""

import ape
import pytest
from eth_utils import keccak

from keiretsu.records import decode_record
from tests.fixtures.registry import ENTERPRISE, ISSUER_FLAG, NATURAL_PERSON, ONE_YEAR, QUALIFIED, REGISTRAR_ROLE, kyc_hash_for

ZERO = "0x0000000000000000000000000000000000000000"
GERMANY = 276


def test_register_investor(registry, registrar, alice, chain):
    expiry = chain.pending_timestamp + ONE_YEAR
    kyc_hash = kyc_hash_for(alice)
    receipt = registry.register_investor(alice, kyc_hash, ENTERPRISE, GERMANY, expiry, QUALIFIED | ISSUER_FLAG, sender=registrar)
    assert registry.isVerified(alice)
    assert registry.contains(alice)
    assert registry.identityOf(alice) == kyc_hash[:20]
    assert registry.investorCountry(alice) == GERMANY
    assert registry.investor(alice) == (kyc_hash[:20], ENTERPRISE, GERMANY, expiry, QUALIFIED | ISSUER_FLAG, True)
    [event] = receipt.decode_logs(registry.InvestorRegistered)
    assert event.wallet == alice.address and event.kyc_hash == kyc_hash
    assert decode_record(event.record) == (kyc_hash[:20], ENTERPRISE, GERMANY, expiry, QUALIFIED | ISSUER_FLAG)
    assert event.record == registry.wallet_record(alice)


def test_unregistered_wallet(registry, outsider):
    assert not registry.isVerified(outsider)
    assert not registry.contains(outsider)
    assert registry.wallet_record(outsider) == 0
    assert registry.identityOf(outsider) == b"\0" * 20


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("wallet", ZERO, "registry: zero wallet"),
        ("kyc_hash", b"\0" * 32, "registry: empty kyc hash"),
        ("kyc_hash", b"\0" * 20 + b"\1" * 12, "registry: empty identity key"),
        ("kind", 0, "registry: bad kind"),
        ("kind", 3, "registry: bad kind"),
        ("country", 0, "registry: bad country"),
        ("country", 1000, "registry: bad country"),
        ("expiry", "past", "registry: kyc already expired"),
        ("expiry", 2**40, "registry: kyc expiry too far"),
        ("flags", 4, "registry: bad flags"),
        ("flags", 128, "registry: bad flags"),
    ],
)
def test_registration_refusals(registry, registrar, alice, chain, field, value, reason):
    args = {
        "wallet": alice.address,
        "kyc_hash": kyc_hash_for(alice),
        "kind": NATURAL_PERSON,
        "country": GERMANY,
        "expiry": chain.pending_timestamp + ONE_YEAR,
        "flags": 0,
    }
    args[field] = chain.pending_timestamp - 1 if value == "past" else value
    with ape.reverts(reason):
        registry.register_investor(*args.values(), sender=registrar)
    assert not registry.contains(alice)


def test_wallet_registered_twice(register, alice):
    register(alice)
    with ape.reverts("registry: wallet already registered"):
        register(alice)


def test_kyc_expires(register, registry, alice, chain):
    expiry = chain.pending_timestamp + 1000
    register(alice, expiry=expiry)
    assert registry.isVerified(alice)
    chain.mine(timestamp=expiry)
    assert not registry.isVerified(alice)
    assert registry.contains(alice)


def test_batch_register(registry, registrar, investors, chain):
    expiry = chain.pending_timestamp + ONE_YEAR
    wallets = investors[:3]
    registry.batch_register_investors(
        wallets, [kyc_hash_for(w) for w in wallets], [1, 2, 1], [756, 276, 250], [expiry] * 3, [0, 2, 1], sender=registrar
    )
    assert [registry.investorCountry(w) for w in wallets] == [756, 276, 250]
    assert all(registry.isVerified(w) for w in wallets)


def test_batch_register_is_all_or_nothing(registry, registrar, investors, register, chain):
    register(investors[2])
    expiry = chain.pending_timestamp + ONE_YEAR
    wallets = investors[:3]
    with ape.reverts("registry: wallet already registered"):
        registry.batch_register_investors(
            wallets, [kyc_hash_for(w) for w in wallets], [1] * 3, [756] * 3, [expiry] * 3, [0] * 3, sender=registrar
        )
    assert not registry.contains(investors[0])
    with ape.reverts("registry: length mismatch"):
        registry.batch_register_investors(wallets[:2], [kyc_hash_for(wallets[0])], [1, 1], [756] * 2, [expiry] * 2, [0] * 2, sender=registrar)


def test_one_identity_several_wallets(registry, registrar, register, alice, accounts, bob):
    register(alice)
    second = accounts[13]
    receipt = registry.add_wallet(alice, second, sender=registrar)
    assert receipt.decode_logs(registry.WalletAdded)[0].existing_wallet == alice.address
    third = accounts[14]
    register(third, kyc_hash=kyc_hash_for(alice))  # the same KYC file: the same investor
    assert registry.same_identity(alice, second) and registry.same_identity(alice, third)
    register(bob)
    assert not registry.same_identity(alice, bob)
    with ape.reverts("registry: wallet not registered"):
        registry.add_wallet(accounts[15], accounts[16], sender=registrar)
    with ape.reverts("registry: wallet already registered"):
        registry.add_wallet(alice, bob, sender=registrar)


def test_update_identity(registry, registrar, register, alice, accounts, chain, bob):
    register(alice)
    second = accounts[13]
    registry.add_wallet(alice, second, sender=registrar)
    expiry = chain.pending_timestamp + 2 * ONE_YEAR
    receipt = registry.update_identity([alice, second], ENTERPRISE, GERMANY, expiry, ISSUER_FLAG, sender=registrar)
    assert len(receipt.decode_logs(registry.IdentityUpdated)) == 2
    for wallet in (alice, second):
        assert registry.investor(wallet)[1:5] == (ENTERPRISE, GERMANY, expiry, ISSUER_FLAG)
    register(bob)
    with ape.reverts("registry: wallets of several identities"):
        registry.update_identity([alice, bob], ENTERPRISE, GERMANY, expiry, 0, sender=registrar)
    with ape.reverts("registry: no wallets"):
        registry.update_identity([], ENTERPRISE, GERMANY, expiry, 0, sender=registrar)
    with ape.reverts("registry: wallet not registered"):
        registry.update_identity([accounts[15]], ENTERPRISE, GERMANY, expiry, 0, sender=registrar)
    with ape.reverts("registry: bad country"):
        registry.update_identity([alice], ENTERPRISE, 0, expiry, 0, sender=registrar)


def test_revoke_and_reinstate(registry, registrar, register, alice, accounts):
    register(alice)
    second = accounts[13]
    registry.add_wallet(alice, second, sender=registrar)
    registry.revoke_identity([alice, second], sender=registrar)
    assert not registry.isVerified(alice) and not registry.isVerified(second)
    assert registry.contains(alice)
    with ape.reverts("registry: already revoked"):
        registry.revoke_identity([alice], sender=registrar)
    # An update keeps the revocation: only reinstate lifts it.
    registry.update_identity([alice], NATURAL_PERSON, GERMANY, registry.investor(alice)[3], 0, sender=registrar)
    assert not registry.isVerified(alice)
    registry.reinstate_identity([alice, second], sender=registrar)
    assert registry.isVerified(alice) and registry.isVerified(second)
    with ape.reverts("registry: not revoked"):
        registry.reinstate_identity([alice], sender=registrar)


def test_remove_wallet(registry, registrar, register, alice):
    register(alice)
    receipt = registry.remove_wallet(alice, sender=registrar)
    assert receipt.decode_logs(registry.WalletRemoved)[0].wallet == alice.address
    assert not registry.contains(alice)
    with ape.reverts("registry: wallet not registered"):
        registry.remove_wallet(alice, sender=registrar)
    register(alice)  # a removed wallet can be registered again
    assert registry.isVerified(alice)


def test_wallet_records_pair(registry, register, alice, bob):
    register(alice)
    assert registry.wallet_records(alice, bob) == (registry.wallet_record(alice), 0)


def test_registrar_operations_refused_to_others(registry, register, operator, issuer, alice, bob, outsider, chain):
    register(alice)
    expiry = chain.pending_timestamp + ONE_YEAR
    calls = [
        lambda who: registry.register_investor(bob, kyc_hash_for(bob), 1, 756, expiry, 0, sender=who),
        lambda who: registry.batch_register_investors([bob], [kyc_hash_for(bob)], [1], [756], [expiry], [0], sender=who),
        lambda who: registry.add_wallet(alice, bob, sender=who),
        lambda who: registry.update_identity([alice], 1, 756, expiry, 0, sender=who),
        lambda who: registry.remove_wallet(alice, sender=who),
        lambda who: registry.revoke_identity([alice], sender=who),
        lambda who: registry.reinstate_identity([alice], sender=who),
    ]
    # The admin grants the registrar role but does not register by itself.
    for caller in (operator, issuer, alice, outsider):
        for call in calls:
            with ape.reverts("access_control: account is missing role"):
                call(caller)


def test_roles_managed_by_admin_only(registry, operator, registrar, alice):
    with ape.reverts("access_control: account is missing role"):
        registry.grantRole(REGISTRAR_ROLE, alice, sender=registrar)
    registry.grantRole(REGISTRAR_ROLE, alice, sender=operator)
    assert registry.hasRole(REGISTRAR_ROLE, alice)
    registry.revokeRole(REGISTRAR_ROLE, alice, sender=operator)
    assert not registry.hasRole(REGISTRAR_ROLE, alice)


def test_the_token_implementation_is_the_registry(registry, token_implementation, make_token, register, operator, agent, alice):
    token = make_token()
    assert token.registry() == registry.address == token_implementation.address
    register(alice)
    assert registry.isVerified(alice)
    # A clone's storage holds no register: its registry views refuse rather than answer "unknown".
    for view in (token.isVerified, token.contains, token.wallet_record, token.identityOf, token.investorCountry, token.investor):
        with ape.reverts("registry: not the registry"):
            view(alice)
    with ape.reverts("registry: not the registry"):
        token.wallet_records(alice, alice)
    with ape.reverts("registry: not the registry"):
        token.same_identity(alice, alice)
    # The registry's admin could give itself a token role on the implementation, which still holds no shares.
    registry.grantRole(token.AGENT_ROLE(), agent, sender=operator)
    with ape.reverts("token: not a security"):
        registry.mint(alice, 1, sender=agent)


def test_registry_writes_refused_in_a_clone(make_token, register, operator, registrar, alice, bob, chain):
    token = make_token()
    # Even a registrar appointed on a security cannot keep a register in the token's storage.
    token.grantRole(REGISTRAR_ROLE, registrar, sender=operator)
    register(alice)
    expiry = chain.pending_timestamp + ONE_YEAR
    calls = [
        lambda: token.register_investor(bob, kyc_hash_for(bob), 1, 756, expiry, 0, sender=registrar),
        lambda: token.batch_register_investors([bob], [kyc_hash_for(bob)], [1], [756], [expiry], [0], sender=registrar),
        lambda: token.add_wallet(alice, bob, sender=registrar),
        lambda: token.update_identity([alice], 1, 756, expiry, 0, sender=registrar),
        lambda: token.remove_wallet(alice, sender=registrar),
        lambda: token.revoke_identity([alice], sender=registrar),
        lambda: token.reinstate_identity([alice], sender=registrar),
    ]
    for call in calls:
        with ape.reverts("registry: not the registry"):
            call()
