"""The operator's daily helpers, loaded into `ape console` by ape_console_extras.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from eth_utils import keccak

from keiretsu.countries import country_code
from keiretsu.reports import cap_table

KINDS = {"natural": 1, "enterprise": 2}
FLAG_QUALIFIED, FLAG_ISSUER = 1, 2


@dataclass
class OperatorConsole:
    """The platform's contracts and the account the operator signs with."""

    registry: object
    factory: object
    cash: object
    sender: object
    token_type: object
    start_block: int = 0
    _securities: dict = field(default_factory=dict)

    def securities(self) -> dict:
        """Every listed security by symbol: {"ANDES": <SecurityToken 0x...>, ...}."""
        for index in range(len(self._securities), self.factory.security_count()):
            token = self.token_type.at(self.factory.security_at(index).token)
            self._securities[token.symbol()] = token
        return dict(self._securities)

    def security(self, symbol: str):
        """The security token with this symbol."""
        try:
            return self.securities()[symbol]
        except KeyError:
            raise KeyError(f"no security with symbol {symbol!r}; listed: {', '.join(self.securities()) or 'none'}") from None

    def onboard_investor(
        self, wallet: str, kyc_file: str, kind: str = "natural", country: str = "CH", years: int = 1,
        qualified: bool = False, issuer: bool = False,
    ):
        """Registers a verified investor. `kyc_file` is the reference of the KYC dossier (hashed on
        the way in); `country` an alpha-2 or numeric code; KYC valid for `years` from today."""
        code = country_code(country)
        if code is None:
            raise ValueError(f"unknown country {country!r}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        expiry = int((datetime.now(timezone.utc) + timedelta(days=365 * years)).timestamp())
        flags = (FLAG_QUALIFIED if qualified else 0) | (FLAG_ISSUER if issuer else 0)
        return self.registry.register_investor(
            wallet, keccak(text=kyc_file), KINDS[kind], code, expiry, flags, sender=self.sender
        )

    def kyc_status(self, wallet: str) -> dict:
        """What the register says about a wallet, decoded."""
        identity, kind, country, expiry, flags, verified = self.registry.investor(wallet)
        return {
            "verified": verified,
            "identity": "0x" + bytes(identity).hex(),
            "kind": {1: "natural person", 2: "enterprise"}.get(kind, "unregistered"),
            "country": country,
            "kyc_expiry": datetime.fromtimestamp(expiry, timezone.utc).isoformat() if expiry else None,
            "qualified": bool(flags & FLAG_QUALIFIED),
            "issuer": bool(flags & FLAG_ISSUER),
            "revoked": bool(flags & 128),
        }

    def freeze(self, symbol: str, wallet: str):
        """Freezes a wallet on one security: it can neither send nor receive its shares."""
        return self.security(symbol).setAddressFrozen(wallet, True, sender=self.sender)

    def unfreeze(self, symbol: str, wallet: str):
        """Lifts a wallet's freeze on one security."""
        return self.security(symbol).setAddressFrozen(wallet, False, sender=self.sender)

    def recover(self, symbol: str, lost_wallet: str, new_wallet: str):
        """Moves a lost wallet's shares, holds and freezes to a new wallet of the same investor.
        Register the new wallet first with `registry.add_wallet(lost_wallet, new_wallet)`."""
        return self.security(symbol).recoveryAddress(lost_wallet, new_wallet, sender=self.sender)

    def halt(self, symbol: str):
        """Suspends trading in a security."""
        return self.factory.halt(self.security(symbol), sender=self.sender)

    def resume(self, symbol: str):
        """Resumes trading in a halted security."""
        return self.factory.resume(self.security(symbol), sender=self.sender)

    def cap_table(self, symbol: str) -> None:
        """Prints the register of a security, rebuilt from its Transfer events."""
        print(cap_table(self.security(symbol), self.start_block).as_table())

    def helpers(self) -> dict:
        """The names `ape console` exposes."""
        names = ["securities", "security", "onboard_investor", "kyc_status", "freeze", "unfreeze", "recover", "halt", "resume", "cap_table"]
        return {name: getattr(self, name) for name in names}
