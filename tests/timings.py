"""A pytest plugin for tests/parallel.py: each test file's total seconds (setup, call and teardown),
written as JSON to the file named by KEIRETSU_TEST_TIMINGS when the session ends."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report) -> None:
    _seconds[report.nodeid.split("::")[0]] += report.duration


def pytest_sessionfinish(session, exitstatus) -> None:
    target = os.environ.get("KEIRETSU_TEST_TIMINGS")
    if target:
        Path(target).write_text(json.dumps(dict(_seconds)))
