"""IssuanceFactory: issuance by verified issuers, ISIN validation, the enumerable listing, statuses."""

import ape
import pytest
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings, strategies as st

from keiretsu.isin import is_valid_isin, make_isin
from tests.fixtures.factory import issuance_request
from keiretsu.clones import clone_at

STATUS_OFFERING, STATUS_LISTED, STATUS_HALTED, STATUS_DELISTED = 1, 2, 3, 4
MARKET_TRADING, MARKET_HALTED, MARKET_DELISTED = 1, 2, 3
ISSUER_ROLE = keccak(text="ISSUER_ROLE")
AGENT_ROLE = keccak(text="AGENT_ROLE")
MARKET_ROLE = keccak(text="MARKET_ROLE")
MINTER_ROLE = keccak(text="MINTER_ROLE")
RECORDER_ROLE = keccak(text="RECORDER_ROLE")
WEEK = 7 * 24 * 3600
PRICE = 10 * 10**6
ZERO_ADDRESS = "0x" + "0" * 40


def issue(factory, project, request, sender):
    receipt = factory.issue_security(request, sender=sender)
    return clone_at(project.SecurityToken, receipt.return_value), receipt


def offering_terms(chain, **overrides) -> tuple:
    """OfferingTerms: 10.00 a share, 10..1,000 each, caps 500/2,000, opening in 100 s for a week."""
    start = chain.pending_timestamp + 100
    fields = {
        "price": PRICE, "lot": 1, "min_per_investor": 10, "max_per_investor": 1_000,
        "soft_cap": 500, "hard_cap": 2_000, "start_time": start, "end_time": start + WEEK,
    }
    fields.update(overrides)
    return tuple(fields.values())


@pytest.fixture
def listed(factory, project, verified_issuer):
    """A security issued by the verified issuer, with its market."""
    token, _ = issue(factory, project, issuance_request(verified_issuer), verified_issuer)
    return token


def create_offering(factory, project, token, sender, chain, **overrides):
    receipt = factory.create_offering(token, offering_terms(chain, **overrides), sender=sender)
    return clone_at(project.Offering, receipt.return_value), receipt


def test_issuer_issues_a_configured_security(factory, project, verified_issuer, operator, agent, registry):
    document = (b"prospectus".ljust(32, b"\0"), "ipfs://prospectus", keccak(text="prospectus"))
    request = issuance_request(
        verified_issuer, lockup_end=0, holder_accounting=True, max_holders=150, country_rule=1,
        countries=[276, 250], documents=[document],
    )
    token, receipt = issue(factory, project, request, verified_issuer)
    assert token.name() == "Acme Robotics SA" and token.symbol() == "ACME"
    assert token.registry() == registry.address
    assert token.hasRole(ISSUER_ROLE, verified_issuer)
    assert token.hasRole(AGENT_ROLE, agent)
    assert token.hasRole(b"\0" * 32, operator)
    assert token.compliance_rules() == (0, True, 150, 0, 1)
    assert token.country_listed(276) and token.country_listed(250) and not token.country_listed(840)
    assert token.getDocument(document[0])[0] == "ipfs://prospectus"
    [event] = receipt.decode_logs(factory.SecurityIssued)
    assert event.token == token.address and event.isin == request[0] and event.index == 0

    listing = factory.security_at(0)
    assert listing.token == token.address and listing.issuer == verified_issuer.address
    assert listing.status == STATUS_LISTED and listing.isin == request[0]
    assert factory.security_by_isin(request[0]).token == token.address
    assert factory.security_by_token(token).isin == request[0]
    assert factory.security_count() == 1


def test_operator_issues_on_behalf_of_issuer(factory, project, verified_issuer, operator):
    token, _ = issue(factory, project, issuance_request(verified_issuer), operator)
    assert token.hasRole(ISSUER_ROLE, verified_issuer)


def test_non_issuers_are_refused(factory, verified_issuer, alice, bob, register, verified_investors, accounts, registry, registrar):
    with ape.reverts("factory: not an issuer"):
        factory.issue_security(issuance_request(alice), sender=alice)
    with ape.reverts("access_control: account is missing role"):
        factory.issue_security(issuance_request(verified_issuer), sender=alice)
    natural_issuer = accounts[13]
    register(natural_issuer, kind=1, flags=2)
    with ape.reverts("factory: issuer not an enterprise"):
        factory.issue_security(issuance_request(natural_issuer), sender=natural_issuer)
    registry.revoke_identity([verified_issuer], sender=registrar)
    with ape.reverts("factory: issuer not verified"):
        factory.issue_security(issuance_request(verified_issuer), sender=verified_issuer)


