"""The benchmark's verdicts: a figure over its bound is a MISS, relative bounds use the same run."""

from bench.run import derived, render
from bench.targets import Target


def test_relative_target_uses_the_baseline_of_the_same_run():
    target = Target("transfer_compliant", baseline="erc20_transfer_plain", factor=1.35)
    assert target.check({"transfer_compliant": 46_000, "erc20_transfer_plain": 34_091})[1] == "PASS"
    assert target.check({"transfer_compliant": 46_100, "erc20_transfer_plain": 34_091})[1] == "MISS"
    assert target.check({"transfer_compliant": 46_000})[1] == "n/a"


def test_absolute_target():
    target = Target("register_investor", limit=50_000)
    assert target.check({"register_investor": 50_000})[1] == "PASS"
    assert target.check({"register_investor": 50_001})[1] == "MISS"


def test_a_rate_must_reach_its_floor():
    target = Target("index_backfill_events_per_second", limit=2_000, at_least=True)
    assert target.check({"index_backfill_events_per_second": 2_000})[1] == "PASS"
    assert target.check({"index_backfill_events_per_second": 1_999.9}) == (">= 2,000", "MISS")


def test_misses_are_listed_in_the_report():
    report = render({"register_investor": 60_000, "issue_security_total": 700_000}, [])
    assert "targets missed: register_investor" in report
    assert "every target met" in render({"register_investor": 40_000}, [])


def test_fills_per_second_follow_from_the_fill_cost():
    assert derived({"take_1_fill": 100_000}) == {"fills_per_second_at_30m_gas": 300.0}
    assert derived({}) == {}
