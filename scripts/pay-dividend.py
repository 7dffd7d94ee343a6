"""ape run pay-dividend: push a dividend to every unpaid holder at its record date, in batches."""

from pathlib import Path

import click

from keiretsu.cli import PlatformCommand, UserError, account_option, deployments_option, find_security, in_units, utc
from keiretsu.dividends import MAX_BATCH


@click.command(cls=PlatformCommand)
@account_option()
@click.option("--token", "security_name", required=True, metavar="SYMBOL|ADDRESS",
              help="The security: its symbol (any case) or its token's address.")
@click.option("--dividend", "dividend_id", type=click.IntRange(min=1), required=True, help="The dividend's id on that security (from 1).")
@click.option(
    "--batch-size",
    type=click.IntRange(1, MAX_BATCH),
    default=MAX_BATCH,
    show_default=True,
    help="Holders paid per transaction.",
)
@click.option(
    "--holders-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Pay these wallets (one address a line) instead of finding the holders from the token's Transfer events.",
)
@click.option(
    "--from-block",
    type=int,
    default=None,
    help="Where the Transfer event scan starts (default: the platform's deployment block, else 0).",
)
@click.option("--dividends", "dividends_address", default=None, help="The Dividends contract (default: from the deployment manifest).")
@deployments_option()
def cli(account, security_name, dividend_id, batch_size, holders_file, from_block, dividends_address, deployments):
    """Pays dividend DIVIDEND of the security TOKEN to every holder at its record date who was not
    paid yet.

    The holders are the receivers of the token's Transfer events (or the wallets of
    --holders-file); those with nothing due or already paid are left out, and the rest are paid
    by the token's agent (the signing account) in batches, each holder at most once. Frozen
    holders are skipped by the contract and can be paid later."""
    from ape import chain, project

    from keiretsu.dividends import holders_from_transfers, pay_dividend, unpaid_holders
    from keiretsu.manifest import contract_address, load_manifest
    from keiretsu.network import next_block_time
    from keiretsu.transactions import script_journal

    dividends = project.Dividends.at(dividends_address or contract_address("Dividends", chain.chain_id, deployments))
    if int(dividends.factory(), 16) == 0:
        raise UserError(f"the Dividends contract {dividends.address} has no factory yet: it serves no security")
    security = find_security(project.IssuanceFactory.at(dividends.factory()), security_name)
    token = security.token
    count = dividends.dividend_count(token)
    if dividend_id > count:
        declared = {0: "no dividend", 1: "dividend 1"}.get(count, f"dividends 1 to {count}")
        raise UserError(f"{security.symbol} has no dividend {dividend_id} (it has {declared})")
    dividend = dividends.dividend(token, dividend_id)
    # No margin: the next block is at least as late as the latest, so a refusal here is never wrong.
    if next_block_time(margin=0) < dividend.payment_date:
        raise UserError(f"dividend {dividend_id} of {security.symbol} is payable from {utc(dividend.payment_date)}")
    journal = script_journal(log=click.echo)
    journal.resume()  # a payment an earlier run left in flight, before the unpaid holders are chosen
    cash = project.CashToken.at(dividend.cash)
    currency, decimals = cash.symbol(), cash.decimals()
    if holders_file:
        candidates = [line.strip() for line in holders_file.read_text().splitlines() if line.strip()]
    else:
        if from_block is None:
            manifest = load_manifest(chain.chain_id, deployments)
            from_block = manifest["deployment_block"] if manifest else 0
        candidates = holders_from_transfers(token, from_block)
    due = unpaid_holders(dividends, token, dividend_id, candidates)
    click.echo(f"{len(candidates)} candidate wallets, {len(due)} with an unpaid dividend {dividend_id} of {security.symbol}")
    with click.progressbar(length=len(due), label="paying") as bar:
        run = pay_dividend(dividends, token, dividend_id, due, account, journal, batch_size, on_batch=bar.update)
    click.echo(f"paid {len(run.paid)} holders {in_units(run.total, decimals, currency)} in {run.transactions} transactions")
    for holder, reason in run.skipped.items():
        click.echo(f"skipped {holder}: {reason}")
