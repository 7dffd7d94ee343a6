"""The demo market `make up` seeds once: issuers, investors, cash, listed securities and trades."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eth_utils import keccak

from keiretsu.deploy import Deployment
from keiretsu.isin import make_isin

ONE_YEAR = 365 * 86400
PESO = 10**6
NATURAL_PERSON, ENTERPRISE = 1, 2
QUALIFIED, ISSUER_FLAG = 1, 2

# (account index, role, country, kind, flags)
ISSUERS = [(2, "issuer: Andes Robotics SA", 152, ENTERPRISE, ISSUER_FLAG), (3, "issuer: Pampa Foods SRL", 32, ENTERPRISE, ISSUER_FLAG)]
INVESTOR_COUNTRIES = [152, 32, 484, 170, 604, 76, 152, 32, 484, 170, 604, 858]
FIRST_INVESTOR = 4
SECURITIES = [
    # (ISIN without check digit, name, symbol, issuer account index)
    ("CL000ANDES1", "Andes Robotics SA", "ANDES", 2),
    ("AR000PAMPA1", "Pampa Foods SRL", "PAMPA", 3),
]


@dataclass
class DemoAccount:
    index: int
    address: str
    role: str


def demo_accounts(accounts: list) -> list[DemoAccount]:
    """Who is who in the demo: the operator, the two issuers, and twelve investors."""
    people = [DemoAccount(0, accounts[0].address, "operator: deployer, registrar, transfer agent, treasury")]
    people.append(DemoAccount(1, accounts[1].address, "spare operator account"))
    people += [DemoAccount(i, accounts[i].address, role) for i, role, *_ in ISSUERS]
    people += [
        DemoAccount(FIRST_INVESTOR + n, accounts[FIRST_INVESTOR + n].address, f"investor {n + 1} (country {country})")
        for n, country in enumerate(INVESTOR_COUNTRIES)
    ]
    return people


def seed_demo_market(deployment: Deployment, accounts: list, now: int, log: Callable[[str], None] = print) -> None:
    """Registers the demo people, funds them, issues the demo securities and distributes shares."""
    operator = accounts[0]
    registry = deployment.contract("IdentityRegistry")
    cash = deployment.contract("CashToken")
    factory = deployment.contract("IssuanceFactory")

    log("seeding: registering two issuers and twelve investors")
    wallets, hashes, kinds, countries, expiries, flags = [], [], [], [], [], []
    for index, _, country, kind, flag in ISSUERS:
        wallets.append(accounts[index].address)
        hashes.append(keccak(text=f"demo-kyc-{index}"))
        kinds.append(kind)
        countries.append(country)
        expiries.append(now + ONE_YEAR)
        flags.append(flag)
    for n, country in enumerate(INVESTOR_COUNTRIES):
        index = FIRST_INVESTOR + n
        wallets.append(accounts[index].address)
        hashes.append(keccak(text=f"demo-kyc-{index}"))
        kinds.append(NATURAL_PERSON)
        countries.append(country)
        expiries.append(now + ONE_YEAR)
        flags.append(QUALIFIED if n % 3 == 0 else 0)
    registry.batch_register_investors(wallets, hashes, kinds, countries, expiries, flags, sender=operator)

    log("seeding: minting cash to every investor")
    for n in range(len(INVESTOR_COUNTRIES)):
        cash.mint(accounts[FIRST_INVESTOR + n], 1_000_000 * PESO, sender=operator)

    for payload, name, symbol, issuer_index in SECURITIES:
        log(f"seeding: issuing {symbol}")
        issuer = accounts[issuer_index]
        document = (b"prospectus".ljust(32, b"\0"), f"https://example.org/{symbol.lower()}/prospectus.pdf", keccak(text=f"{symbol} prospectus"))
        receipt = factory.issue_security(
            (make_isin(payload), name, symbol, 0, issuer.address, 0, True, 500, 0, 0, [], [document], 1, 10_000), sender=issuer
        )
        token = deployment.project_token(receipt.return_value)
        holders = [accounts[FIRST_INVESTOR + n] for n in range(len(INVESTOR_COUNTRIES))]
        token.batchMint(holders, [1_000 * (n + 1) for n in range(len(holders))], sender=operator)
        token.transfer(holders[1], 150, sender=holders[0])
