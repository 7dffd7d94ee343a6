"""Reports rebuilt from events match the on-chain state exactly (from the index: tests/test_reports_index.py)."""

import csv
import os
import subprocess
import sys
from pathlib import Path

from eth_utils import keccak

from keiretsu.clones import clone_at
from keiretsu.deploy import deploy_platform
from keiretsu.index.database import engine_for
from keiretsu.index.follower import Follower
from keiretsu.index.roots import manifest_roots
from keiretsu.money import Currency
from keiretsu.reports import (
    balances_from_transfers,
    cap_table,
    dividend_history,
    dividend_payments_report,
    dividends_report,
    trade_positions,
    trade_records,
    trades,
)
from tests.fixtures.dividends import DAY, to_time
from tests.fixtures.factory import issuance_request
from tests.fixtures.market import BUY, IOC, SELL, check_books, place

ZERO = "0x0000000000000000000000000000000000000000"


def test_replay_of_transfers():
    transfers = [(ZERO, "a", 100), (ZERO, "b", 5), ("a", "b", 30), ("b", ZERO, 35)]
    assert balances_from_transfers(transfers) == {"a": 70}


def test_cap_table_matches_balances(token, agent, issuer, verified_investors, alice, bob, carol, registry, registrar, accounts):
    token.batchMint([alice, bob], [700, 300], sender=agent)
    token.transfer(carol, 50, sender=alice)
    token.burn(bob, 100, sender=agent)
    new_wallet = accounts[17]
    registry.add_wallet(carol, new_wallet, sender=registrar)
    token.recoveryAddress(carol, new_wallet, sender=agent)
    report = cap_table(token)
    rows = {holder: shares for holder, shares, _ in report.rows}
    holders = [alice, bob, carol, new_wallet]
    assert rows == {w.address: token.balanceOf(w) for w in holders if token.balanceOf(w)}
    assert sum(rows.values()) == token.totalSupply() == 900
    assert report.rows[0][0] == alice.address and report.rows[0][2] == "72.22%"
    assert "holder" in report.as_table() and report.as_csv().splitlines()[0] == "holder,shares,part"


def test_trades_report_matches_balances_escrow_and_fees(make_market, traders, token, cash, outsider):
    market = make_market(fee_recipient=outsider, maker_fee_bps=10, taker_fee_bps=25)
    alice, bob, carol, dave = traders
    for person in traders:
        cash.approve(market, 2**256 - 1, sender=person)
    start_shares, start_cash = {p.address: token.balanceOf(p) for p in traders}, {p.address: cash.balanceOf(p) for p in traders}
    place(market, alice, SELL, 1000, 100)
    place(market, bob, BUY, 1000, 30)  # taker buy: alice's order, partly
    place(market, carol, BUY, 990, 50)
    place(market, dave, SELL, 980, 20)  # taker sell: carol's bid, at 990
    place(market, bob, BUY, 1010, 100, IOC)  # takes alice's last 70, the rest is cancelled
    place(market, dave, SELL, 1020, 40)

    records = trade_records(market)
    assert [(t.buyer, t.seller, t.aggressor, t.shares, t.cash) for t in records] == [
        (bob.address, alice.address, "buy", 30, 30 * 1000 * 10_000),
        (carol.address, dave.address, "sell", 20, 20 * 990 * 10_000),
        (bob.address, alice.address, "buy", 70, 70 * 1000 * 10_000),
    ]
    positions = trade_positions(records)
    escrow = {p.address: sum(market.escrow_of(i) for i in market.open_orders(p, BUY, 50, 100)) for p in traders}
    for person in traders:
        shares, paid = positions.get(person.address, (0, 0))
        assert token.balanceOf(person) == start_shares[person.address] + shares
        assert cash.balanceOf(person) + escrow[person.address] == start_cash[person.address] + paid
    assert cash.balanceOf(outsider) == sum(t.buyer_fee + t.seller_fee for t in records) > 0
    assert cash.balanceOf(market) == sum(escrow.values())
    check_books(market, token, cash, traders)

    report = trades(market, "ACME", Currency("DPESO", 6))
    assert report.title == "Trades of ACME (3 trades, 120 shares, 1,198.00 DPESO)"
    assert [row[5:8] for row in report.rows] == [(30, 10_000_000, 300_000_000), (20, 9_900_000, 198_000_000), (70, 10_000_000, 700_000_000)]
    table = report.as_table()
    assert "lot price (DPESO)" in table and " 10.00 " in table and "10.000000" not in table
    assert report.as_csv().splitlines()[0] == "block,transaction,buyer,seller,aggressor,shares,lot price,cash,buyer fee,seller fee"


