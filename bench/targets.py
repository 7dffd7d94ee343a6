"""Targets: each figure's bound, checked against the measured results of the same run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """`key` must be at most `factor` x `baseline` (a key of the same run) or at most `limit`; a
    rate (`at_least`) must be at least `limit`."""

    key: str
    limit: float | None = None
    baseline: str | None = None
    factor: float = 1.0
    at_least: bool = False
    note: str = ""

    def bound(self, results: dict[str, float]) -> float | None:
        if self.baseline is None:
            return self.limit
        if self.baseline not in results:
            return None
        return self.factor * results[self.baseline]

    def describe(self) -> str:
        if self.baseline is None:
            return f"{'>=' if self.at_least else '<='} {self.limit:,.0f}"
        return f"<= {self.factor:g} x {self.baseline}"

    def check(self, results: dict[str, float]) -> tuple[str, str]:
        """(target text, verdict): PASS, MISS, or n/a when a figure is missing."""
        bound = self.bound(results)
        if self.key not in results or bound is None:
            return self.describe(), "n/a"
        within = results[self.key] >= bound if self.at_least else results[self.key] <= bound
        return self.describe(), "PASS" if within else "MISS"


TARGETS: list[Target] = [
    Target("transfer_compliant", baseline="erc20_transfer_plain", factor=1.35, note="T-REX: 6.2 x"),
    Target("register_investor", limit=50_000, note="T-REX: ~79,600"),
    Target("issue_security_total", limit=1_200_000, note="T-REX factory: 3,730,860"),
    Target("take_1_fill", limit=100_000, note="Clober v2: 153,941; Crystal: 143,854"),
    Target("take_extra_fill", limit=25_000),
    Target("place_limit_order", limit=90_000),
    Target("cancel_order", limit=40_000),
    Target("take_1_fill_at_10000_resting", baseline="take_1_fill", factor=1.02),
    Target("dividend_declare", limit=100_000, note="Polymath: 410,913"),
    Target("dividend_claim", limit=65_000),
    Target("dividend_claim_at_10000_holders", baseline="dividend_claim", factor=1.02),
    Target("index_backfill_events_per_second", limit=2_000, at_least=True, note="on SQLite, at 20,000 events"),
    Target("api_statement_ms_at_100k_trades", limit=50, note="p95, SQLite, one wallet over 30 days"),
    Target("api_register_ms_at_10k_holders", limit=50, note="p95, SQLite, a page of 100, now and at a record date"),
    Target("index_lag_ms", limit=1_000, note="median, a trade's receipt to its row in the API"),
    Target("index_and_api_peak_rss_mb", limit=300, note="the follower's and the API's peaks added"),
]
