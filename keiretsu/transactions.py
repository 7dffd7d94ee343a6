"""How the scripts send transactions so that a crash at any point can be resumed (issue 15).

Each transaction is signed here, and its hash, sender, nonce and signed bytes are written to a
journal (the deployment manifest's `in_flight` list for `deploy`, `<chain id>.in-flight.json`
beside the manifests for the other scripts) before it is sent. The hash is the keccak of the
signed bytes, so it is known even when the node never answers the send. The next run resolves
every entry before sending anything:

* a receipt: the transaction is done (the caller learns it, e.g. the contract it created);
* known to the node but not mined: its receipt is awaited;
* unknown: if the sender's nonce has passed the entry's, another transaction took that nonce and
  this one can never be mined; otherwise it never reached a node (or a node forgot it), and the
  same signed bytes are sent again, so that it can be mined once at most;
* sent to another chain: the chain was reset under the same id since (its genesis differs), and
  the entry is dropped.

Transactions that do not depend on each other are sent together (a wave, consecutive nonces)
and land in the same block; each is reported when sent (what, hash) and when mined (block).
`keiretsu.transactions.<network>` in ape-config.yaml sets the gas margin every estimate is
multiplied by and the confirmations awaited (see `SendSettings`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import Timeout as RequestsTimeout
from web3.exceptions import CannotHandleRequest, ProviderConnectionError

from keiretsu.manifest import DEPLOYMENTS
from keiretsu.network import NetworkSettingsError, fee_options

# How long a transaction may stay unmined before the script gives up (seconds); the journal
# keeps it, so the next run picks it up.
RECEIPT_TIMEOUT_SECONDS = 120
# Errors of a node that is gone (a closed connection, a refused one, a timeout): requests' (web3's
# HTTP client) and the standard library's, which web3 lets through, and web3's own: Ape's provider
# makes web3 turn a closed connection into "Could not discover provider" (CannotHandleRequest).
NODE_GONE = (RequestsConnectionError, RequestsTimeout, ConnectionError, TimeoutError, CannotHandleRequest,
             ProviderConnectionError)


class TransactionFailed(RuntimeError):
    """A transaction was mined and failed; the message names it (what, hash) in one line."""


class NodeLost(RuntimeError):
    """The node stopped answering while transactions were in flight; they are in the journal."""


@dataclass(frozen=True)
class SendSettings:
    """`gas_margin`: every gas estimate is multiplied by it (a call several levels deep can need
    more than the node's estimate); `confirmations`: blocks awaited after the transaction's own
    (0 on QBFT, whose blocks are final)."""

    gas_margin: float
    confirmations: int

    @classmethod
    def from_settings(cls, network: str, settings: dict[str, Any], default_confirmations: int) -> "SendSettings":
        where = f"ape-config.yaml keiretsu.transactions.{network}"
        unknown = set(settings) - {"gas_margin", "confirmations"}
        if unknown:
            raise NetworkSettingsError(f"{where}: unknown setting {', '.join(sorted(unknown))}")
        margin = settings.get("gas_margin", 1.0)
        confirmations = settings.get("confirmations", default_confirmations)
        if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin <= 0:
            raise NetworkSettingsError(f"{where}.gas_margin must be a positive number (1.5: half as much again)")
        if isinstance(confirmations, bool) or not isinstance(confirmations, int) or confirmations < 0:
            raise NetworkSettingsError(f"{where}.confirmations must be a whole number of blocks, 0 or more")
        return cls(float(margin), confirmations)


def send_settings() -> SendSettings:
    """The connected network's settings; a network without an entry keeps the node's estimates
    and Ape's confirmations."""
    from ape import chain, config

    network = chain.provider.network
    settings = (config.get_config("keiretsu").get("transactions") or {}).get(network.name) or {}
    return SendSettings.from_settings(network.name, settings, network.required_confirmations)


@dataclass(frozen=True)
class Step:
    """One transaction to send: `what` it does, in words ("deploy OrderBook"), the unsigned
    transaction (Ape's `serialize_transaction` / `as_transaction`), and `note`, what the
    journal keeps about it for the caller (e.g. {"contract": "OrderBook"})."""

    what: str
    transaction: Any
    note: dict[str, Any] | None = None


def creation(name: str, *arguments: Any) -> Step:
    """The deployment of the build's contract `name` with its constructor's `arguments`."""
    from ape import project

    container = project.get_contract(name)
    return Step(f"deploy {name}", container.constructor.serialize_transaction(*arguments, **fee_options()), {"contract": name})


def call(what: str, method: Any, *arguments: Any) -> Step:
    """A call of a contract's `method` (e.g. `registry.grantRole`) with `arguments`."""
    return Step(what, method._as_transaction(*arguments).serialize_transaction(*arguments, **fee_options()))


class Journal:
    """The transactions in flight, kept in `record["in_flight"]` and written by `save()` before
    each is sent and after each is resolved. `on_mined(entry, receipt)` is told of every
    successful one (sent by this run or found from an earlier one) before its entry goes."""

    def __init__(
        self,
        record: dict[str, Any],
        save: Callable[[], None],
        log: Callable[[str], None] = print,
        on_mined: Callable[[dict[str, Any], Any], None] = lambda entry, receipt: None,
    ):
        self.record = record
        self.save = save
        self.log = log
        self.on_mined = on_mined
        self.settings = send_settings()
        self._genesis: str | None = None

    @property
    def genesis(self) -> str:
        """The connected chain's genesis hash: an entry of a chain since reset under the same id
        (`make up` after `rm -rf chain`) is not this chain's."""
        from ape import chain

        if self._genesis is None:
            self._genesis = chain.provider.make_request("eth_getBlockByNumber", ["0x0", False])["hash"]
        return self._genesis

    @property
    def entries(self) -> list[dict[str, Any]]:
        return self.record.get("in_flight", [])

    def resume(self) -> int:
        """Resolves every transaction an earlier run left in flight; how many there were."""
        from ape import chain

        left = list(self.entries)
        waiting = []
        for entry in left:
            if entry.get("genesis") != self.genesis:
                self.log(f"{entry['what']}: {entry['hash']} was sent to another chain with this id (since reset); dropped")
                self._forget(entry)
                continue
            try:
                known = _receipt_or_transaction(entry["hash"])
                if known is None and chain.provider.get_nonce(entry["sender"]) > entry["nonce"]:
                    self.log(f"{entry['what']}: {entry['hash']} was never mined (its nonce went to another); dropped")
                    self._forget(entry)
                    continue
                if known is None:
                    self.log(f"{entry['what']}: {entry['hash']} never reached the node; sending it again")
                    _send_raw(entry["raw"])
                else:
                    self.log(f"{entry['what']}: {entry['hash']} found, sent by an earlier run")
            except NODE_GONE:
                raise NodeLost(self._lost_message(entry)) from None
            waiting.append(entry)
        self._await(waiting, fail=False)
        return len(left)

    def send(self, sender: Any, steps: list[Step]) -> list[Any]:
        """Signs `steps` with consecutive nonces, records them, sends them together and returns
        their receipts in order; a failed one raises TransactionFailed once all are mined."""
        from ape import chain

        if not steps:
            return []
        if self.entries:
            self.resume()
        nonce = chain.provider.get_nonce(sender.address)
        entries = []
        for offset, step in enumerate(steps):
            transaction = step.transaction
            transaction.sender = sender.address
            transaction.nonce = nonce + offset
            transaction.gas_limit = int(chain.provider.estimate_gas_cost(transaction) * self.settings.gas_margin)
            signed = sender.sign_transaction(sender.prepare_transaction(transaction))
            entries.append({
                "what": step.what, "hash": "0x" + bytes(signed.txn_hash).hex(), "sender": sender.address,
                "nonce": transaction.nonce, "genesis": self.genesis, "raw": "0x" + signed.serialize_transaction().hex(), **(step.note or {}),
            })
        self.record.setdefault("in_flight", []).extend(entries)
        self.save()
        for entry in entries:
            self.log(f"{entry['what']}: sent {entry['hash']}")
            try:
                _send_raw(entry["raw"])
            except NODE_GONE:
                raise NodeLost(self._lost_message(entry)) from None
        return self._await(entries, fail=True)

    def _await(self, entries: list[dict[str, Any]], fail: bool) -> list[Any]:
        from ape import chain

        receipts, failures = [], []
        for entry in entries:
            try:
                receipt = chain.provider.get_receipt(
                    entry["hash"], required_confirmations=self.settings.confirmations, timeout=RECEIPT_TIMEOUT_SECONDS,
                )
            except NODE_GONE:
                raise NodeLost(self._lost_message(entry)) from None
            if receipt.failed:
                failures.append(_failure(entry, receipt))
                self.log(failures[-1])
            else:
                self.log(f"{entry['what']}: {entry['hash']} in block {receipt.block_number}")
                self.on_mined(entry, receipt)
            self._forget(entry)
            receipts.append(receipt)
        if failures and fail:
            raise TransactionFailed(failures[0] + (f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""))
        return receipts

    def _forget(self, entry: dict[str, Any]) -> None:
        self.entries.remove(entry)
        if not self.entries:
            del self.record["in_flight"]  # a manifest with nothing in flight reads as before
        self.save()

    def _lost_message(self, entry: dict[str, Any]) -> str:
        return (f"the node stopped answering with {entry['what']} ({entry['hash']}) in flight; "
                "run the same command again: it finds what was sent before sending anything")


def _receipt_or_transaction(tx_hash: str) -> dict | None:
    """The node's receipt of `tx_hash`, else the transaction itself if the node holds it, else None."""
    from ape import chain

    for method in ("eth_getTransactionReceipt", "eth_getTransactionByHash"):
        if found := chain.provider.make_request(method, [tx_hash]):
            return found
    return None


def _send_raw(raw: str) -> None:
    from ape import chain

    chain.provider.make_request("eth_sendRawTransaction", [raw])


def _failure(entry: dict[str, Any], receipt: Any) -> str:
    """One line naming a failed transaction; out of gas when it used every unit of its limit."""
    if receipt.gas_used >= receipt.gas_limit:
        return (f"out of gas: {entry['what']} ({entry['hash']}) used all {receipt.gas_limit:,} gas of its limit; "
                "raise keiretsu.transactions.<network>.gas_margin in ape-config.yaml")
    return f"reverted: {entry['what']} ({entry['hash']}) in block {receipt.block_number}"


def script_journal(log: Callable[[str], None] = print, directory: Path = DEPLOYMENTS) -> Journal:
    """The journal of the scripts other than deploy: `<chain id>.in-flight.json` beside the
    manifests, removed when nothing is in flight."""
    from ape import chain

    path = directory / f"{chain.chain_id}.in-flight.json"
    record = json.loads(path.read_text()) if path.exists() else {}

    def save() -> None:
        if not record.get("in_flight"):
            path.unlink(missing_ok=True)
            return
        directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(record, indent=2) + "\n")
        partial.replace(path)

    return Journal(record, save, log)
