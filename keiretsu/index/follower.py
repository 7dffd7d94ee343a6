"""Follows the chain into the index.

Each step reads one block range with one `eth_getLogs` over every contract known (the roots given
and the clones the logs revealed); a contract discovered in the range is read for that range too,
before anything of the range is applied, since a clone logs before the listing that names it. The
range is applied and committed in ONE database transaction with the last indexed block number and
hash, so the index is always the state after a whole range. Each block that logged is read once, in
JSON-RPC batches per range, for the timestamp every row of a happening carries.

Ranges grow while the node answers fast and halve when it refuses one as too large (Besu's block
range limit, geth's result limit; keiretsu/log_ranges.py recognises the refusal and halves). Before
each step the index checks it is still an index of this chain: the same chain id and genesis hash,
and the last indexed block still has the stored hash; otherwise (a reset, `rm -rf chain` and a new
`make up`, a reorganisation) it says so in one line and rebuilds from scratch, as it does for
another SCHEMA_VERSION or another set of roots.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError

from keiretsu.index import schema
from keiretsu.index.decoding import EventDecoder, decoders
from keiretsu.index.projection import Discovery, Log, Projection, discoveries
from keiretsu.log_ranges import RangeRefused, rpc_range_logs, smaller_range
from keiretsu.rpc_batch import View, read_views, rpc_batch

FAST_SECONDS = 1.0  # a range answered (and applied) faster than this doubles the next one
BLOCKS_PER_BATCH = 500  # eth_getBlockByNumber calls per JSON-RPC batch (Besu takes 1,024 by default)


@dataclass
class StepResult:
    first_block: int
    last_block: int
    events: int


@dataclass
class Follower:
    """Indexes the chain at `url` into `engine`, from `start_block`, following `roots` (the
    platform's factory, identity registry, cash token, dividends and votes) and what they list."""

    url: str
    engine: Engine
    roots: list[str]
    start_block: int = 0
    initial_range: int = 2_000
    max_range: int = 100_000
    log: Callable[[str], None] = print
    range_size: int = field(init=False)

    def __post_init__(self) -> None:
        self.roots = sorted({r.lower() for r in self.roots})
        self.range_size = self.initial_range
        # The widest range the node accepts, learnt from its refusals: a node's limit does not move.
        self.ceiling = self.max_range
        self.decoders: dict[str, EventDecoder] = decoders()
        self.projection = Projection()
        self.known: dict[str, Discovery] = {}

    # --- the chain ---

    def _call(self, *calls: tuple[str, list]) -> list:
        return rpc_batch(self.url, list(calls))

    def _chain_identity(self, last_block: int | None) -> tuple[int, str, int, str | None]:
        """(chain id, genesis hash, head, hash of `last_block` now or None if there is none)."""
        calls = [("eth_chainId", []), ("eth_getBlockByNumber", ["0x0", False]), ("eth_blockNumber", [])]
        if last_block is not None and last_block >= 0:
            calls.append(("eth_getBlockByNumber", [hex(last_block), False]))
        answers = self._call(*calls)
        last_hash = None
        if len(answers) == 4:
            last_hash = answers[3]["hash"] if answers[3] else None
        return int(answers[0], 16), answers[1]["hash"], int(answers[2], 16), last_hash

    # --- the index's own state ---

    def _rebuild(self, chain_id: int, genesis: str) -> dict:
        self.projection.forget()
        self.known = {}
        schema.metadata.drop_all(self.engine)
        schema.metadata.create_all(self.engine)
        state = {"id": 1, "schema_version": schema.SCHEMA_VERSION, "chain_id": chain_id, "genesis_hash": genesis,
                 "start_block": self.start_block, "last_block": self.start_block - 1, "last_block_hash": None}
        with self.engine.begin() as connection:
            connection.execute(insert(schema.meta), state)
            connection.execute(insert(schema.contracts), [
                {"address": root, "kind": "root", "security": None, "discovered_block": self.start_block} for root in self.roots
            ])
        return state

    def _stored_state(self) -> tuple[dict | None, str | None]:
        """The meta row, or None with the reason the index must be built afresh."""
        if not inspect(self.engine).has_table("meta"):
            return None, None
        with self.engine.connect() as connection:
            try:
                state = connection.execute(select(schema.meta)).mappings().first()
            except DBAPIError:  # a meta table of another layout: another schema version
                return None, "its schema changed"
            if state is None:
                return None, None
            if state["schema_version"] != schema.SCHEMA_VERSION:
                return None, f"its schema version is {state['schema_version']}, this indexer writes {schema.SCHEMA_VERSION}"
            roots = sorted(connection.execute(select(schema.contracts.c.address).where(schema.contracts.c.kind == "root")).scalars())
            if roots != self.roots or state["start_block"] != self.start_block:
                return None, "it follows other contracts or another first block"
            return dict(state), None

    def check(self) -> tuple[dict, int]:
        """The index's state, rebuilt first if it is not an index of this chain; and the head."""
        state, reason = self._stored_state()
        chain_id, genesis, head, last_hash = self._chain_identity(state["last_block"] if state else None)
        if state is not None:
            if state["chain_id"] != chain_id or state["genesis_hash"] != genesis:
                reason = f"the chain was reset (genesis {genesis[:10]}…, the index was of {state['genesis_hash'][:10]}…)"
            elif state["last_block_hash"] is not None and last_hash != state["last_block_hash"]:
                reason = f"the chain was reset (block {state['last_block']} now has another hash)"
        if state is None or reason:
            if reason:
                self.log(f"index: {reason}: rebuilding from scratch")
            state = self._rebuild(chain_id, genesis)
        if not self.known:
            with self.engine.connect() as connection:
                rows = connection.execute(select(schema.contracts)).mappings()
                self.known = {r["address"]: Discovery(r["address"], r["kind"], r["security"]) for r in rows}
        return state, head

    # --- one range ---

    def _block_times(self, blocks: set[int], times: dict[int, int]) -> None:
        """Adds to `times` the timestamp of each block of `blocks` it lacks, in batches."""
        missing = sorted(blocks - times.keys())
        for start in range(0, len(missing), BLOCKS_PER_BATCH):
            chunk = missing[start : start + BLOCKS_PER_BATCH]
            answers = self._call(*(("eth_getBlockByNumber", [hex(number), False]) for number in chunk))
            times.update((number, int(block["timestamp"], 16)) for number, block in zip(chunk, answers))

    def _decode(self, raw: list[dict], times: dict[int, int]) -> list[Log]:
        """The platform's logs of `raw`, with their blocks' timestamps (read into `times` as needed)."""
        entries = [(entry, decoder) for entry in raw
                   if entry["topics"] and (decoder := self.decoders.get(entry["topics"][0])) is not None]
        # (A log no platform contract declares, a foreign cash token's own, is left out.)
        self._block_times({int(entry["blockNumber"], 16) for entry, _ in entries}, times)
        return [Log(int(entry["blockNumber"], 16), int(entry["logIndex"], 16), entry["transactionHash"], entry["address"].lower(),
                    decoder.name, decoder.decode(entry["topics"], entry["data"]), times[int(entry["blockNumber"], 16)])
                for entry, decoder in entries]

    def _read_range(self, first: int, last: int) -> tuple[list[Log], list[Discovery]]:
        """Every log of the range in chain order, with the contracts it revealed (read too)."""
        times: dict[int, int] = {}
        logs = self._decode(rpc_range_logs(self.url, sorted(self.known), first, last), times)
        found: dict[str, Discovery] = {}
        while True:
            securities = {a for a, d in (self.known | found).items() if d.kind == "security"}
            new = {d.address: d for log in logs for d in discoveries(log, securities)
                   if d.address not in self.known and d.address not in found}
            if not new:
                break
            found |= new
            logs += self._decode(rpc_range_logs(self.url, sorted(new), first, last), times)
        logs.sort(key=lambda log: (log.block_number, log.log_index))
        return logs, list(found.values())

    def _market_rows(self, markets: list[Discovery], block: int) -> list[dict]:
        """A market's lot and tick size, which no event states, read at the range's last block."""
        views = [View(m.address, signature) for m in markets for signature in ("lot_size()", "tick_size()")]
        values = iter(read_views(self.url, views, hex(block)))
        return [{"address": m.address, "token": m.security, "lot_size": next(values), "tick_size": next(values)} for m in markets]

    def _commit(self, state: dict, first: int, last: int) -> int:
        logs, found = self._read_range(first, last)
        [block] = self._call(("eth_getBlockByNumber", [hex(last), False]))
        markets = self._market_rows([d for d in found if d.kind == "market"], last)
        try:
            with self.engine.begin() as connection:
                if found:
                    connection.execute(insert(schema.contracts), [
                        {"address": d.address, "kind": d.kind, "security": d.security, "discovered_block": first} for d in found
                    ])
                if markets:
                    connection.execute(insert(schema.markets), markets)
                for log in logs:
                    self.projection.apply(connection, log)
                self.projection.flush(connection, last, int(block["timestamp"], 16))
                connection.execute(update(schema.meta).values(last_block=last, last_block_hash=block["hash"]))
        except BaseException:
            self.projection.forget()
            raise
        self.known |= {d.address: d for d in found}
        state["last_block"], state["last_block_hash"] = last, block["hash"]
        return len(logs)

    def step(self, state: dict, head: int) -> StepResult | None:
        """Indexes the next range up to `head` (None when there is nothing left)."""
        first = state["last_block"] + 1
        if first > head:
            return None
        while True:
            last = min(first + self.range_size - 1, head)
            started = time.monotonic()
            try:
                events = self._commit(state, first, last)
            except RangeRefused as refused:
                self.range_size = smaller_range(first, last, refused)
                self.ceiling = last - first
                continue
            if time.monotonic() - started < FAST_SECONDS and last - first + 1 == self.range_size:
                self.range_size = min(self.range_size * 2, self.ceiling)
            return StepResult(first, last, events)

    # --- loops ---

    def backfill(self) -> int:
        """Indexes up to the current head; returns the number of events indexed."""
        state, head = self.check()
        total = 0
        while (result := self.step(state, head)) is not None:
            total += result.events
        return total

    def follow(self, stop: threading.Event, poll_seconds: float = 0.5) -> None:
        """Backfills, then follows the head until `stop` is set. A node that stops answering (a
        restart) is waited for, said once."""
        waiting = False
        while not stop.is_set():
            try:
                self.backfill()
                waiting = False
            except OSError as unreachable:
                if not waiting:
                    self.log(f"index: the node at {self.url} does not answer ({unreachable}); waiting")
                waiting = True
            stop.wait(poll_seconds)
