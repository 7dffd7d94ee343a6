"""Raw logs to (event name, arguments), fast: each event's ABI is compiled once into the types of
its data and a reader for each indexed topic, so decoding a log is one `eth_abi.decode` call.

Values come out in the index's conventions: addresses lowercase, bytes as 0x hex, integers as int.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_abi import decode

from keiretsu.replay import BUILD, _abi_type, event_abis


@dataclass(frozen=True)
class EventDecoder:
    name: str
    data_names: tuple[str, ...]
    data_types: tuple[str, ...]
    topics: tuple[tuple[str, Callable[[str], Any]], ...]

    def decode(self, topics: list[str], data: str) -> dict[str, Any]:
        values = dict(zip(self.data_names, map(_plain, decode(self.data_types, bytes.fromhex(data[2:]))))) if self.data_types else {}
        for (name, read), topic in zip(self.topics, topics[1:]):
            values[name] = read(topic)
        return values


def _plain(value: Any) -> Any:
    """bytes as 0x hex and tuples as lists, so that every value is JSON as it is."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _topic_reader(abi_type: str) -> Callable[[str], Any]:
    if abi_type == "address":
        return lambda topic: "0x" + topic[-40:].lower()
    if abi_type.startswith("uint"):
        return lambda topic: int(topic, 16)
    if abi_type == "bool":
        return lambda topic: int(topic, 16) != 0
    if abi_type.startswith("bytes") and abi_type != "bytes":
        size = int(abi_type[5:])
        return lambda topic: topic[: 2 + 2 * size].lower()
    # A dynamic value (string, bytes, array) is indexed as its hash: keep the hash.
    return lambda topic: topic.lower()


def decoders(build: Path = BUILD) -> dict[str, EventDecoder]:
    """topic0 -> decoder, over every compiled contract."""
    compiled = {}
    for topic0, abi in event_abis(build).items():
        plain = [i for i in abi["inputs"] if not i.get("indexed")]
        compiled[topic0] = EventDecoder(
            abi["name"],
            tuple(i["name"] for i in plain),
            tuple(_abi_type(i) for i in plain),
            tuple((i["name"], _topic_reader(_abi_type(i))) for i in abi["inputs"] if i.get("indexed")),
        )
    return compiled
