"""The operator console helpers, on a platform deployed by the fixtures."""

import ape
import pytest
from ape import chain

from keiretsu.clones import clone_at
from keiretsu.console import OperatorConsole
from keiretsu.isin import make_isin
from keiretsu.symbols import UnknownSecurity, resolve_security
from tests.fixtures.factory import issuance_request
from tests.fixtures.market import BUY, SELL, place

STATUS_HALTED, STATUS_LISTED = 3, 2
MARKET_TRADING, MARKET_HALTED = 1, 2
MISSING_ROLE = "access_control: account is missing role"


@pytest.fixture
def console(registry, factory, cash, operator, project, registrar, verified_issuer, dividends):
    receipt = factory.issue_security(issuance_request(verified_issuer), sender=verified_issuer)
    (issued,) = factory.SecurityIssued.from_receipt(receipt)  # no trace: some tests refuse tracing
    helpers = OperatorConsole(registry, factory, cash, operator, project.SecurityToken, market_type=project.OrderBook, dividends=dividends)
    return helpers, clone_at(project.SecurityToken, issued.token)


@pytest.fixture
def book(console, agent, fund, cash, verified_investors):
    """ACME's order book with alice and bob selling and carol buying."""
    helpers, token = console
    alice, bob, carol = verified_investors[:3]
    token.batchMint([alice, bob], [500, 500], sender=agent)
    fund(carol, 10**12)
    market = helpers.market("ACME")
    cash.approve(market, 2**256 - 1, sender=carol)
    place(market, alice, SELL, 1010, 30)
    place(market, bob, SELL, 1010, 20)
    place(market, bob, SELL, 1050, 5)
    place(market, carol, BUY, 990, 40)
    return market


def test_securities_by_symbol_in_any_case(console, factory, verified_issuer, agent, capsys):
    helpers, token = console
    assert helpers.securities() == {"ACME": token}
    beta = clone_at(helpers.token_type, factory.issue_security(issuance_request(verified_issuer, "CH000000002", "BETA"), sender=verified_issuer).return_value)
    # One entry per listing, however often it is asked.
    assert helpers.securities() == helpers.securities() == {"ACME": token, "BETA": beta}
    assert helpers.security("acme") == token and helpers.security("Beta") == beta
    with pytest.raises(KeyError, match="no security with symbol 'NOPE'; listed: ACME, BETA"):
        helpers.security("NOPE")
    token.mint(verified_issuer, 10, sender=agent)
    helpers.cap_table("acme")
    assert capsys.readouterr().out.startswith("Cap table of ACME (1 holders, 10 shares)")


def test_resolve_security_is_the_one_lookup(console, factory, project, cash):
    _, token = console
    for written in ("ACME", "acme", " Acme ", token.address, token.address.lower()):
        assert resolve_security(factory, project.SecurityToken, written) == token
    for unknown in ("ACMEX", "AC.ME", "ıCME"):
        with pytest.raises(UnknownSecurity) as error:
            resolve_security(factory, project.SecurityToken, unknown)
        assert error.value.listed == ["ACME"]
        assert str(error.value) == f"no security with symbol {unknown!r}; listed: ACME"
    # An address that is not a listed security, such as the cash token's.
    with pytest.raises(UnknownSecurity, match=f"no security at {cash.address}; listed: ACME"):
        resolve_security(factory, project.SecurityToken, cash.address)


def test_onboard_and_status(console, registry, operator, registrar, alice):
    helpers, _ = console
    registry.grantRole(registry.REGISTRAR_ROLE(), operator, sender=operator)
    helpers.onboard_investor(alice, "dossier-42", kind="enterprise", country="DE", qualified=True)
    status = helpers.kyc_status(alice)
    assert status["verified"] and status["kind"] == "enterprise" and status["country"] == 276
    assert status["qualified"] and not status["issuer"] and not status["revoked"]
    with pytest.raises(ValueError, match="unknown country"):
        helpers.onboard_investor(alice, "x", country="XX")
    with pytest.raises(ValueError, match="only an enterprise can be an issuer"):
        helpers.onboard_investor(alice, "x", kind="natural", issuer=True)