@pytest.mark.parametrize(
    "code",
    ["US0378331006", "us0378331005", "1S0378331005", "US037833100X", "US03783310", "US-378331005"],
)
def test_bad_isins_are_refused(factory, verified_issuer, code):
    assert not is_valid_isin(code)
    with ape.reverts("factory: invalid isin"):
        factory.issue_security(issuance_request(verified_issuer, isin=code), sender=verified_issuer)


def test_duplicate_isin_is_refused(factory, verified_issuer):
    factory.issue_security(issuance_request(verified_issuer), sender=verified_issuer)
    with ape.reverts("factory: isin already listed"):
        factory.issue_security(issuance_request(verified_issuer, symbol="OTHER"), sender=verified_issuer)


def test_symbols_are_unique_and_resolve_in_any_case(factory, project, verified_issuer):
    andes, _ = issue(factory, project, issuance_request(verified_issuer, symbol="ANDES"), verified_issuer)
    second = make_isin("CH000000002")
    with ape.reverts("factory: symbol already listed"):
        factory.issue_security(issuance_request(verified_issuer, isin=second, symbol="ANDES"), sender=verified_issuer)
    # Symbols are stored in capitals, so a small-letter twin cannot be listed either.
    with ape.reverts("factory: invalid symbol"):
        factory.issue_security(issuance_request(verified_issuer, isin=second, symbol="andes"), sender=verified_issuer)
    pampa, _ = issue(factory, project, issuance_request(verified_issuer, isin=second, symbol="PAMPA2"), verified_issuer)
    for query, token in (("ANDES", andes), ("andes", andes), ("AnDeS", andes), ("pampa2", pampa), ("PAMPA2", pampa)):
        assert factory.security_by_symbol(query) == token.address
    for unknown in ("ANDE", "ANDESX", "", "AND.S", "PAMPA"):
        assert factory.security_by_symbol(unknown) == ZERO_ADDRESS


@pytest.mark.parametrize("symbol", ["BRK.B", "CO-BRE", "A B", "ÄCME", "acme"])
def test_symbols_outside_the_charset_are_refused(factory, verified_issuer, symbol):
    with ape.reverts("factory: invalid symbol"):
        factory.issue_security(issuance_request(verified_issuer, symbol=symbol), sender=verified_issuer)


def test_listing_is_enumerable(factory, verified_issuer):
    codes = [make_isin(f"CH00000000{i}") for i in range(3)]
    for i, code in enumerate(codes):
        factory.issue_security(issuance_request(verified_issuer, isin=code, symbol=f"S{i}"), sender=verified_issuer)
    assert factory.security_count() == 3
    assert [factory.security_at(i).isin for i in range(3)] == codes
    with ape.reverts("factory: index out of range"):
        factory.security_at(3)
    with ape.reverts("factory: unknown isin"):
        factory.security_by_isin(make_isin("CH000000009"))
    with ape.reverts("factory: unknown security"):
        factory.security_by_token(verified_issuer)


def test_halt_resume_delist(factory, project, verified_issuer, operator, alice):
    token, _ = issue(factory, project, issuance_request(verified_issuer), verified_issuer)
    with ape.reverts("factory: not issuer or operator"):
        factory.halt(token, sender=alice)
    factory.halt(token, sender=verified_issuer)
    assert factory.security_by_token(token).status == STATUS_HALTED
    with ape.reverts("factory: not trading"):
        factory.halt(token, sender=verified_issuer)
    factory.resume(token, sender=operator)
    with ape.reverts("factory: not halted"):
        factory.resume(token, sender=operator)
    with ape.reverts("access_control: account is missing role"):
        factory.delist(token, sender=verified_issuer)
    receipt = factory.delist(token, sender=operator)
    assert receipt.decode_logs(factory.ListingStatusChanged)[0].status == STATUS_DELISTED
    with ape.reverts("factory: already delisted"):
        factory.delist(token, sender=operator)
    with ape.reverts("factory: not trading"):
        factory.halt(token, sender=operator)


def test_platform_agent_only_by_admin(factory, operator, alice, accounts):
    with ape.reverts("access_control: account is missing role"):
        factory.set_platform_agent(alice, sender=alice)
    with ape.reverts("factory: zero agent"):
        factory.set_platform_agent("0x0000000000000000000000000000000000000000", sender=operator)
    factory.set_platform_agent(accounts[12], sender=operator)
    assert factory.platform_agent() == accounts[12]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=12, max_size=12))
def test_contract_isin_check_matches_reference(factory, code):
    assert factory.is_valid_isin(code) == is_valid_isin(code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=9, max_size=9),
)
def test_every_generated_isin_is_accepted(factory, country, national):
    assert factory.is_valid_isin(make_isin(country + national))


