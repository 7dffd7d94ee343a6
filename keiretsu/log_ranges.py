"""Reads event logs block range by block range, as a production node allows (issue 15, point 4).

Production nodes cap `eth_getLogs`: Besu refuses a range of more than `--rpc-max-logs-range`
blocks (5,000 by default) with -32005 "Requested range exceeds maximum RPC range limit", geth and
hosted nodes refuse a query with too many results. A read here starts at Besu's default range,
halves the range each time the node refuses it as too large, and keeps the size it learnt for the
rest of the read, since a node's limit does not move. A node that refuses even one block stops the
read with `LogRangeError`.

Two readers share the halving loop (`read_in_ranges`): `event_logs` for an Ape contract event (the
reports, the dividend push, the console) and `rpc_logs` for raw JSON-RPC logs (the replay, the
index's follower reads one range with `rpc_range_logs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from keiretsu.rpc_batch import rpc_batch

if TYPE_CHECKING:
    from ape.contracts.base import ContractEvent, ContractLog

# What nodes answer to a log query over too many blocks or with too many results.
RANGE_REFUSED = re.compile(r"range|limit|too many|too large|exceed|more than|response size", re.IGNORECASE)
BESU_DEFAULT_MAX_LOGS_RANGE = 5_000

Log = TypeVar("Log")


class RangeRefused(RuntimeError):
    """The node refused a log query as too large (too many blocks or results)."""


class LogRangeError(RuntimeError):
    """The node refuses the logs of a single block: they cannot be read from it at all."""


@contextmanager
def range_refusals(*node_errors: type[Exception]) -> Iterator[None]:
    """Turns a node's error of type `node_errors` that says the query was too large into
    `RangeRefused`; any other error goes on as it was."""
    try:
        yield
    except node_errors as error:
        if RANGE_REFUSED.search(str(error)):
            raise RangeRefused(str(error)) from None
        raise


def smaller_range(first: int, last: int, refused: RangeRefused) -> int:
    """The range size to try after the node refused blocks `first`..`last`: half of it."""
    if last <= first:
        raise LogRangeError(f"the node refuses the logs of block {first} alone: {refused}")
    return (last - first + 1) // 2


def read_in_ranges(
    read_range: Callable[[int, int], list[Log]],
    first_block: int,
    last_block: int,
    range_size: int = BESU_DEFAULT_MAX_LOGS_RANGE,
) -> list[Log]:
    """Every log `read_range(first, last)` gives over `first_block`..`last_block` (inclusive), in
    order, asking ranges of at most `range_size` blocks and halving it on each `RangeRefused`."""
    logs: list[Log] = []
    first = first_block
    while first <= last_block:
        last = min(first + range_size - 1, last_block)
        try:
            logs += read_range(first, last)
        except RangeRefused as refused:
            range_size = smaller_range(first, last, refused)
            continue
        first = last + 1
    return logs


def event_logs(event: ContractEvent, from_block: int = 0, to_block: int | None = None, **search_topics: Any) -> list[ContractLog]:
    """Every log of an Ape contract `event` from `from_block` to `to_block` (default: the head), in
    chain order, optionally filtered by indexed arguments."""
    # Imported here: the index and the load run use this module without loading Ape.
    from ape.exceptions import ProviderError
    from ape.types.events import LogFilter

    provider = event.provider
    if to_block is None:
        # eth_blockNumber rather than Ape's chain height: the height reads the whole latest block.
        to_block = int(provider.make_request("eth_blockNumber", []), 16)
    address = event.contract.address

    def read_range(first: int, last: int) -> list[ContractLog]:
        log_filter = LogFilter.from_event(
            event=event.abi, search_topics=search_topics or None, addresses=[address], start_block=first, stop_block=last
        )
        # One request per range, not `event.range`: Ape pages that by its own size in 16 threads
        # and has no way to shrink a page the node refuses.
        with range_refusals(ProviderError):
            raw = provider.make_request("eth_getLogs", [log_filter.model_dump(mode="json")])
        return list(provider.network.ecosystem.decode_logs(raw, event.abi))

    return read_in_ranges(read_range, from_block, to_block)


def rpc_range_logs(url: str, addresses: list[str] | None, first: int, last: int) -> list[dict]:
    """The raw logs of `addresses` (None: of every contract) in blocks `first`..`last`, in one
    `eth_getLogs`; `RangeRefused` when the node says the range is too large."""
    with range_refusals(RuntimeError):
        [logs] = rpc_batch(url, [("eth_getLogs", [{"address": addresses, "fromBlock": hex(first), "toBlock": hex(last)}])])
    return logs


def rpc_logs(url: str, addresses: list[str] | None, from_block: int, to_block: int | None = None) -> list[dict]:
    """Every raw log of `addresses` (None: of every contract) from `from_block` to `to_block`
    (default: the head), in chain order."""
    if to_block is None:
        [head] = rpc_batch(url, [("eth_blockNumber", [])])
        to_block = int(head, 16)
    return read_in_ranges(lambda first, last: rpc_range_logs(url, addresses, first, last), from_block, to_block)
