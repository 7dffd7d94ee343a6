"""Pushing a dividend to the holders at its record date, in batches (what `ape run pay-dividend` does)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from keiretsu.log_ranges import event_logs
from keiretsu.transactions import Journal, call

# Dividends.pay takes at most this many holders per call.
MAX_BATCH = 100
SKIP_REASONS = {1: "already paid", 2: "frozen", 3: "excluded", 4: "nothing due"}


@dataclass
class PaymentRun:
    """What a push run did: amounts paid per holder, and why others were skipped."""

    paid: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    transactions: int = 0

    @property
    def total(self) -> int:
        return sum(self.paid.values())


def holders_from_transfers(token: Any, from_block: int, to_block: int | None = None) -> list[str]:
    """Every wallet that received shares of `token` from `from_block` to `to_block` (default: the head), in order."""
    seen: dict[str, None] = {}
    for log in event_logs(token.Transfer, from_block, to_block):
        seen.setdefault(log.receiver, None)
    seen.pop("0x0000000000000000000000000000000000000000", None)
    return list(seen)


def unpaid_holders(dividends: Any, token: Any, dividend_id: int, candidates: Iterable[str]) -> list[str]:
    """The candidates with a nonzero entitlement that were not paid yet (excluded wallets are due nothing)."""
    return [
        holder
        for holder in candidates
        if dividends.entitlement(token, dividend_id, holder) > 0 and not dividends.claimed(token, dividend_id, holder)
    ]


def batches(items: Sequence[str], size: int) -> list[Sequence[str]]:
    if not 1 <= size <= MAX_BATCH:
        raise ValueError(f"batch size must be between 1 and {MAX_BATCH}")
    return [items[start : start + size] for start in range(0, len(items), size)]


def pay_dividend(
    dividends: Any,
    token: Any,
    dividend_id: int,
    holders: Sequence[str],
    sender: Any,
    journal: Journal,
    batch_size: int = MAX_BATCH,
    on_batch: Callable[[int], None] = lambda _: None,
) -> PaymentRun:
    """Pushes the dividend to `holders` in batches, sent together through `journal` (a payment an
    earlier run left in flight is resolved first: resolve it before choosing `holders`, see
    `unpaid_holders`); `on_batch(n)` is told after each batch of n holders is mined."""
    run = PaymentRun()
    sent = batches(holders, batch_size)
    steps = [
        call(f"pay dividend {dividend_id} to holders {start + 1} to {start + len(batch)}", dividends.pay, token, dividend_id, list(batch))
        for start, batch in zip(range(0, len(holders), batch_size), sent)
    ]
    for batch, receipt in zip(sent, journal.send(sender, steps)):
        run.transactions += 1
        for log in dividends.DividendPaid.from_receipt(receipt):
            run.paid[log.holder] = log.amount
        for log in dividends.DividendPaymentSkipped.from_receipt(receipt):
            run.skipped[log.holder] = SKIP_REASONS.get(log.reason, str(log.reason))
        on_batch(len(batch))
    return run
