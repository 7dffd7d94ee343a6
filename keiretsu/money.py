"""Amounts in units, one way for every script, report and console line."""

from dataclasses import dataclass
from decimal import Decimal


def units(amount: int, decimals: int) -> str:
    """A base-unit amount as a decimal number: 510000000, 6 -> "510.00" (at least two decimals,
    more only when the amount has them, so nothing is rounded away)."""
    value = Decimal(amount).scaleb(-decimals)
    places = max(2, -value.normalize().as_tuple().exponent)
    return f"{value:,.{places}f}"


@dataclass(frozen=True)
class Currency:
    """A cash token as the reports show it: its symbol and decimals."""

    symbol: str
    decimals: int

    def format(self, amount: int) -> str:
        return f"{units(amount, self.decimals)} {self.symbol}"