def test_issuance_creates_the_market(factory, project, listed, cash, dividends, votes, operator, verified_issuer):
    listing = factory.security_by_token(listed)
    market = clone_at(project.OrderBook, listing.market)
    assert listing.market != "0x" + "0" * 40 and listing.offering == "0x" + "0" * 40
    assert market.token() == listed.address and market.cash() == cash.address
    assert (market.lot_size(), market.tick_size(), market.status()) == (1, 10_000, MARKET_TRADING)
    assert listed.hasRole(MARKET_ROLE, market)
    assert listed.hasRole(RECORDER_ROLE, dividends) and listed.hasRole(RECORDER_ROLE, votes)
    assert market.hasRole(b"\0" * 32, operator) and market.hasRole(b"\0" * 32, factory)
    # Halts go through the listing, so the issuer holds no role on the market itself.
    with ape.reverts("access_control: account is missing role"):
        market.halt(sender=verified_issuer)


def test_listing_status_reaches_the_market(factory, project, listed, verified_issuer, operator):
    market = clone_at(project.OrderBook, factory.security_by_token(listed).market)
    factory.halt(listed, sender=verified_issuer)
    assert market.status() == MARKET_HALTED
    factory.resume(listed, sender=verified_issuer)
    assert market.status() == MARKET_TRADING
    factory.delist(listed, sender=operator)
    assert market.status() == MARKET_DELISTED


def test_bad_market_parameters_issue_nothing(factory, verified_issuer):
    with ape.reverts("market: bad tick size"):
        factory.issue_security(issuance_request(verified_issuer, tick_size=0), sender=verified_issuer)
    with ape.reverts("market: bad lot size"):
        factory.issue_security(issuance_request(verified_issuer, lot_size=0), sender=verified_issuer)
    assert factory.security_count() == 0


def test_offering_through_the_factory(factory, project, listed, chain, cash, fund, verified_issuer, verified_investors):
    offering, receipt = create_offering(factory, project, listed, verified_issuer, chain)
    [event] = receipt.decode_logs(factory.OfferingCreated)
    assert (event.token, event.offering, event.index) == (listed.address, offering.address, 0)
    listing = factory.security_at(0)
    assert listing.offering == offering.address and listing.status == STATUS_OFFERING
    assert listed.hasRole(MINTER_ROLE, offering)
    assert (offering.security_token(), offering.cash_token(), offering.issuer()) == (listed.address, cash.address, verified_issuer.address)

    buyers = verified_investors[:2]
    chain.pending_timestamp += 100
    for buyer, shares in zip(buyers, (300, 400)):
        fund(buyer, shares * PRICE)
        cash.approve(offering, shares * PRICE, sender=buyer)
        offering.subscribe(shares, sender=buyer)
    chain.pending_timestamp += WEEK
    offering.close(sender=buyers[0])
    offering.settle_many(buyers, sender=buyers[0])
    assert [listed.balanceOf(b) for b in buyers] == [300, 400]
    assert cash.balanceOf(verified_issuer) == 700 * PRICE
    assert factory.security_at(0).status == STATUS_LISTED


def test_one_offering_at_a_time(factory, project, listed, chain, verified_issuer, operator, alice):
    with ape.reverts("factory: not issuer or operator"):
        factory.create_offering(listed, offering_terms(chain), sender=alice)
    first, _ = create_offering(factory, project, listed, operator, chain)
    with ape.reverts("factory: offering in progress"):
        factory.create_offering(listed, offering_terms(chain), sender=verified_issuer)
    first.cancel(sender=verified_issuer)
    assert factory.security_by_token(listed).status == STATUS_LISTED
    second, _ = create_offering(factory, project, listed, verified_issuer, chain)
    assert factory.security_by_token(listed).offering == second.address


def test_halt_during_an_offering_resumes_to_offering(factory, project, listed, chain, verified_issuer):
    create_offering(factory, project, listed, verified_issuer, chain)
    factory.halt(listed, sender=verified_issuer)
    with ape.reverts("factory: not trading"):
        factory.create_offering(listed, offering_terms(chain), sender=verified_issuer)
    factory.resume(listed, sender=verified_issuer)
    assert factory.security_by_token(listed).status == STATUS_OFFERING


def test_bad_offering_terms_leave_the_listing_unchanged(factory, listed, chain, verified_issuer):
    with ape.reverts("offering: soft cap above hard cap"):
        factory.create_offering(listed, offering_terms(chain, soft_cap=3_000), sender=verified_issuer)
    listing = factory.security_by_token(listed)
    assert listing.offering == "0x" + "0" * 40 and listing.status == STATUS_LISTED
    with ape.reverts("factory: unknown security"):
        factory.create_offering(verified_issuer, offering_terms(chain), sender=verified_issuer)


