"""`make bench`: gas measured from receipts on a fresh local chain, written to bench/results.json."""
