"""The index (issue 14): every event of every platform contract in a SQL database.

* `database` picks the database: a SQLite file beside the chain's state, or KEIRETSU_DATABASE_URL.
* `schema` holds the tables and SCHEMA_VERSION; the index is derived data, rebuilt (never migrated)
  when the version, the chain or its history changes.
* `decoding` turns raw logs into (event name, arguments) from the compiled ABIs.
* `projection` applies decoded events to the tables (balances, orders, trades, dividends...).
* `follower` reads the chain in large block ranges and commits each range in one transaction.
* `python -m keiretsu.index --help`: the command line.
"""