def test_freeze_recover_halt(console, operator, agent, alice, registry, registrar, accounts, verified_investors):
    helpers, token = console
    helpers.sender = agent  # the transfer agent freezes and recovers
    token.mint(alice, 100, sender=agent)
    helpers.freeze("ACME", alice)
    assert token.isFrozen(alice)
    helpers.unfreeze("ACME", alice)
    assert not token.isFrozen(alice)
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    helpers.recover("ACME", alice, new_wallet)
    assert token.balanceOf(new_wallet) == 100
    helpers.sender = operator
    helpers.halt("ACME")
    assert helpers.factory.security_by_token(token).status == STATUS_HALTED
    helpers.resume("ACME")
    assert helpers.factory.security_by_token(token).status == STATUS_LISTED


def test_recover_wallet_moves_every_security_and_retires_the_lost_wallet(
    console, book, factory, agent, operator, registry, accounts, verified_investors, verified_issuer
):
    helpers, acme = console
    alice, _, carol = verified_investors[:3]
    beta = clone_at(helpers.token_type, factory.issue_security(issuance_request(verified_issuer, "CH000000002", "BETA"), sender=verified_issuer).return_value)
    beta.mint(alice, 7, sender=agent)
    new_wallet = accounts[17]
    helpers.sender = agent
    with pytest.raises(ValueError, match="lacks the registry's REGISTRAR_ROLE"):
        helpers.recover_wallet(alice, new_wallet)
    assert not registry.contains(new_wallet)  # nothing was sent
    registry.grantRole(registry.REGISTRAR_ROLE(), agent, sender=operator)

    assert helpers.recover_wallet(alice, new_wallet) == ["ACME", "BETA"]

    assert (acme.balanceOf(new_wallet), acme.held_balance(new_wallet), beta.balanceOf(new_wallet)) == (500, 30, 7)
    assert acme.balanceOf(alice) == beta.balanceOf(alice) == 0
    assert not registry.contains(alice) and registry.isVerified(new_wallet)
    with ape.reverts("token: recipient not verified"):
        acme.mint(alice, 1, sender=agent)
    # The lost wallet's resting sell order is skipped, and its hold comes off the new wallet.
    place(book, carol, BUY, 1010, 30)
    assert acme.balanceOf(carol) == 20 and acme.held_balance(new_wallet) == 0 and acme.balanceOf(new_wallet) == 500


def test_recover_wallet_refuses_what_cannot_complete(console, registrar, registry, agent, operator, accounts, verified_investors):
    helpers, acme = console
    alice, bob = verified_investors[:2]
    acme.mint(alice, 5, sender=agent)
    helpers.sender = registrar
    with pytest.raises(ValueError, match="belongs to another investor"):
        helpers.recover_wallet(alice, bob)
    registry.grantRole(registry.REGISTRAR_ROLE(), agent, sender=operator)
    registry.revoke_identity([alice], sender=registrar)
    helpers.sender = agent
    with pytest.raises(ValueError, match="KYC is expired or revoked"):
        helpers.recover_wallet(alice, accounts[17])
    assert acme.balanceOf(alice) == 5 and registry.contains(alice) and not registry.contains(accounts[17])


def test_cap_table_prints(console, agent, alice, verified_investors, capsys):
    helpers, token = console
    token.mint(alice, 5, sender=agent)
    helpers.cap_table("ACME")
    assert alice.address in capsys.readouterr().out


