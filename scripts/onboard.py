"""ape run onboard: register KYC'd investors from a CSV file, in batches, idempotently."""

from pathlib import Path

import click

from keiretsu.cli import PlatformCommand, account_option


@click.command(cls=PlatformCommand)
@account_option()
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="CSV with columns wallet, kyc_hash, kind (natural|enterprise), country (alpha-2 or numeric), "
                   "kyc_expiry (YYYY-MM-DD), qualified (yes|no), issuer (yes|no).")
@click.option("--batch-size", type=click.IntRange(1, 100), default=50, show_default=True, help="Wallets per transaction.")
@click.option("--registry", default=None, help="Identity registry (token implementation) address (default: from the deployment manifest).")
def cli(account, path, batch_size, registry):
    """Validates the whole file first (every bad row is reported with its line number and nothing is
    sent), then registers the investors not registered yet; a re-run skips those already registered.
    The account needs the registry's REGISTRAR_ROLE."""
    from ape import chain

    from keiretsu.deploy import Deployment
    from keiretsu.manifest import contract_address
    from keiretsu.onboarding import onboard, parse_investors
    from keiretsu.transactions import script_journal

    investors = parse_investors(path)
    contract = Deployment.registry_at(registry or contract_address("IdentityRegistry", chain.chain_id))
    # Each transaction is reported as it is sent and mined (what, hash, block).
    report = onboard(contract, account, investors, batch_size, journal=script_journal(log=click.echo))
    for investor in report.skipped:
        click.echo(f"skipped line {investor.line}: {investor.wallet} is already registered")
    click.echo(f"{len(report.registered)} registered, {len(report.skipped)} skipped")
