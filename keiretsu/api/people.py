"""The registrar's routes of the read API: the wallets of one identity (after a recovery, the lost
wallet and its replacement) with the recoveries between them, and which securities froze a wallet;
and for an investor's portfolio, the wallets whose holdings were recovered into its wallet."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy import Connection, select

from keiretsu.api.common import Db, wallet_address
from keiretsu.index import schema

# An identity key is the first 20 bytes of the investor's KYC hash, written as an address is.
IDENTITY_PATTERN = re.compile(r"0x[0-9a-fA-F]{40}")


class IdentityWallet(BaseModel):
    wallet: str
    kind: int
    country: int
    kyc_expiry: int
    flags: int
    registered: bool  # false once the registrar removed the wallet
    registered_time: int  # when it joined the identity
    updated_time: int
    frozen_in: list[str]  # symbols of the securities whose transfer agent froze this wallet


class Recovery(BaseModel):
    symbol: str
    token: str
    lost_wallet: str
    new_wallet: str
    identity: str
    block_time: int
    tx_hash: str


class IdentityWallets(BaseModel):
    identity: str
    wallets: list[IdentityWallet]  # in the order they joined the identity
    recoveries: list[Recovery]  # oldest first


router = APIRouter(tags=["registrar"])


@router.get("/identities/{identity}/wallets", response_model=IdentityWallets,
            summary="The wallets of one investor's identity and the recoveries between them",
            responses={400: {"description": "Not an identity key."}, 404: {"description": "No wallet ever had this identity."}})
def identity_wallets(identity: str, db: Db) -> IdentityWallets:
    """Every wallet the registry ever gave this identity (the first 20 bytes of its KYC hash), removed
    ones included, and each security recovered from one of them to another. Not paged: an identity
    has the few wallets a registrar added to it by hand."""
    if not IDENTITY_PATTERN.fullmatch(identity):
        raise HTTPException(400, f"{identity!r} is not an identity key (0x and 40 hexadecimal digits)")
    key = identity.lower()
    table = schema.investors
    rows = list(db.execute(select(table).where(table.c.identity == key)
                           .order_by(table.c.registered_block, table.c.wallet)).mappings())
    if not rows:
        raise HTTPException(404, f"no wallet of the identity {key} in the index")
    frozen = frozen_symbols(db, [r["wallet"] for r in rows])
    wallets = [IdentityWallet(wallet=r["wallet"], kind=r["kind"], country=r["country"], kyc_expiry=r["kyc_expiry"],
                              flags=r["flags"], registered=r["registered"], registered_time=r["registered_time"],
                              updated_time=r["updated_time"], frozen_in=frozen.get(r["wallet"], [])) for r in rows]
    return IdentityWallets(identity=key, wallets=wallets, recoveries=[r for r in _recoveries(db) if r.identity == key])


@router.get("/wallets/{address}/recovered-from", response_model=list[Recovery],
            summary="The recoveries that brought holdings into a wallet, along chains of recoveries")
def recovered_from(address: str, db: Db) -> list[Recovery]:
    """Every recovery into this wallet, then into each lost wallet found, and so on (a wallet lost
    twice has its earlier recoveries too), oldest first: whose dividends the wallet may now claim."""
    wallet = wallet_address(address)
    recoveries = _recoveries(db)
    found: list[Recovery] = []
    reached, frontier = {wallet}, {wallet}
    # Each turn follows one step back; a wallet recovered to itself or in a loop is met only once.
    while frontier:
        step = [r for r in recoveries if r.new_wallet in frontier and r.lost_wallet not in reached]
        found += step
        frontier = {r.lost_wallet for r in step}
        reached |= frontier
    return sorted(found, key=lambda r: (r.block_time, r.tx_hash))


def frozen_symbols(db: Connection, wallets: Iterable[str]) -> dict[str, list[str]]:
    """wallet -> the symbols of the securities on which its wallet is frozen (wallets frozen nowhere are absent)."""
    balances, securities = schema.balances, schema.securities
    query = (select(balances.c.account, securities.c.symbol).join(securities, securities.c.token == balances.c.token)
             .where(balances.c.account.in_(list(wallets)), balances.c.wallet_frozen.is_(True))
             .order_by(balances.c.account, securities.c.symbol))
    frozen: dict[str, list[str]] = defaultdict(list)
    for account, symbol in db.execute(query):
        frozen[account].append(symbol)
    return dict(frozen)


def _recoveries(db: Connection) -> list[Recovery]:
    """Every recovery on a listed security, oldest first. The wallets and identity are in the event's
    JSON arguments, which SQL cannot index portably: callers filter here (recoveries are rare: one per
    lost wallet and security)."""
    events, securities = schema.events, schema.securities
    symbols = {token: symbol for token, symbol in db.execute(select(securities.c.token, securities.c.symbol))}
    query = (select(events).where(events.c.name == "RecoverySuccess", events.c.contract.in_(list(symbols)))
             .order_by(events.c.block_number, events.c.log_index))
    found = []
    for row in db.execute(query).mappings():
        args = json.loads(row["args"])
        found.append(Recovery(symbol=symbols[row["contract"]], token=row["contract"], lost_wallet=args["lost_wallet"],
                              new_wallet=args["new_wallet"], identity=args["identity"], block_time=row["block_time"],
                              tx_hash=row["tx_hash"]))
    return found
