"""ape run report: registers rebuilt from events, as tables or CSV."""

from pathlib import Path

import click

from keiretsu.cli import PlatformCommand, find_security


def _security(name: str):
    from ape import chain, project

    from keiretsu.manifest import contract_address

    return find_security(project.IssuanceFactory.at(contract_address("IssuanceFactory", chain.chain_id)), name)


def _start_block() -> int:
    from ape import chain

    from keiretsu.manifest import load_manifest

    return (load_manifest(chain.chain_id) or {}).get("deployment_block", 0)


def _cash():
    from ape import chain, project

    from keiretsu.manifest import contract_address
    from keiretsu.money import Currency

    cash = project.CashToken.at(contract_address("CashToken", chain.chain_id))
    return Currency(cash.symbol(), cash.decimals())


def _emit(report, csv_path: Path | None) -> None:
    if csv_path:
        csv_path.write_text(report.as_csv())
        click.echo(f"{len(report.rows)} rows written to {csv_path}")
    else:
        click.echo(report.as_table())


csv_option = click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write CSV (amounts in base units) here instead of printing a table.",
)
security_argument = click.argument("security", metavar="SYMBOL")


@click.group()
def cli():
    """Reports rebuilt from on-chain events of the deployed platform. SYMBOL is a security's
    symbol (any case) or its token's address."""


@cli.command("cap-table", cls=PlatformCommand)
@security_argument
@csv_option
def cap_table_command(security, csv_path):
    """Holders of SYMBOL with their shares and part of the supply (from Transfer events)."""
    from keiretsu.reports import cap_table

    _emit(cap_table(_security(security).token, _start_block()), csv_path)


@cli.command("trades", cls=PlatformCommand)
@security_argument
@csv_option
def trades_command(security, csv_path):
    """Every trade of SYMBOL on its order book: buyer, seller, shares, price, cash and fees
    (from the market's Trade events)."""
    from ape import project

    from keiretsu.clones import clone_at
    from keiretsu.reports import trades

    listed = _security(security)
    market = clone_at(project.OrderBook, listed.listing.market)
    _emit(trades(market, listed.symbol, _cash(), _start_block()), csv_path)


@cli.command("dividends", cls=PlatformCommand)
@security_argument
@click.option("--payments", is_flag=True, help="List every payment (claims, pushes, reclaims) instead of one row per dividend.")
@csv_option
def dividends_command(security, payments, csv_path):
    """The dividends of SYMBOL: amount, dates, eligible shares, paid, reclaimed and outstanding
    (from the Dividends contract's events)."""
    from ape import chain, project

    from keiretsu.manifest import contract_address
    from keiretsu.reports import dividend_payments_report, dividends_report

    listed = _security(security)
    dividends = project.Dividends.at(contract_address("Dividends", chain.chain_id))
    build = dividend_payments_report if payments else dividends_report
    _emit(build(dividends, listed.token, listed.symbol, _cash(), _start_block()), csv_path)
