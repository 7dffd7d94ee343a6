"""ape run issue: scripted issuances from a YAML file (securities, documents, markets, offerings), idempotently."""

from pathlib import Path

import click

from keiretsu.cli import PlatformCommand, account_option


@click.command(cls=PlatformCommand)
@account_option()
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="YAML with a `securities:` list; see examples/issuances.yaml for every field.")
@click.option("--factory", default=None, help="IssuanceFactory address (default: from the deployment manifest).")
def cli(account, path, factory):
    """Validates the whole file first (every problem is reported with its line number and nothing is
    sent), checks that every issuer is a verified enterprise issuer, then issues each security not
    listed yet (token, rules, documents, market) and creates its offering. A re-run skips what exists.

    The account must be the issuer of every entry or hold the factory's OPERATOR_ROLE."""
    from ape import chain, project

    from keiretsu.deploy import Deployment
    from keiretsu.issuance import check_parties, issue_all, parse_issuances
    from keiretsu.manifest import contract_address
    from keiretsu.network import next_block_time
    from keiretsu.transactions import script_journal

    contract = project.IssuanceFactory.at(factory or contract_address("IssuanceFactory", chain.chain_id))
    cash = project.CashToken.at(contract.CASH_TOKEN())
    issuances = parse_issuances(path, cash_decimals=cash.decimals())
    registry = Deployment.registry_at(contract.REGISTRY())
    check_parties(contract, registry, account.address, issuances, next_block_time())
    # Each transaction is reported as it is sent and mined (what, hash, block).
    report = issue_all(contract, account, issuances, now=next_block_time, journal=script_journal(log=click.echo))
    for issuance in report.skipped:
        click.echo(f"skipped line {issuance.line}: {issuance.isin} ({issuance.symbol}) is already issued")
    click.echo(f"{len(report.issued)} issued, {len(report.offerings)} offerings opened, {len(report.skipped)} skipped")
