"""The demo market `make up` seeds once per chain: two issuers and twelve investors, a closed and
settled offering for each security, resting orders on both sides of each book, a few trades, and a
declared dividend on ANDES that some holders have already been paid.

Seeding runs in named steps; each finished step is recorded in the manifest (`demo_seed`), so a
seeding interrupted between steps resumes where it stopped, and a seeded chain is never seeded
again. `demo_seeded_for` (the registry address) marks a chain whose seeding is complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from ape import chain, project
from eth_utils import keccak

from keiretsu.clones import clone_at
from keiretsu.deploy import Deployment
from keiretsu.isin import make_isin
from keiretsu.manifest import DEPLOYMENTS, save_manifest

ONE_YEAR = 365 * 86400
PESO = 10**6
NATURAL_PERSON, ENTERPRISE = 1, 2
QUALIFIED, ISSUER_FLAG = 1, 2
BUY, SELL = 0, 1
GOOD_TILL_CANCELLED, IMMEDIATE_OR_CANCEL = 0, 1
MAX_FILLS = 32
UNLIMITED = 2**256 - 1
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
# The demo offerings would run this long; each sells out its hard cap at once and is closed early by
# its issuer, so the chain's clock never moves ahead of real time. The dividend's record and
# payment date lie this far ahead of its declaration: seeding waits for them in real time.
OFFERING_SECONDS = 600
DIVIDEND_DELAY_SECONDS = 5

# (account index, role, country, kind, flags)
ISSUERS = [(2, "issuer: Andes Robotics SA", 152, ENTERPRISE, ISSUER_FLAG), (3, "issuer: Pampa Foods SRL", 32, ENTERPRISE, ISSUER_FLAG)]
INVESTOR_COUNTRIES = [152, 32, 484, 170, 604, 76, 152, 32, 484, 170, 604, 858]
FIRST_INVESTOR = 4
INVESTOR_CASH = 1_000_000 * PESO


@dataclass(frozen=True)
class DemoSecurity:
    isin_payload: str  # the ISIN without its check digit
    name: str
    symbol: str
    issuer_index: int
    price: int  # offering price per share, in cash base units
    tick_size: int  # cash base units per tick (one share per lot)
    subscriptions: tuple[int, ...]  # shares subscribed by investors 1, 2, ...
    resting: tuple[tuple[int, int, int, int], ...]  # (investor, side, tick, shares) left on the book
    taking: tuple[tuple[int, int, int, int], ...]  # (investor, side, tick, shares) trading against it
    dividend: int = 0  # cash declared as a dividend, 0 for none
    claimants: tuple[int, ...] = ()  # investors who claim the dividend themselves
    paid_by_agent: tuple[int, ...] = ()  # investors the transfer agent pays


SECURITIES = [
    DemoSecurity(
        "CL000ANDES1", "Andes Robotics SA", "ANDES", 2, price=12_500_000, tick_size=10_000,
        subscriptions=(1_000, 800, 600, 500, 400, 300, 200, 200),
        resting=((1, SELL, 1300, 100), (2, SELL, 1320, 50), (3, SELL, 1280, 80),
                 (9, BUY, 1220, 100), (10, BUY, 1200, 60), (11, BUY, 1240, 40)),
        taking=((9, BUY, 1280, 30), (4, SELL, 1240, 20), (12, BUY, 1300, 60)),
        dividend=4_000 * PESO, claimants=(1, 2, 3), paid_by_agent=(4, 5),
    ),
    DemoSecurity(
        "AR000PAMPA1", "Pampa Foods SRL", "PAMPA", 3, price=8_000_000, tick_size=10_000,
        subscriptions=(600, 600, 500, 400, 300, 200),
        resting=((1, SELL, 850, 120), (5, SELL, 870, 70), (7, BUY, 780, 150), (8, BUY, 790, 90)),
        taking=((7, BUY, 850, 40), (2, SELL, 790, 30)),
    ),
]


@dataclass
class DemoAccount:
    index: int
    address: str
    role: str


def investor_index(number: int) -> int:
    """The account index of investor `number` (from 1)."""
    return FIRST_INVESTOR + number - 1


def demo_accounts(accounts: list) -> list[DemoAccount]:
    """Who is who in the demo: the operator, the two issuers, and twelve investors."""
    people = [DemoAccount(0, accounts[0].address, "operator: deployer, registrar, transfer agent, treasury")]
    people.append(DemoAccount(1, accounts[1].address, "spare operator account"))
    people += [DemoAccount(i, accounts[i].address, role) for i, role, *_ in ISSUERS]
    for number, country in enumerate(INVESTOR_COUNTRIES, start=1):
        holdings = [s.symbol for s in SECURITIES if number <= len(s.subscriptions)]
        role = f"investor {number} (country {country}{', qualified' if number % 3 == 1 else ''})"
        role += f": subscribed {', '.join(holdings)}" if holdings else ": cash only, buys on the market"
        people.append(DemoAccount(investor_index(number), accounts[investor_index(number)].address, role))
    return people


def wait_until(timestamp: int) -> None:
    """Waits in real time until the next block is past `timestamp` (never moves the chain's clock)."""
    while chain.pending_timestamp <= timestamp:
        time.sleep(0.25)


def demo_steps(deployment: Deployment, accounts: list) -> Iterator[tuple[str, Callable[[], None]]]:
    """The seeding steps, by name, in order."""
    operator = accounts[0]
    registry = deployment.contract("IdentityRegistry")
    cash = deployment.contract("CashToken")
    factory = deployment.contract("IssuanceFactory")
    dividends = deployment.contract("Dividends")
    investor = lambda number: accounts[investor_index(number)]  # noqa: E731

    def register_people() -> None:
        expiry = chain.pending_timestamp + ONE_YEAR
        people = [(index, country, kind, flags) for index, _, country, kind, flags in ISSUERS]
        people += [
            (investor_index(number), country, NATURAL_PERSON, QUALIFIED if number % 3 == 1 else 0)
            for number, country in enumerate(INVESTOR_COUNTRIES, start=1)
        ]
        registry.batch_register_investors(
            [accounts[index].address for index, *_ in people],
            [keccak(text=f"demo-kyc-{index}") for index, *_ in people],
            [kind for *_, kind, _ in people],
            [country for _, country, *_ in people],
            [expiry] * len(people),
            [flags for *_, flags in people],
            sender=operator,
        )
        for number in range(1, len(INVESTOR_COUNTRIES) + 1):
            cash.mint(investor(number), INVESTOR_CASH, sender=operator)

    def token_of(security: DemoSecurity):
        listing = factory.security_by_isin(make_isin(security.isin_payload))
        return deployment.project_token(listing.token), listing

    def issue(security: DemoSecurity) -> None:
        issuer = accounts[security.issuer_index]
        slug = security.symbol.lower()
        document = (b"prospectus".ljust(32, b"\0"), f"https://example.org/{slug}/prospectus.pdf", keccak(text=f"{security.symbol} prospectus"))
        factory.issue_security(
            (make_isin(security.isin_payload), security.name, security.symbol, 0, issuer.address, 0, True, 500, 0, 0, [],
             [document], 1, security.tick_size),
            sender=issuer,
        )

    def run_offering(security: DemoSecurity) -> None:
        token, listing = token_of(security)
        if listing.offering == ZERO_ADDRESS:  # else resumed after a failure half-way
            # Open from the latest block on, so that every later block (and gas estimation) is in it.
            start = chain.blocks.head.timestamp
            total = sum(security.subscriptions)
            terms = (security.price, 1, 10, max(security.subscriptions), total // 2, total, start, start + OFFERING_SECONDS)
            factory.create_offering(token, terms, sender=accounts[security.issuer_index])
        offering = clone_at(project.Offering, factory.security_by_token(token).offering)
        subscribers = [investor(number) for number in range(1, len(security.subscriptions) + 1)]
        for subscriber, shares in zip(subscribers, security.subscriptions):
            if offering.subscription_of(subscriber) == 0:
                cash.approve(offering, offering.cost_of(shares), sender=subscriber)
                offering.subscribe(shares, sender=subscriber)
        offering.close(sender=accounts[security.issuer_index])  # sold out: the issuer closes before the end
        offering.settle_many(subscribers, sender=operator)

    def trade(security: DemoSecurity) -> None:
        _, listing = token_of(security)
        market = clone_at(project.OrderBook, listing.market)
        for number in {number for number, *_ in security.resting + security.taking}:
            cash.approve(market, UNLIMITED, sender=investor(number))
        for number, side, tick, shares in security.resting:
            market.place_order(side, tick, shares, GOOD_TILL_CANCELLED, 0, MAX_FILLS, sender=investor(number))
        for number, side, tick, shares in security.taking:
            market.place_order(side, tick, shares, IMMEDIATE_OR_CANCEL, 0, MAX_FILLS, sender=investor(number))

    def pay_dividend(security: DemoSecurity) -> None:
        token, _ = token_of(security)
        issuer = accounts[security.issuer_index]
        cash.approve(dividends, security.dividend, sender=issuer)
        record = chain.pending_timestamp + DIVIDEND_DELAY_SECONDS
        receipt = dividends.declare(token, cash, security.dividend, record, record, record + ONE_YEAR, [], sender=issuer)
        (declared,) = dividends.DividendDeclared.from_receipt(receipt)
        wait_until(record)
        for number in security.claimants:
            dividends.claim(token, declared.dividend_id, sender=investor(number))
        dividends.pay(token, declared.dividend_id, [investor(number) for number in security.paid_by_agent], sender=operator)

    yield "people", register_people
    for security in SECURITIES:
        yield f"{security.symbol}: issue", lambda s=security: issue(s)
        yield f"{security.symbol}: offering", lambda s=security: run_offering(s)
        yield f"{security.symbol}: orders and trades", lambda s=security: trade(s)
        if security.dividend:
            yield f"{security.symbol}: dividend", lambda s=security: pay_dividend(s)


def seed_demo_market(
    deployment: Deployment,
    accounts: list,
    directory: Path = DEPLOYMENTS,
    step: Callable[[], AbstractContextManager] = nullcontext,
    log: Callable[[str], None] = print,
) -> bool:
    """Seeds what is missing of the demo market; returns False when the chain was already seeded.

    Each step runs inside `step()` (make up holds Ctrl-C there until the step is done) and is
    recorded in the manifest in `directory` as soon as it is.
    """
    manifest = deployment.manifest
    registry = deployment.address("IdentityRegistry")
    if manifest.get("demo_seeded_for") == registry:
        log("the demo market is already seeded")
        return False
    progress = manifest.get("demo_seed")
    if not progress or progress.get("registry") != registry:
        progress = manifest["demo_seed"] = {"registry": registry, "done": []}
    for name, action in demo_steps(deployment, accounts):
        if name in progress["done"]:
            continue
        with step():
            log(f"seeding: {name}")
            action()
            progress["done"].append(name)
            save_manifest(manifest, directory)
    manifest["demo_seeded_for"] = registry
    save_manifest(manifest, directory)
    return True