# HARDENING (issue 12) #


def test_finding_6_revoked_issuer_cannot_resume_or_create_offering(factory, project, listed, chain, verified_issuer, operator, accounts):
    factory.halt(listed, sender=verified_issuer)
    listed.revokeRole(ISSUER_ROLE, verified_issuer, sender=operator)
    with ape.reverts("factory: not issuer or operator"):
        factory.resume(listed, sender=verified_issuer)
    factory.resume(listed, sender=operator)
    with ape.reverts("factory: not issuer or operator"):
        factory.create_offering(listed, offering_terms(chain), sender=verified_issuer)
    with ape.reverts("factory: not issuer or operator"):
        factory.halt(listed, sender=verified_issuer)
    # Nor may the operator open an offering that would pay the revoked key.
    with ape.reverts("factory: issuer revoked"):
        factory.create_offering(listed, offering_terms(chain), sender=operator)
    # The issuer's new key holds the powers and receives the proceeds.
    new_key = accounts[12]
    listed.grantRole(ISSUER_ROLE, new_key, sender=operator)
    offering, _ = create_offering(factory, project, listed, new_key, chain)
    assert offering.issuer() == new_key.address
    factory.halt(listed, sender=new_key)
    factory.resume(listed, sender=new_key)


def test_finding_6_issuer_cannot_lift_an_operator_halt(factory, project, listed, verified_issuer, operator):
    market = clone_at(project.OrderBook, factory.security_by_token(listed).market)
    receipt = factory.halt(listed, sender=operator)
    with ape.reverts("factory: halted by the operator"):
        factory.resume(listed, sender=verified_issuer)
    assert receipt.decode_logs(factory.OperatorHaltChanged)[0].operator_halt
    assert factory.halted_by_operator(listed)
    factory.resume(listed, sender=operator)
    assert not factory.halted_by_operator(listed) and market.status() == MARKET_TRADING
    # An issuer's halt the issuer lifts; the operator may take it over, and then only it lifts it.
    factory.halt(listed, sender=verified_issuer)
    assert not factory.halted_by_operator(listed)
    factory.resume(listed, sender=verified_issuer)
    factory.halt(listed, sender=verified_issuer)
    factory.halt(listed, sender=operator)
    assert factory.halted_by_operator(listed) and market.status() == MARKET_HALTED
    with ape.reverts("factory: halted by the operator"):
        factory.resume(listed, sender=verified_issuer)
    with ape.reverts("factory: not trading"):
        factory.halt(listed, sender=operator)
    factory.resume(listed, sender=operator)
    assert factory.security_by_token(listed).status == STATUS_LISTED


@pytest.mark.parametrize("ending", ["cancel", "failure", "success"])
def test_finding_6_offering_loses_the_minter_role_when_it_ends(factory, project, listed, chain, cash, fund, verified_issuer, verified_investors, ending):
    offering, _ = create_offering(factory, project, listed, verified_issuer, chain)
    buyers = verified_investors[:2]
    chain.pending_timestamp += 100
    shares = 100 if ending == "failure" else 300
    for buyer in buyers:
        fund(buyer, shares * PRICE)
        cash.approve(offering, shares * PRICE, sender=buyer)
        offering.subscribe(shares, sender=buyer)
    if ending == "cancel":
        offering.cancel(sender=verified_issuer)
    else:
        chain.pending_timestamp += WEEK
        offering.close(sender=buyers[0])
    if ending != "success":
        assert not listed.hasRole(MINTER_ROLE, offering)
        offering.settle_many(buyers, sender=buyers[0])
        assert listed.totalSupply() == 0
        return
    # A successful offering mints its allotments, then renounces with the last settlement.
    offering.settle(buyers[0], sender=buyers[0])
    assert listed.hasRole(MINTER_ROLE, offering)
    receipt = offering.settle(buyers[1], sender=buyers[0])
    assert not listed.hasRole(MINTER_ROLE, offering)
    assert receipt.decode_logs(listed.RoleRevoked)[0].account == offering.address
    assert listed.totalSupply() == 600


def test_finding_1_factory_trusts_only_listed_tokens(factory, make_token, chain, issuer, operator, register):
    """Every factory entry that takes a token looks it up in the listing before calling it: an
    unlisted token whose issuer is the caller gets nothing (no offering, no minter, no halt)."""
    register(issuer, kind=2, flags=2)
    stray = make_token(symbol="STRAY")
    for call, args in [
        (factory.halt, ()), (factory.resume, ()), (factory.delist, ()),
        (factory.create_offering, (offering_terms(chain),)),
    ]:
        with ape.reverts("factory: unknown security"):
            call(stray, *args, sender=operator if call == factory.delist else issuer)
