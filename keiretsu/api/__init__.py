"""The read API over the index (issue 14): `create_app(engine)` is a FastAPI application that only
reads the index's tables; `python -m keiretsu.api --help` serves it with uvicorn on 127.0.0.1.

Amounts are uint256 and go out as decimal strings, so no client rounds them through a float.
Lists of unbounded length are paginated by an opaque cursor; the downloads a person would open in
a spreadsheet (securities, a register, a trade tape) also answer as CSV (`.csv` or `?format=csv`).
A security's register is today's (balances, holds, freezes) or, with `?at=` or `?record_date=`,
the balances then, folded from the transfers (keiretsu/api/history.py). A wallet's statement gives
its positions at both ends of a period and every movement between with its cause, read from the
other events of the movement's transaction. The OpenAPI document is at /openapi.json and its
browsable form at /docs.
"""

from keiretsu.api.app import create_app, read_only_engine

__all__ = ["create_app", "read_only_engine"]