def test_dividends_report_matches_the_dividend_contract(security, declare, dividends, cash, issuer, agent, verified_investors, chain):
    alice, bob, carol, dave = verified_investors[:4]
    security.batchMint([alice, bob, carol, dave], [500, 300, 150, 50], sender=agent)
    first = declare(1_000_003, excluded=[dave])
    to_time(chain, chain.pending_timestamp + 2 * DAY)
    dividends.claim(security, first, sender=alice)
    dividends.pay(security, first, [bob, dave], sender=agent)  # dave is excluded: skipped
    second = declare(700_000)
    expiry = dividends.dividend(security, first).expiry
    to_time(chain, expiry)
    issuer_cash = cash.balanceOf(issuer)
    dividends.reclaim(security, first, sender=issuer)

    records, payments = dividend_history(dividends, security)
    assert set(records) == {first, second}
    one, two = records[first], records[second]
    on_chain = dividends.dividend(security, first)
    assert one.amount == on_chain.amount == 1_000_003 and one.eligible_supply == on_chain.eligible_supply == 950
    assert one.paid == on_chain.claimed
    assert one.payments == {w.address: dividends.entitlement(security, first, w) for w in (alice, bob)}
    for wallet in (alice, bob, carol, dave):
        assert dividends.claimed(security, first, wallet) == (wallet.address in one.payments)
    assert one.reclaimed == cash.balanceOf(issuer) - issuer_cash == 1_000_003 - one.paid
    assert one.outstanding == 0 and two.outstanding == 700_000 and two.eligible_supply is None
    assert cash.balanceOf(dividends) == one.outstanding + two.outstanding
    assert [(p.holder, p.how) for p in payments] == [(alice.address, "claimed"), (bob.address, "pushed"), (issuer.address, "reclaimed")]

    summary = dividends_report(dividends, security, "ACME", Currency("DPESO", 6))
    assert [row[0] for row in summary.rows] == [first, second]
    assert summary.rows[0][6:] == (950, 2, one.paid, one.reclaimed, 0)
    assert summary.rows[1][6:] == ("", 0, 0, "", 700_000)
    assert "1.000003" in summary.as_table()
    ledger = dividend_payments_report(dividends, security, "ACME", Currency("DPESO", 6))
    assert [row[-1] for row in ledger.rows] == [p.amount for p in payments]


def test_report_script_writes_trades_as_csv(operator, accounts, chain, project, tmp_path):
    """`ape run report trades SYMBOL --csv FILE` on a deployed platform, the symbol in any case: the rows of
    trade_records, read from the index by default (refused in one line while there is none) and from the
    logs with --from-logs; `--help` says both."""
    run = deploy_platform(operator, directory=tmp_path, log=lambda _: None)
    issuer, seller, buyer = accounts[2], accounts[4], accounts[5]
    expiry = chain.pending_timestamp + 86400
    registry = run.contract("IdentityRegistry")
    registry.batch_register_investors(
        [issuer, seller, buyer], [keccak(text=f"kyc-{n}") for n in range(3)], [2, 1, 1], [756] * 3, [expiry] * 3, [2, 0, 0],
        sender=operator,
    )
    factory = run.contract("IssuanceFactory")
    token = clone_at(project.SecurityToken, factory.issue_security(issuance_request(issuer), sender=issuer).return_value)
    market = clone_at(project.OrderBook, factory.security_by_token(token).market)
    token.mint(seller, 100, sender=operator)
    run.contract("CashToken").mint(buyer, 10**9, sender=operator)
    run.contract("CashToken").approve(market, 10**9, sender=buyer)
    place(market, seller, SELL, 1234, 40)
    place(market, buyer, BUY, 1234, 25)

    index_url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    environment = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri, "KEIRETSU_DEPLOYMENTS": str(tmp_path), "KEIRETSU_DATABASE_URL": index_url}

    def report(*arguments: str, network: bool = True) -> subprocess.CompletedProcess:
        connect = ["--network", "ethereum:local:foundry"] if network else []  # the group itself takes no network
        command = [str(Path(sys.executable).with_name("ape")), "run", "report", *arguments, *connect]
        return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)

    usage = report("trades", "--help")
    assert usage.returncode == 0 and "--from-logs" in usage.stdout and "index" in usage.stdout
    assert "python -m keiretsu.index backfill" in " ".join(report("--help", network=False).stdout.split())
    refused = report("trades", "acme")
    assert refused.returncode == 1 and refused.stdout == ""
    [line] = [text for text in refused.stderr.splitlines() if text.strip()]
    assert line.endswith("holds no index: build this chain's with `python -m keiretsu.index backfill`, or read the event logs with --from-logs")

    from_logs, from_index = tmp_path / "from-logs.csv", tmp_path / "from-index.csv"
    result = report("trades", "acme", "--csv", str(from_logs), "--from-logs")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 rows written" in result.stdout
    roots, start_block = manifest_roots(chain.chain_id, tmp_path)
    Follower(chain.provider.uri, engine_for(index_url), roots, start_block, log=print).backfill()
    result = report("trades", "ACME", "--csv", str(from_index))
    assert result.returncode == 0, result.stdout + result.stderr
    assert from_index.read_text() == from_logs.read_text()
    (row,) = list(csv.DictReader(from_index.open()))
    (trade,) = trade_records(market)
    assert (row["buyer"], row["seller"], row["aggressor"]) == (buyer.address, seller.address, "buy")
    assert (int(row["shares"]), int(row["lot price"]), int(row["cash"])) == (25, 12_340_000, 25 * 12_340_000) == (trade.shares, trade.cash // 25, trade.cash)
