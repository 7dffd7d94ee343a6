"""What every Ape script shares: its command class, the signing account, finding a security by
symbol or address, amounts in units, and the one way a user error ends a script.

`ape run` imports every script to list its commands, even for `--help`, so this module and the
scripts import only click at the top; Ape's chain, the project and our contract helpers are
imported inside the commands, once they run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from ape.cli.commands import ConnectedProviderCommand

from keiretsu.manifest import DEPLOYMENTS
from keiretsu.money import Currency

LOCAL_CHAIN_ID = 31337
# `make up`'s operator: deployer, registrar, transfer agent and treasury of the demo market.
OPERATOR_ALIAS = "TEST::0"
TEST_ALIAS_PREFIX = "TEST::"


class UserError(click.ClickException):
    """A mistake of the person running a script: one line on stderr, exit status 1, nothing sent."""


class PlatformCommand(ConnectedProviderCommand):
    """A script command connected to the chain. Once connected, a proof-of-authority node gets
    web3's middleware and the network's fee settings are checked (keiretsu/network.py); its
    `account` parameter (from `account_option`) is turned into the signing account, and a refusal
    of the chain or of the platform's files becomes a UserError instead of a traceback."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.callback is not None:
            self.callback = _as_user_errors(self.callback)


def _as_user_errors(command):
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from ape import chain
        from ape.exceptions import ContractLogicError

        from keiretsu.manifest import ManifestError
        from keiretsu.network import NetworkSettingsError, configured_fees, install_poa_middleware
        from keiretsu.onboarding import FileRejected
        from keiretsu.transactions import NodeLost, TransactionFailed, send_settings

        try:
            install_poa_middleware(chain.provider)
            configured_fees(chain.provider.network.name)
            send_settings()
            if "account" in kwargs:
                kwargs["account"] = signing_account(kwargs["account"])
            return command(*args, **kwargs)
        except ContractLogicError as revert:
            raise UserError(f"refused by the chain: {revert.message}") from None
        except (ManifestError, FileRejected, NetworkSettingsError, NodeLost, TransactionFailed) as refusal:
            raise UserError(str(refusal)) from None

    return run


def account_option():
    """`--account ALIAS`: who signs. On the local chain it defaults to the operator's dev account."""
    return click.option(
        "--account",
        default=None,
        metavar="ALIAS",
        help=f"Ape account that signs (`ape accounts list`; {TEST_ALIAS_PREFIX}N for dev account N of the local "
             f"chain). Default on the local chain ({LOCAL_CHAIN_ID}): {OPERATOR_ALIAS}, the operator; "
             "required on any other network.",
    )


def signing_account(alias: str | None) -> Any:
    """The account behind `alias`; without one, the operator's dev account on the local chain
    (said in one line), and a UserError anywhere else."""
    from ape import accounts, chain

    if alias is None:
        network = chain.provider.network
        if not (network.is_local and chain.chain_id == LOCAL_CHAIN_ID):
            raise UserError(
                f"{network.ecosystem.name}:{network.name} (chain {chain.chain_id}) needs --account ALIAS: "
                "the Ape account that signs (`ape accounts list`)"
            )
        account = accounts.test_accounts[0]
        click.echo(f"signing as the operator's dev account {OPERATOR_ALIAS} ({account.address}) on the local chain; "
                   "--account chooses another")
        return account
    if alias.startswith(TEST_ALIAS_PREFIX):
        index = alias.removeprefix(TEST_ALIAS_PREFIX)
        if not index.isdigit() or int(index) >= len(accounts.test_accounts):
            raise UserError(f"--account {alias}: dev accounts are {TEST_ALIAS_PREFIX}0 to "
                            f"{TEST_ALIAS_PREFIX}{len(accounts.test_accounts) - 1}")
        return accounts.test_accounts[int(index)]
    if alias not in accounts.aliases:
        raise UserError(f"--account {alias}: no Ape account with that alias (`ape accounts list`)")
    return accounts.load(alias)


def deployments_option():
    """`--deployments DIR`: the folder of the deployment manifests."""
    return click.option(
        "--deployments",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEPLOYMENTS,
        show_default=True,
        help="Folder of the deployment manifests.",
    )


@dataclass(frozen=True)
class ListedSecurity:
    symbol: str
    token: Any  # the SecurityToken contract
    listing: Any  # the factory's Listing (isin, token, issuer, market, offering, status, listed_at)


def find_security(factory: Any, name: str) -> ListedSecurity:
    """The security the platform's factory lists under `name`: a symbol (any case) or the token's
    address (keiretsu.symbols.resolve_security). Anything else is a UserError that names what is
    listed.
    """
    from ape import chain, project

    from keiretsu.symbols import UnknownSecurity, resolve_security

    try:
        token = resolve_security(factory, project.SecurityToken, name)
    except UnknownSecurity as unknown:
        what = "address" if name.strip().lower().startswith("0x") else "symbol"
        symbols = ", ".join(unknown.listed) or "none"
        raise UserError(f"no security with {what} {name} is listed on chain {chain.chain_id} (listed: {symbols})") from None
    return ListedSecurity(token.symbol(), token, factory.security_by_token(token))


def in_units(amount: int, decimals: int, currency: str) -> str:
    """A base-unit amount in units with its currency: 510000000, 6, DPESO -> "510.00 DPESO"."""
    return Currency(currency, decimals).format(amount)


def utc(timestamp: int) -> str:
    """A chain timestamp as a UTC date and time: 1767225600 -> "2026-01-01 00:00 UTC"."""
    return f"{datetime.fromtimestamp(timestamp, timezone.utc):%Y-%m-%d %H:%M} UTC"
