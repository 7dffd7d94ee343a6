"""The validation rules the CLI shares with the dApp, read from keiretsu/rules.json, their one
source (the dApp imports the same file at build time; the IssuanceFactory enforces the symbol rule)."""

from __future__ import annotations

import json
import re
from pathlib import Path

RULES: dict = json.loads(Path(__file__).with_name("rules.json").read_text())

SYMBOL_RULE: str = RULES["symbol"]["rule"]
_SYMBOL = re.compile(RULES["symbol"]["pattern"])
# Investor kind name -> the registry's code, and the kinds that may be flagged as issuers.
KINDS: dict[str, int] = RULES["investor_kinds"]
ISSUER_KINDS: frozenset[int] = frozenset(KINDS[name] for name in RULES["issuer_kinds"])
FLAG_QUALIFIED: int = RULES["flags"]["qualified"]
FLAG_ISSUER: int = RULES["flags"]["issuer"]


def normalise_symbol(text: str) -> str:
    """Symbols are case-insensitive and listed in capitals. Only ASCII is capitalised, so that no
    other letter turns into a valid one ("ı".upper() is "I")."""
    text = text.strip()
    return text.upper() if text.isascii() else text


def parse_symbol(text: str) -> str | None:
    """The listed form of a symbol ("andes" -> "ANDES"), or None when it breaks the rule."""
    symbol = normalise_symbol(text)
    return symbol if _SYMBOL.fullmatch(symbol) else None


def issuer_kind_problem(kind: int) -> str | None:
    """Why an investor of this kind may not carry the issuer flag, or None."""
    return None if kind in ISSUER_KINDS else RULES["issuer_rule"]
