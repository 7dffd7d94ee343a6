"""ape run report: registers rebuilt from events, as tables or CSV."""

from pathlib import Path

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand

from keiretsu.clones import clone_at
from keiretsu.manifest import contract_address, load_manifest
from keiretsu.reports import Report, cap_table, dividend_payments_report, dividends_report, trades
from keiretsu.symbols import UnknownSecurity, resolve_security


def _listing(symbol: str):
    """The security token with this symbol, in any case, and its listing (market, offering, status)."""
    factory = project.IssuanceFactory.at(contract_address("IssuanceFactory", chain.chain_id))
    try:
        token = resolve_security(factory, project.SecurityToken, symbol)
    except UnknownSecurity as error:
        raise click.ClickException(f"{error} (chain {chain.chain_id})") from None
    return token, factory.security_by_token(token)


def _start_block() -> int:
    return (load_manifest(chain.chain_id) or {}).get("deployment_block", 0)


def _cash_decimals() -> int:
    return project.CashToken.at(contract_address("CashToken", chain.chain_id)).decimals()


def _emit(report: Report, csv_path: Path | None) -> None:
    if csv_path:
        csv_path.write_text(report.as_csv())
        click.echo(f"{len(report.rows)} rows written to {csv_path}")
    else:
        click.echo(report.as_table())


csv_option = click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write CSV (amounts in base units) here instead of printing a table.",
)


@click.group()
def cli():
    """Reports rebuilt from on-chain events of the deployed platform."""


@cli.command("cap-table", cls=ConnectedProviderCommand)
@click.argument("symbol")
@csv_option
def cap_table_command(symbol, csv_path):
    """Holders of SYMBOL with their shares and part of the supply (from Transfer events)."""
    token, _ = _listing(symbol)
    _emit(cap_table(token, _start_block()), csv_path)


@cli.command("trades", cls=ConnectedProviderCommand)
@click.argument("symbol")
@csv_option
def trades_command(symbol, csv_path):
    """Every trade of SYMBOL on its order book: buyer, seller, shares, price, cash and fees
    (from the market's Trade events)."""
    token, listing = _listing(symbol)
    market = clone_at(project.OrderBook, listing.market)
    _emit(trades(market, token.symbol(), _cash_decimals(), _start_block()), csv_path)


@cli.command("dividends", cls=ConnectedProviderCommand)
@click.argument("symbol")
@click.option("--payments", is_flag=True, help="List every payment (claims, pushes, reclaims) instead of one row per dividend.")
@csv_option
def dividends_command(symbol, payments, csv_path):
    """The dividends of SYMBOL: amount, dates, eligible shares, paid, reclaimed and outstanding
    (from the Dividends contract's events)."""
    token, _ = _listing(symbol)
    dividends = project.Dividends.at(contract_address("Dividends", chain.chain_id))
    build = dividend_payments_report if payments else dividends_report
    _emit(build(dividends, token, token.symbol(), _cash_decimals(), _start_block()), csv_path)
