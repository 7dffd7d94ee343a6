"""Securities named by their symbol, in any case: the one lookup of the console, the scripts and
the reports. The factory keeps symbols unique (and in capitals), so a symbol names one security."""

from __future__ import annotations

from typing import Any

from keiretsu.clones import clone_at
from keiretsu.rules import parse_symbol

ZERO_ADDRESS = "0x" + "0" * 40


class UnknownSymbol(KeyError):
    """No listed security has this symbol; `listed` names those that exist."""

    def __init__(self, symbol: str, listed: list[str]):
        self.symbol, self.listed = symbol, listed
        super().__init__(f"no security with symbol {symbol!r}; listed: {', '.join(listed) or 'none'}")

    def __str__(self) -> str:
        # KeyError quotes its message; this one is a sentence for people.
        return str(self.args[0])


def listed_tokens(factory: Any, token_type: Any, start: int = 0) -> list:
    """The listed security tokens from position `start` on, in issuance order, typed as `token_type`."""
    return [clone_at(token_type, factory.security_at(index).token) for index in range(start, factory.security_count())]


def resolve_symbol(factory: Any, token_type: Any, symbol: str) -> Any:
    """The security token listed under `symbol`, in any case ("andes" finds ANDES), typed as
    `token_type`. Raises UnknownSymbol, naming the listed symbols, when no security has it."""
    wanted = parse_symbol(symbol)
    token = factory.security_by_symbol(wanted) if wanted else ZERO_ADDRESS
    if token == ZERO_ADDRESS:
        raise UnknownSymbol(symbol, sorted(listed.symbol() for listed in listed_tokens(factory, token_type)))
    return clone_at(token_type, token)