def test_issue_security_needs_the_operator_role(console, operator, registrar, factory, verified_issuer):
    helpers, _ = console
    helpers.sender = registrar
    with ape.reverts(MISSING_ROLE):
        helpers.issue_security("CH000000002", "Beta Werkzeug AG", "BETA", verified_issuer.address)
    helpers.sender = operator  # the deployer holds the factory's OPERATOR_ROLE
    token = helpers.issue_security("CH000000002", "Beta Werkzeug AG", "BETA", verified_issuer.address, lot_size=10, tick_size=500)
    assert helpers.security("BETA") == token and token.name() == "Beta Werkzeug AG"
    listing = factory.security_by_token(token)
    assert listing.isin == make_isin("CH000000002") and listing.issuer == verified_issuer.address
    assert (helpers.market("BETA").lot_size(), helpers.market("BETA").tick_size()) == (10, 500)


def test_issue_shares_by_the_transfer_agent_only(console, agent, operator, verified_investors, outsider):
    helpers, token = console
    alice, bob = verified_investors[:2]
    helpers.sender = agent
    helpers.issue_shares("ACME", {alice.address: 120, bob.address: 80})
    assert (token.balanceOf(alice), token.balanceOf(bob), token.totalSupply()) == (120, 80, 200)
    with ape.reverts("token: recipient not verified"):
        helpers.issue_shares("ACME", {alice.address: 1, outsider.address: 1})
    assert token.totalSupply() == 200
    helpers.sender = alice
    with ape.reverts(MISSING_ROLE):
        helpers.issue_shares("ACME", {alice.address: 1})


def test_depth_shows_both_sides_best_first(console, book, capsys):
    helpers, _ = console
    assert helpers.depth("ACME") == {"bids": [(9_900_000, 40)], "asks": [(10_100_000, 50), (10_500_000, 5)]}
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "ACME order book (price per lot in DPESO, shares)",
        "  ask           10.50             5",
        "  ask           10.10            50",
        "  bid            9.90            40",
    ]
    assert helpers.depth("ACME", levels=1) == {"bids": [(9_900_000, 40)], "asks": [(10_100_000, 50)]}


def test_halt_stops_the_market_and_resume_reopens_it(console, book, verified_investors, outsider, operator, factory):
    helpers, token = console
    alice, _, carol = verified_investors[:3]
    helpers.sender = outsider
    with ape.reverts("factory: not issuer or operator"):
        helpers.halt("ACME")
    helpers.sender = operator
    helpers.halt("ACME")
    assert book.status() == MARKET_HALTED and factory.security_by_token(token).status == STATUS_HALTED
    with ape.reverts("market: not trading"):
        place(book, carol, BUY, 1010, 1)
    (order_id,) = book.open_orders(alice, SELL, 50, 100)
    book.cancel_order(order_id, sender=alice)  # cancelling stays possible
    helpers.resume("ACME")
    assert book.status() == MARKET_TRADING and factory.security_by_token(token).status == STATUS_LISTED
    place(book, carol, BUY, 1010, 20)
    assert token.balanceOf(carol) == 20


def test_trade_and_dividend_reports_print(console, book, verified_investors, capsys):
    helpers, _ = console
    carol = verified_investors[2]
    place(book, carol, BUY, 1010, 10)
    helpers.trades("ACME")
    helpers.dividends_paid("ACME")
    out = capsys.readouterr().out
    assert "Trades of ACME (1 trades, 10 shares, 101.00 DPESO)" in out
    assert "Dividends of ACME (0 declared; dates UTC)" in out



CANCELLED_BY_OPERATOR = 104


def cancellations(market, since):
    return [(log.order_id, log.owner, log.reason) for log in market.OrderCancelled.range(since, chain.blocks.height + 1)]


