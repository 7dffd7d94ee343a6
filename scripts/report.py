"""ape run report: registers rebuilt from events, as tables or CSV."""

from pathlib import Path

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand

from keiretsu.manifest import contract_address, load_manifest
from keiretsu.reports import Report, cap_table


def _security(symbol: str):
    factory = project.IssuanceFactory.at(contract_address("IssuanceFactory", chain.chain_id))
    for index in range(factory.security_count()):
        listing = factory.security_at(index)
        token = project.SecurityToken.at(listing.token)
        if token.symbol() == symbol:
            return token
    raise click.ClickException(f"no security with symbol {symbol} on chain {chain.chain_id}")


def _emit(report: Report, csv_path: Path | None) -> None:
    if csv_path:
        csv_path.write_text(report.as_csv())
        click.echo(f"{len(report.rows)} rows written to {csv_path}")
    else:
        click.echo(report.as_table())


@click.group()
def cli():
    """Reports rebuilt from on-chain events of the deployed platform."""


@cli.command("cap-table", cls=ConnectedProviderCommand)
@click.argument("symbol")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write CSV here instead of a table.")
def cap_table_command(symbol, csv_path):
    """Holders of SYMBOL with their shares and part of the supply."""
    start = (load_manifest(chain.chain_id) or {}).get("deployment_block", 0)
    _emit(cap_table(_security(symbol), start), csv_path)
