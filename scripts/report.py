"""ape run report: registers rebuilt from events, as tables or CSV, read from the platform's index
(keiretsu/index) or, with --from-logs, from the node's event logs."""

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


def _index():
    """The index of the connected chain, or a one-line error saying how to build it."""
    from ape import chain

    from keiretsu.cli import UserError
    from keiretsu.index.database import engine_for
    from keiretsu.reports import IndexedRecords, NoIndex

    try:
        index = IndexedRecords(engine_for(), chain.chain_id, chain.blocks[0].hash.hex())
    except NoIndex as missing:
        raise UserError(str(missing)) from None
    head = chain.blocks.head.number
    if index.last_block < head:
        # On stderr, so that it never lands in a report piped to a file.
        click.echo(f"note: the index has read up to block {index.last_block} of {head}; later blocks are not in this report", err=True)
    return index


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
from_logs_option = click.option(
    "--from-logs", is_flag=True,
    help="Read the node's event logs from the deployment block instead of the index (KEIRETSU_DATABASE_URL, "
         "else index.sqlite in the chain directory).",
)


@click.group()
def cli():
    """Reports rebuilt from on-chain events of the deployed platform, read from the platform's
    index (build it with `python -m keiretsu.index backfill`) or with --from-logs from the node's
    event logs; both give the same rows. SYMBOL is a security's symbol (any case) or its token's
    address."""


@cli.command("cap-table", cls=PlatformCommand)
@security_argument
@csv_option
@from_logs_option
def cap_table_command(security, csv_path, from_logs):
    """Holders of SYMBOL with their shares and part of the supply (from Transfer events)."""
    from keiretsu.reports import cap_table, cap_table_report

    listed = _security(security)
    if from_logs:
        _emit(cap_table(listed.token, _start_block()), csv_path)
    else:
        _emit(cap_table_report(listed.symbol, _index().transfers(listed.token.address)), csv_path)


@cli.command("trades", cls=PlatformCommand)
@security_argument
@csv_option
@from_logs_option
def trades_command(security, csv_path, from_logs):
    """Every trade of SYMBOL on its order book: buyer, seller, shares, price, cash and fees
    (from the market's Trade events)."""
    from ape import project

    from keiretsu.clones import clone_at
    from keiretsu.reports import trade_records, trades_report

    listed = _security(security)
    if from_logs:
        records = trade_records(clone_at(project.OrderBook, listed.listing.market), _start_block())
    else:
        records = _index().trade_records(listed.listing.market)
    _emit(trades_report(records, listed.symbol, _cash()), csv_path)


@cli.command("dividends", cls=PlatformCommand)
@security_argument
@click.option("--payments", is_flag=True, help="List every payment (claims, pushes, reclaims) instead of one row per dividend.")
@csv_option
@from_logs_option
def dividends_command(security, payments, csv_path, from_logs):
    """The dividends of SYMBOL: amount, dates, eligible shares, paid, reclaimed and outstanding
    (from the Dividends contract's events)."""
    from ape import chain, project

    from keiretsu.manifest import contract_address
    from keiretsu.reports import dividend_history, dividend_payments_table, dividends_table

    listed = _security(security)
    address = contract_address("Dividends", chain.chain_id)
    if from_logs:
        records, paid = dividend_history(project.Dividends.at(address), listed.token, _start_block())
    else:
        records, paid = _index().dividend_history(address, listed.token.address)
    _emit(dividend_payments_table(paid, listed.symbol, _cash()) if payments else dividends_table(records, listed.symbol, _cash()), csv_path)
