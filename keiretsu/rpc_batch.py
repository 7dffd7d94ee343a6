"""Many contract views in one JSON-RPC batch: checks that read a hundred values after every step
(invariant tests, load reconciliation) would otherwise pay a round trip for each."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector


@dataclass(frozen=True)
class View:
    """One view call: `signature` like "balanceOf(address)", `returns` the output types."""

    address: str
    signature: str
    args: tuple = ()
    returns: tuple[str, ...] = ("uint256",)

    def calldata(self) -> str:
        selector = function_signature_to_4byte_selector(self.signature)
        inputs = self.signature[self.signature.index("(") + 1 : -1]
        types = [t for t in inputs.split(",") if t]
        return "0x" + (selector + encode(types, list(self.args))).hex()

    def decode(self, data: str) -> Any:
        values = decode(list(self.returns), bytes.fromhex(data.removeprefix("0x")))
        return values[0] if len(values) == 1 else values


def post(url: str, payload: Any, timeout: float = 30.0) -> Any:
    body = json.dumps(payload).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def rpc_batch(url: str, calls: list[tuple[str, list]], timeout: float = 60.0) -> list[Any]:
    """Sends (method, params) pairs as one batch; returns the results in order, raising on any error."""
    if not calls:
        return []
    answers = post(url, [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)], timeout)
    by_id = {answer["id"]: answer for answer in answers}
    results = []
    for i, (method, _) in enumerate(calls):
        answer = by_id[i]
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error'].get('message', answer['error'])}")
        results.append(answer["result"])
    return results


def read_views(url: str, views: list[View], block: str = "latest") -> list[Any]:
    """Calls every view at one block in one batch and decodes the answers."""
    raw = rpc_batch(url, [("eth_call", [{"to": v.address, "data": v.calldata()}, block]) for v in views])
    return [view.decode(data) for view, data in zip(views, raw)]