def test_force_cancel_then_forced_transfer_of_held_shares(console, book, agent, verified_investors):
    helpers, token = console
    alice, bob, carol = verified_investors[:3]
    with ape.reverts("token: exceeds unheld balance; force_cancel orders first"):
        token.forcedTransfer(alice, carol, 500, sender=agent)
    helpers.sender = agent
    (order_id,) = helpers.open_orders("ACME", alice)
    since = chain.blocks.height + 1
    assert helpers.force_cancel("ACME", alice) == [order_id]
    assert cancellations(book, since) == [(order_id, alice.address, CANCELLED_BY_OPERATOR)]
    assert token.held_balance(alice) == 0 and helpers.open_orders("ACME", alice) == []
    token.forcedTransfer(alice, carol, 500, sender=agent)
    assert token.balanceOf(carol) == 500
    # The helper cancels the holder's sell orders only when its unheld shares fall short.
    helpers.forced_transfer("ACME", bob, carol, 400)
    assert len(helpers.open_orders("ACME", bob)) == 2
    helpers.forced_transfer("ACME", bob, carol, 100)
    assert helpers.open_orders("ACME", bob) == [] and token.balanceOf(bob) == 0 and token.balanceOf(carol) == 1000


def test_force_cancel_by_the_operator_in_a_halted_market_refunds_the_buyer(console, book, cash, operator, outsider, verified_investors):
    helpers, _ = console
    carol = verified_investors[2]
    helpers.sender = outsider
    with pytest.raises(ValueError, match="neither the transfer agent of ACME nor its market's operator"):
        helpers.force_cancel("ACME", carol)
    helpers.sender = operator  # the market's admin
    helpers.halt("ACME")
    (order_id,) = helpers.open_orders("ACME", carol)
    escrow, before = book.escrow_of(order_id), cash.balanceOf(carol)
    assert helpers.force_cancel("ACME", carol) == [order_id]
    assert cash.balanceOf(carol) == before + escrow and helpers.open_orders("ACME", carol) == []
    assert helpers.force_cancel("ACME", carol) == []


def test_force_cancel_takes_the_orders_of_a_wallet_recovered_into_it(console, book, agent, registry, registrar, accounts, verified_investors):
    helpers, token = console
    alice, _, carol = verified_investors[:3]
    new_wallet = accounts[17]
    registry.add_wallet(alice, new_wallet, sender=registrar)
    token.recoveryAddress(alice, new_wallet, sender=agent)
    assert token.held_balance(new_wallet) == 30 and helpers.recovered_into("ACME", new_wallet) == [alice.address]
    helpers.sender = agent
    (order_id,) = helpers.open_orders("ACME", alice)
    assert helpers.force_cancel("ACME", new_wallet) == [order_id]
    assert token.held_balance(new_wallet) == 0
    helpers.forced_transfer("ACME", new_wallet, carol, 500)
    assert token.balanceOf(carol) == 500


def test_the_helpers_that_create_need_no_trace(console, project, cash, operator, verified_issuer, without_tracing):
    """A production node does not trace (issue 15, point 2): the new token and the cash token's
    index are read from the listings, not from the transactions' return values."""
    helpers, _ = console
    token = helpers.issue_security("CH000000002", "Beta Werkzeug AG", "BETA", verified_issuer.address)
    assert helpers.security("BETA") == token
    other = project.CashToken.deploy("Digital Dollar", "DUSD", 6, sender=operator)
    assert [helpers.list_cash_token(other), helpers.list_cash_token(other), helpers.list_cash_token(cash)] == [1, 1, 0]


def test_list_cash_token_for_dividends(console, project, dividends, cash, operator, outsider):
    helpers, _ = console
    other = project.CashToken.deploy("Digital Dollar", "DUSD", 6, sender=operator)
    helpers.sender = outsider
    with ape.reverts("dividends: caller is not the admin"):
        helpers.list_cash_token(other)
    helpers.sender = operator  # the dividend contract's deployer
    assert helpers.list_cash_token(other) == 1
    assert helpers.list_cash_token(other) == 1  # listing twice keeps its index
    assert helpers.list_cash_token(cash) == 0  # the platform's stablecoin is always listed
    assert dividends.cash_tokens(1) == other.address
