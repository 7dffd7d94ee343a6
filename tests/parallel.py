"""`make test-contracts`: the contract and script tests in parallel groups, one anvil each, and the
tests through a production node in a lane of their own.

Most of a test's time is Ape's Python work between transactions, not anvil's, so one `ape test` uses
about one core: on CI's two cores two groups take about half the time of one. Files are dealt to the
groups by their measured duration (tests/durations.json, written by `--record`); a file without a
measure counts as the mean, so a new test file needs no bookkeeping. Each group is an `ape test` of
its own on its own port (ape-foundry starts anvil there), with the build compiled once beforehand.

    python -m tests.parallel [--groups N] [--base-port PORT] [--record] [-- PYTEST ARGS]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DURATIONS = REPO / "tests" / "durations.json"
BIN = Path(sys.executable).parent
# Clear of make up (8545), the default test port (8555), the bench (8556) and make test-legacy.
DEFAULT_BASE_PORT = 8570


# The tests through a production node (tests/fixtures/production_node.py) wait on its one-second
# blocks and use little CPU: they run as a lane of their own beside the groups (`make
# test-production` runs them alone), not dealt to the groups, whose files keep both cores busy.
PRODUCTION_NODE_TESTS = "test_production_*.py"


def test_files(pattern: str = "test_*.py") -> list[str]:
    return sorted(str(path.relative_to(REPO)) for path in (REPO / "tests").glob(pattern))


def deal(files: list[str], durations: dict[str, float], groups: int) -> list[list[str]]:
    """Longest first, each file to the group with the least time so far."""
    known = [durations[name] for name in files if name in durations]
    default = sum(known) / len(known) if known else 1.0
    loads = [0.0] * groups
    dealt: list[list[str]] = [[] for _ in range(groups)]
    for name in sorted(files, key=lambda name: -durations.get(name, default)):
        lightest = loads.index(min(loads))
        dealt[lightest].append(name)
        loads[lightest] += durations.get(name, default)
    return [sorted(group) for group in dealt if group]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=2, help="parallel `ape test` runs (default 2: CI's cores)")
    parser.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT, help="group i's anvil listens on this + i")
    parser.add_argument("--record", action="store_true", help=f"write each file's measured seconds to {DURATIONS.name}")
    parser.add_argument("pytest_args", nargs="*", help="passed to every `ape test` (after --)")
    options = parser.parse_args()

    subprocess.run([str(BIN / "ape"), "compile"], cwd=REPO, check=True)
    durations = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
    production = test_files(PRODUCTION_NODE_TESTS)
    groups = deal([name for name in test_files() if name not in production], durations, options.groups)
    groups += [production] if production else []
    runs = []
    started = time.monotonic()
    for index, files in enumerate(groups):
        log = REPO / ".build" / f"test-group-{index}.log"
        timings = REPO / ".build" / f"test-group-{index}.json"
        env = {
            **os.environ,
            "APE_FOUNDRY_HOST": f"http://127.0.0.1:{options.base_port + index}",
            "KEIRETSU_TEST_TIMINGS": str(timings),
        }
        command = [str(BIN / "ape"), "test", *files, "-p", "no:cacheprovider", "-p", "tests.timings", *options.pytest_args]
        print(f"group {index + 1}: {' '.join(Path(name).stem for name in files)}", flush=True)
        handle = log.open("w")
        runs.append((index, files, log, timings, handle, subprocess.Popen(command, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)))

    failed = False
    measured: dict[str, float] = {}
    for index, _files, log, timings, handle, process in runs:
        code = process.wait()
        handle.close()
        print(f"\n===== group {index + 1}: exit {code} after {time.monotonic() - started:.0f} s =====", flush=True)
        sys.stdout.write(log.read_text())
        failed |= code != 0
        if timings.exists():
            measured.update(json.loads(timings.read_text()))
    print(f"\nall groups done in {time.monotonic() - started:.0f} s: {'FAILED' if failed else 'passed'}")
    if options.record and not failed:
        DURATIONS.write_text(json.dumps({name: round(seconds, 1) for name, seconds in sorted(measured.items())}, indent=2) + "\n")
        print(f"wrote {DURATIONS.relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
