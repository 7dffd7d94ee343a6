"""Securities named by their symbol, in any case, or by their token address: the one lookup of the
console, the scripts and the reports. The factory keeps symbols unique (and in capitals), so a
symbol names one security."""

from __future__ import annotations

import re
from typing import Any

from ape.exceptions import ContractLogicError

from keiretsu.clones import clone_at
from keiretsu.rules import parse_symbol

ZERO_ADDRESS = "0x" + "0" * 40
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


class UnknownSecurity(KeyError):
    """No listed security has this symbol or address; `listed` names the symbols that exist."""

    def __init__(self, name: str, listed: list[str]):
        self.name, self.listed = name, listed
        what = f"at {name}" if _ADDRESS.fullmatch(name) else f"with symbol {name!r}"
        super().__init__(f"no security {what}; listed: {', '.join(listed) or 'none'}")

    def __str__(self) -> str:
        # KeyError quotes its message; this one is a sentence for people.
        return str(self.args[0])


def listed_tokens(factory: Any, token_type: Any, start: int = 0) -> list:
    """The listed security tokens from position `start` on, in issuance order, typed as `token_type`."""
    return [clone_at(token_type, factory.security_at(index).token) for index in range(start, factory.security_count())]


def resolve_security(factory: Any, token_type: Any, name: str) -> Any:
    """The listed security token that `name` names, typed as `token_type`: a symbol in any case
    ("andes" finds ANDES) or the token's address. Raises UnknownSecurity, naming the listed
    symbols, when no listed security has it."""
    name = str(name).strip()
    if _ADDRESS.fullmatch(name):
        try:
            token = factory.security_by_token(name).token
        except ContractLogicError:  # "factory: unknown security"
            token = ZERO_ADDRESS
    else:
        symbol = parse_symbol(name)
        token = factory.security_by_symbol(symbol) if symbol else ZERO_ADDRESS
    if token == ZERO_ADDRESS:
        raise UnknownSecurity(name, sorted(listed.symbol() for listed in listed_tokens(factory, token_type)))
    return clone_at(token_type, token)
