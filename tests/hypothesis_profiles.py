"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE: "ci" (default, bounded for `make test`),
"fuzz" (`make fuzz`: many more and longer runs) and "dev" (a few short runs while editing). Every example is a chain transaction or more, so
deadlines are off and the example database stays out of the checkout."""

import os

from hypothesis import HealthCheck, settings
from hypothesis.database import InMemoryExampleDatabase

_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

settings.register_profile("ci", max_examples=15, stateful_step_count=30, database=None, **_COMMON)
settings.register_profile("dev", max_examples=3, stateful_step_count=15, database=None, **_COMMON)  # a quick look while editing
settings.register_profile("fuzz", max_examples=100, stateful_step_count=50, database=InMemoryExampleDatabase(), **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
