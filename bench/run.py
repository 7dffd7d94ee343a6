"""Runs every benchmark area on a fresh anvil of its own and writes bench/results.json.

    python -m bench.run [--areas token,issuance] [--output bench/results.json] [--port 8556]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from bench.targets import TARGETS
from keiretsu.chain import LocalChain, port_in_use

BENCH_PORT = 8556
AREAS = ["token", "issuance", "offering", "market", "dividends", "index"]
RESULTS = Path(__file__).resolve().parent / "results.json"
BLOCK_GAS = 30_000_000


def derived(results: dict[str, float]) -> dict[str, float]:
    """Figures computed from measured ones."""
    extra: dict[str, float] = {}
    if "take_1_fill" in results:
        extra["fills_per_second_at_30m_gas"] = round(BLOCK_GAS / results["take_1_fill"], 1)
    if "index_follow_peak_rss_mb" in results and "api_peak_rss_mb" in results:
        # Each process's own peak, added: never less than what they hold together at any moment.
        extra["index_and_api_peak_rss_mb"] = round(results["index_follow_peak_rss_mb"] + results["api_peak_rss_mb"], 1)
    return extra


def render(results: dict[str, float], tables: list[tuple[str, list[str], list[list]]]) -> str:
    targets = {target.key: target for target in TARGETS}
    lines = [f"{'figure':<40} {'value':>12}  {'target':<38} {'verdict'}"]
    for key in sorted(results):
        value = results[key]
        target_text, verdict = targets[key].check(results) if key in targets else ("", "")
        ratio = ""
        if key in targets and targets[key].baseline in results:
            ratio = f" ({value / results[targets[key].baseline]:.3f} x)"
        lines.append(f"{key:<40} {value:>12,.1f}  {target_text + ratio:<38} {verdict}".replace(".0 ", "   "))
    for title, headers, rows in tables:
        lines += ["", title, "  ".join(f"{h:>14}" for h in headers)]
        lines += ["  ".join(f"{cell:>14,}" if isinstance(cell, (int, float)) else f"{cell:>14}" for cell in row) for row in rows]
    misses = [t.key for t in TARGETS if t.check(results)[1] == "MISS"]
    lines += ["", f"targets missed: {', '.join(misses)}" if misses else "every target met"]
    return "\n".join(lines)


def run(areas: list[str], port: int = BENCH_PORT) -> tuple[dict[str, float], list]:
    if port_in_use(port):
        sys.exit(f"bench: port {port} is in use; the benchmark needs a fresh chain of its own")
    os.environ["APE_FOUNDRY_HOST"] = f"http://127.0.0.1:{port}"
    from ape.logging import logger

    logger.set_level("WARNING")

    results: dict[str, float] = {}
    tables: list = []
    # Our own anvil, which Ape attaches to: the one ape-foundry starts keeps a step trace of every
    # transaction in memory, and the 10,000-holder dividend setup alone grows that past 20 GB.
    node = LocalChain(port=port).start()
    try:
        measure_areas(areas, results, tables)
    finally:
        node.stop()
    results.update(derived(results))
    return results, tables


def measure_areas(areas: list[str], results: dict[str, float], tables: list) -> None:
    from ape import accounts, chain, networks, project

    from bench.context import BenchContext

    with networks.parse_network_choice("ethereum:local:foundry"):
        ctx = BenchContext(project=project, accounts=list(accounts.test_accounts), chain=chain)
        for area in areas:
            try:
                module = importlib.import_module(f"bench.{area}")
            except ModuleNotFoundError as missing:
                if missing.name != f"bench.{area}":
                    raise
                print(f"bench: area {area} is not built yet, skipped", file=sys.stderr)
                continue
            print(f"bench: measuring {area}", file=sys.stderr)
            results.update(module.measure(ctx))
            if hasattr(module, "tables"):
                tables += module.tables(ctx)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measures Keiretsu's gas figures, and the index's speed, on a fresh local chain.")
    parser.add_argument("--areas", default=",".join(AREAS), help="comma-separated areas (default: all)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    parser.add_argument("--port", type=int, default=BENCH_PORT, help=f"port of the benchmark's own anvil (default: {BENCH_PORT})")
    args = parser.parse_args(argv)
    results, tables = run([area for area in args.areas.split(",") if area], args.port)
    args.output.write_text(json.dumps(dict(sorted(results.items())), indent=2) + "\n")
    print(render(results, tables))
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
