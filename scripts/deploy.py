"""ape run deploy: deploy the Keiretsu platform (idempotent) and write deployments/<chain id>.json."""

import click

from keiretsu.cli import PlatformCommand, UserError, account_option, deployments_option


@click.command(cls=PlatformCommand)
@account_option()
@click.option("--registrar", default=None, help="Address given the registry's REGISTRAR_ROLE (default: the deployer).")
@click.option("--agent", default=None, help="Address made transfer agent of every security (default: the deployer).")
@click.option("--cash", default=None, help="Use this existing ERC-20 stablecoin instead of deploying the CashToken.")
@deployments_option()
def cli(account, registrar, agent, cash, deployments):
    """Deploys what is missing of the platform to the selected network (the local chain by default;
    `--network ethereum:private:node` for a private EVM chain, signing with a local Ape account).
    A second run finds the deployment and sends nothing."""
    from keiretsu.deploy import StaleDeploymentError, deploy_platform

    try:
        run = deploy_platform(account, registrar=registrar, agent=agent, cash=cash, directory=deployments, log=click.echo)
    except StaleDeploymentError as stale:
        raise UserError(f"{stale}; deploy this version with a fresh --deployments folder") from None
    except ValueError as refused:
        raise UserError(str(refused)) from None
    for name, entry in sorted(run.manifest["contracts"].items()):
        click.echo(f"{name:<22} {entry['address']}")
    click.echo(f"{len(run.deployed)} deployed, {run.transactions} transactions sent")
