"""What the scripts need to work against a production node (Besu QBFT) as well as anvil, in one place.

* Proof-of-authority blocks: QBFT and Clique put more than 32 bytes in `extraData`, which web3
  refuses without its ExtraDataToPOAMiddleware. Ape 0.8.51 means to install it
  (`has_poa_history`), but web3 7 refuses such a block with a ValueError that Ape swallows as
  "cannot tell", so it never does; `install_poa_middleware` looks at the raw block instead.
* Time: the `pending` block (`chain.pending_timestamp`) is refused by some nodes; the next
  block's time is taken as the latest block's plus a margin (`next_block_time`).
* Fees: Ape prices an EIP-1559 transaction with `eth_maxPriorityFeePerGas`, which Besu lacks.
  Every transaction of the scripts takes its fees from `ape-config.yaml` (`keiretsu.fees.<network>`,
  legacy or EIP-1559, never guessed); a network without an entry (the local chain) keeps Ape's
  own pricing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# web3's limit for extraData without the proof-of-authority middleware (MAX_EXTRADATA_LENGTH).
PLAIN_EXTRA_DATA_BYTES = 32
# How far ahead of the latest block the next one is assumed to be: a few QBFT block periods, so
# that a time computed from it ("opens in a minute") is never already past when its block comes.
NEXT_BLOCK_MARGIN_SECONDS = 5
FEE_TYPES = ("legacy", "eip1559")


class NetworkSettingsError(ValueError):
    """ape-config.yaml's `keiretsu` section is wrong for the network the script connected to."""


@dataclass(frozen=True)
class Fees:
    """How a network's transactions are priced: `legacy` (type 0, `gas_price`) or `eip1559` (type 2,
    `max_fee` and `max_priority_fee`), in wei."""

    type: str
    gas_price: int | None = None
    max_fee: int | None = None
    max_priority_fee: int | None = None

    @classmethod
    def from_settings(cls, network: str, settings: dict[str, Any]) -> "Fees":
        where = f"ape-config.yaml keiretsu.fees.{network}"
        kind = settings.get("type")
        if kind not in FEE_TYPES:
            raise NetworkSettingsError(f"{where}.type must be one of {', '.join(FEE_TYPES)}, not {kind!r}")
        needed = ("gas_price",) if kind == "legacy" else ("max_fee", "max_priority_fee")
        unknown = set(settings) - {"type", *needed}
        if unknown:
            raise NetworkSettingsError(f"{where}: {', '.join(sorted(unknown))} does not apply to {kind} fees")
        for name in needed:
            if not isinstance(settings.get(name), int) or settings[name] < 0:
                raise NetworkSettingsError(f"{where}.{name} must be a whole number of wei, 0 or more")
        fees = cls(kind, **{name: settings[name] for name in needed})
        if kind == "eip1559" and fees.max_priority_fee > fees.max_fee:
            raise NetworkSettingsError(f"{where}: max_priority_fee is more than max_fee")
        return fees

    def transaction_kwargs(self) -> dict[str, int]:
        if self.type == "legacy":
            return {"type": 0, "gas_price": self.gas_price}
        return {"type": 2, "max_fee": self.max_fee, "max_priority_fee": self.max_priority_fee}


def configured_fees(network: str) -> Fees | None:
    """The fees ape-config.yaml sets for `network` (its name, e.g. "private"); None: Ape's own."""
    from ape import config

    settings = (config.get_config("keiretsu").get("fees") or {}).get(network)
    return None if settings is None else Fees.from_settings(network, settings)


def fee_options() -> dict[str, Any]:
    """The connected network's configured fees as transaction keyword arguments (none: Ape's own)."""
    from ape import chain

    fees = configured_fees(chain.provider.network.name)
    return fees.transaction_kwargs() if fees else {}


def send_options(sender: Any) -> dict[str, Any]:
    """The keyword arguments of every transaction a script sends: its sender and the connected
    network's configured fees."""
    return {"sender": sender, **fee_options()}


def install_poa_middleware(provider: Any) -> bool:
    """Installs web3's ExtraDataToPOAMiddleware on `provider` when the node's latest block carries
    proof-of-authority extraData; True when it is (now) installed."""
    from web3.middleware import ExtraDataToPOAMiddleware

    onion = provider.web3.middleware_onion
    if ExtraDataToPOAMiddleware in onion:
        return True
    raw = provider.make_request("eth_getBlockByNumber", ["latest", False])
    if len(bytes.fromhex(raw["extraData"].removeprefix("0x"))) <= PLAIN_EXTRA_DATA_BYTES:
        return False
    onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return True


def next_block_time(margin: int = NEXT_BLOCK_MARGIN_SECONDS) -> int:
    """The time to assume for the next block: the latest block's plus `margin` seconds, without
    asking for the `pending` block."""
    from ape import chain

    return chain.blocks.head.timestamp + margin
