"""Reports rebuilt from events alone: cap tables (and, as the contracts provide them, trades and
dividends), printed as tables or written as CSV."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


@dataclass(frozen=True)
class Report:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[object]]

    def as_table(self) -> str:
        cells = [[str(h) for h in self.headers]] + [[_cell(c) for c in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.headers))]
        lines = [self.title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths))]
        lines.append("  ".join("-" * w for w in widths))
        for row in cells[1:]:
            lines.append("  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths)))
        return "\n".join(lines)

    def as_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.headers)
        writer.writerows(self.rows)
        return buffer.getvalue()


def _cell(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("%", "").isdigit()


def balances_from_transfers(transfers: Iterable[tuple[str, str, int]]) -> dict[str, int]:
    """Replays (sender, receiver, value) transfers; mints come from and burns go to the zero address."""
    balances: dict[str, int] = defaultdict(int)
    for sender, receiver, value in transfers:
        if sender != ZERO_ADDRESS:
            balances[sender] -= value
        if receiver != ZERO_ADDRESS:
            balances[receiver] += value
    return {holder: amount for holder, amount in balances.items() if amount != 0}


def token_transfers(token, start_block: int = 0) -> list[tuple[str, str, int]]:
    """Every Transfer event of a token, in chain order."""
    stop = token.chain_manager.blocks.height + 1
    return [(log.sender, log.receiver, log.value) for log in token.Transfer.range(start_block, stop)]


def cap_table(token, start_block: int = 0) -> Report:
    """Holders, their shares and their part of the supply, from the token's Transfer events."""
    balances = balances_from_transfers(token_transfers(token, start_block))
    supply = sum(balances.values())
    rows: list[Sequence[object]] = [
        (holder, amount, f"{100 * amount / supply:.2f}%")
        for holder, amount in sorted(balances.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Report(f"Cap table of {token.symbol()} ({len(rows)} holders, {supply:,} shares)", ("holder", "shares", "part"), rows)
