"""A day on YERBA's market, for the test through a production node (tests/test_production_flow.py):
the transfer agent (the signing account) issues shares to a seller and cash to a buyer, they trade
on the order book, and the issuer declares a dividend whose record date is a few blocks ahead.
Every transaction goes through keiretsu/transactions.py, as the operator's scripts' do."""

import click

from keiretsu.cli import PlatformCommand, account_option, deployments_option

SELL, BUY, GOOD_TILL_CANCELLED, MAX_FILLS = 1, 0, 0, 32


@click.command(cls=PlatformCommand)
@account_option()
@click.option("--seller", default="TEST::16", show_default=True, help="Ape account alias of the seller.")
@click.option("--buyer", default="TEST::17", show_default=True, help="Ape account alias of the buyer.")
@click.option("--issuer", default="TEST::19", show_default=True, help="Ape account alias of YERBA's issuer.")
@click.option("--shares", type=int, default=40, show_default=True, help="Shares issued to the seller; half are sold.")
@click.option("--tick", type=int, default=200, show_default=True, help="The price in ticks.")
@click.option("--dividend", type=int, default=4_000_000, show_default=True, help="Dividend in cash base units.")
@click.option("--record-in", type=int, default=15, show_default=True, help="Seconds from the next block to the record date.")
@deployments_option()
def cli(account, seller, buyer, issuer, shares, tick, dividend, record_in, deployments):
    """Issues, trades and declares on YERBA through the scripts' transactions."""
    from ape import chain, project

    from keiretsu.cli import find_security, signing_account
    from keiretsu.manifest import contract_address
    from keiretsu.network import next_block_time
    from keiretsu.transactions import call, script_journal

    seller, buyer, issuer = (signing_account(alias) for alias in (seller, buyer, issuer))
    address = lambda name: contract_address(name, chain.chain_id, deployments)  # noqa: E731
    cash, dividends = project.CashToken.at(address("CashToken")), project.Dividends.at(address("Dividends"))
    security = find_security(project.IssuanceFactory.at(address("IssuanceFactory")), "YERBA")
    token, market = security.token, project.OrderBook.at(security.listing.market, detect_proxy=False)
    sold = shares // 2
    payment = sold * tick * market.tick_size()
    journal = script_journal(log=click.echo)
    journal.send(account, [
        call("issue YERBA to the seller", token.mint, seller, shares),
        call("cash to the buyer", cash.mint, buyer, payment),
        call("cash to the issuer", cash.mint, issuer, dividend),
    ])
    journal.send(buyer, [call("buyer approves the market", cash.approve, market, payment)])
    journal.send(issuer, [call("issuer approves the dividends", cash.approve, dividends, dividend)])
    journal.send(seller, [call("sell order", market.place_order, SELL, tick, sold, GOOD_TILL_CANCELLED, 0, MAX_FILLS)])
    journal.send(buyer, [call("buy order", market.place_order, BUY, tick, sold, GOOD_TILL_CANCELLED, 0, MAX_FILLS)])
    record = next_block_time() + record_in
    journal.send(issuer, [call("declare a dividend", dividends.declare, token, cash, dividend, record, record, record + 86400, [])])
    click.echo(f"record date {record}")
