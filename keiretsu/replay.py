"""Rebuilds the platform's ledger from event logs alone: every account's balance on every ERC-20
(securities and cash), the held, partially frozen and wallet-frozen state on every security, every
open order (owner, side, price, remaining lots, escrow), each order book's cash, and each dividend's
paid and reclaimed totals. `compare` reads the same from the chain and lists every difference.

Events are decoded from the compiled ABIs (`.build/__local__.json`) by name, so an event that gains
a field is decoded with it without a change here; a handler that should use the new field reads it
with `event.get(...)` (see `_order_placed`: an OrderPlaced that carries its escrow is taken at its
word, an older one has its escrow computed from the fee rate in force).

What the events of today cannot give, and the replay therefore takes or derives:
* a market's lot and tick size (and its token and cash): `OrderBook.initialize` logs neither and
  the factory's `SecurityIssued` does not name the market; the caller passes `Market` terms.
* a buy order's escrow and fee rate: computed from the last `FeesChanged` before the order (a
  trade then releases exactly its `cash` + `maker_fee`, so only the placement needs the formula).
* what a wallet recovery moves besides the balance (held and partially frozen shares, the
  wallet-frozen flag): `RecoverySuccess` says only who and whither; the replay moves what it had
  rebuilt for the lost wallet, so it needs the whole history from the token's creation.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from keiretsu.rpc_batch import View, read_views, rpc_batch

BUY, SELL = 0, 1
BPS = 10_000
FEE_RATE_MASK = (1 << 12) - 1  # as OrderBook._escrow reads the rate kept in the order
ZERO = "0x0000000000000000000000000000000000000000"
BUILD = Path(__file__).resolve().parent.parent / ".build" / "__local__.json"
LOG_CHUNK = 5_000  # blocks per eth_getLogs request


@dataclass
class Market:
    """What an order book's events leave out."""

    address: str
    token: str
    cash: str
    lot_size: int
    tick_size: int


@dataclass
class Order:
    market: str
    order_id: int
    owner: str
    side: int
    tick: int
    remaining: int
    escrow: int
    fee_bps: int


@dataclass
class Dividend:
    amount: int
    paid: int = 0
    reclaimed: int = 0
    was_reclaimed: bool = False


@functools.lru_cache(maxsize=4)
def event_abis(build: Path = BUILD) -> dict[str, dict]:
    """topic0 -> event ABI, over every compiled contract (compile first: `ape compile`)."""
    types = json.loads(build.read_text())["contractTypes"]
    events: dict[str, dict] = {}
    for contract in types.values():
        for item in contract.get("abi", []):
            if item.get("type") != "event":
                continue
            signature = f"{item['name']}({','.join(_abi_type(i) for i in item['inputs'])})"
            events["0x" + keccak(text=signature).hex().removeprefix("0x")] = item
    return events


def _abi_type(item: dict) -> str:
    if item["type"].startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in item["components"]) + ")" + item["type"][5:]
    return item["type"]


def decode_log(entry: dict, abis: dict[str, dict]) -> tuple[str, dict] | None:
    """(event name, fields by name) of a raw log, or None for an event no contract declares."""
    abi = abis.get(entry["topics"][0]) if entry["topics"] else None
    if abi is None:
        return None
    indexed = [i for i in abi["inputs"] if i.get("indexed")]
    plain = [i for i in abi["inputs"] if not i.get("indexed")]
    values = dict(zip((i["name"] for i in plain), decode([_abi_type(i) for i in plain], bytes.fromhex(entry["data"][2:]))))
    for item, topic in zip(indexed, entry["topics"][1:]):
        values[item["name"]] = decode([_abi_type(item)], bytes.fromhex(topic[2:]))[0] if item["type"] in _STATIC else topic
    return abi["name"], {k: to_checksum_address(v) if isinstance(v, str) and len(v) == 42 and v.startswith("0x") else v for k, v in values.items()}


_STATIC = {"address", "bool", "bytes20", "bytes32", "uint8", "uint16", "uint256", "int256"}


def escrow(lots: int, tick: int, tick_size: int, fee_bps: int) -> int:
    """A buy order's escrow, as `OrderBook._escrow` computes it."""
    notional = lots * tick * tick_size
    return notional + notional * (fee_bps & FEE_RATE_MASK) // BPS


@dataclass
class Ledger:
    """Everything the replay rebuilt. Keys are checksummed addresses."""

    markets: dict[str, Market]
    balances: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    supply: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    held: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    frozen: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    wallet_frozen: dict[tuple[str, str], bool] = field(default_factory=lambda: defaultdict(bool))
    recovered_to: dict[tuple[str, str], str] = field(default_factory=dict)
    orders: dict[tuple[str, int], Order] = field(default_factory=dict)
    maker_fee_bps: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dividends: dict[tuple[str, str, int], Dividend] = field(default_factory=dict)
    securities: set[str] = field(default_factory=set)
    unknown: int = 0

    # --- applying events ---

    def apply(self, entry: dict, abis: dict[str, dict]) -> None:
        decoded = decode_log(entry, abis)
        if decoded is None:
            self.unknown += 1
            return
        name, event = decoded
        handler = getattr(self, f"_on_{name}", None)
        if handler is not None:
            handler(to_checksum_address(entry["address"]), event)

    def _on_Transfer(self, token: str, e: dict) -> None:
        sender, receiver, value = e["sender"], e["receiver"], e["value"]
        if sender == ZERO:
            self.supply[token] += value
        else:
            self.balances[token, sender] -= value
        if receiver == ZERO:
            self.supply[token] -= value
        else:
            self.balances[token, receiver] += value

    def _on_SecurityIssued(self, factory: str, e: dict) -> None:
        self.securities.add(e["token"])

    def _on_HoldPlaced(self, token: str, e: dict) -> None:
        self.securities.add(token)
        self.held[token, e["holder"]] += e["amount"]

    def _on_HoldReleased(self, token: str, e: dict) -> None:
        self.held[token, e["holder"]] -= e["amount"]

    def _on_HoldSettled(self, token: str, e: dict) -> None:
        self.held[token, e["seller"]] -= e["amount"]

    def _on_TokensFrozen(self, token: str, e: dict) -> None:
        self.securities.add(token)
        self.frozen[token, e["user_address"]] += e["amount"]

    def _on_TokensUnfrozen(self, token: str, e: dict) -> None:
        self.frozen[token, e["user_address"]] -= e["amount"]

    def _on_AddressFrozen(self, token: str, e: dict) -> None:
        self.securities.add(token)
        self.wallet_frozen[token, e["user_address"]] = e["is_frozen"]

    def _on_RecoverySuccess(self, token: str, e: dict) -> None:
        # The balance moved with its own Transfer; holds, partial freezes and the wallet freeze
        # move silently (see the module's docstring), so the rebuilt ones are carried over.
        lost, new = e["lost_wallet"], e["new_wallet"]
        self.held[token, new] += self.held.pop((token, lost), 0)
        self.frozen[token, new] += self.frozen.pop((token, lost), 0)
        self.wallet_frozen[token, new] = self.wallet_frozen[token, new] or self.wallet_frozen.pop((token, lost), False)
        self.recovered_to[token, lost] = new

    def _on_FeesChanged(self, market: str, e: dict) -> None:
        self.maker_fee_bps[market] = e["maker_fee_bps"]

    def _on_OrderPlaced(self, market: str, e: dict) -> None:
        terms = self.markets.get(market)
        if terms is None:
            return
        # Today's OrderPlaced carries neither the escrow nor the fee rate: they are computed from the
        # rate in force. An event that carries them (fields `escrow`, `fee_bps`) is taken at its word.
        fee_bps = e.get("fee_bps", self.maker_fee_bps[market]) if e["side"] == BUY else 0
        held_cash = e.get("escrow", escrow(e["lots"], e["tick"], terms.tick_size, fee_bps)) if e["side"] == BUY else 0
        self.orders[market, e["order_id"]] = Order(market, e["order_id"], e["owner"], e["side"], e["tick"], e["lots"], held_cash, fee_bps)

    def _on_Trade(self, market: str, e: dict) -> None:
        order = self.orders.get((market, e["maker_order_id"]))
        if order is None:
            return
        order.remaining -= e["lots"]
        if order.side == BUY:
            # The book releases exactly the notional and the maker fee of the lots from a bid's escrow.
            order.escrow -= e["cash"] + e["maker_fee"]
        if order.remaining == 0:
            del self.orders[market, e["maker_order_id"]]

    def _on_OrderCancelled(self, market: str, e: dict) -> None:
        self.orders.pop((market, e["order_id"]), None)

    def _on_DividendDeclared(self, contract: str, e: dict) -> None:
        self.dividends[contract, e["token"], e["dividend_id"]] = Dividend(e["amount"])

    def _on_DividendPaid(self, contract: str, e: dict) -> None:
        self.dividends[contract, e["token"], e["dividend_id"]].paid += e["amount"]

    def _on_DividendReclaimed(self, contract: str, e: dict) -> None:
        dividend = self.dividends[contract, e["token"], e["dividend_id"]]
        dividend.reclaimed += e["amount"]
        dividend.was_reclaimed = True

    # --- views of the rebuilt state ---

    def market_cash(self, market: str) -> int:
        """What an order book must hold: the escrow of its open bids."""
        return sum(o.escrow for (m, _), o in self.orders.items() if m == market)

    def level_lots(self, market: str) -> dict[tuple[int, int], int]:
        """(side, tick) -> lots resting there."""
        levels: dict[tuple[int, int], int] = defaultdict(int)
        for (m, _), order in self.orders.items():
            if m == market:
                levels[order.side, order.tick] += order.remaining
        return dict(levels)


def fetch_logs(url: str, addresses: list[str], from_block: int, to_block: int | None = None) -> list[dict]:
    """Every log of `addresses` in the block range, in chain order."""
    if to_block is None:
        [head] = rpc_batch(url, [("eth_blockNumber", [])])
        to_block = int(head, 16)
    requests = [
        ("eth_getLogs", [{"address": addresses, "fromBlock": hex(start), "toBlock": hex(min(start + LOG_CHUNK - 1, to_block))}])
        for start in range(from_block, to_block + 1, LOG_CHUNK)
    ]
    logs = [entry for chunk in rpc_batch(url, requests) for entry in chunk] if requests else []
    return sorted(logs, key=lambda e: (int(e["blockNumber"], 16), int(e["logIndex"], 16)))


def replay(logs: list[dict], markets: list[Market], build: Path = BUILD) -> Ledger:
    """Applies `logs` (from the creation of every contract involved) to an empty ledger."""
    ledger = Ledger(markets={m.address: m for m in markets})
    abis = event_abis(build)
    for entry in logs:
        ledger.apply(entry, abis)
    return ledger


def compare(url: str, ledger: Ledger, dividend_contracts: list[str] = ()) -> list[str]:
    """Reads from the chain everything the ledger rebuilt and returns the differences."""
    accounts = sorted(ledger.balances)
    security_accounts = sorted({(t, h) for (t, h) in ledger.balances if t in ledger.securities}
                               | set(ledger.held) | set(ledger.frozen) | set(ledger.wallet_frozen))
    orders = sorted(ledger.orders)
    views = [View(t, "balanceOf(address)", (h,)) for t, h in accounts]
    views += [View(t, "totalSupply()") for t in sorted(ledger.supply)]
    views += [View(t, "held_balance(address)", (h,)) for t, h in security_accounts]
    views += [View(t, "getFrozenTokens(address)", (h,)) for t, h in security_accounts]
    views += [View(t, "isFrozen(address)", (h,), ("bool",)) for t, h in security_accounts]
    views += [View(m, "order(uint256)", (i,), ("address", "uint8", "uint256", "uint256", "uint256")) for m, i in orders]
    views += [View(m, "escrow_of(uint256)", (i,)) for m, i in orders]
    markets = sorted(ledger.markets.values(), key=lambda m: m.address)
    views += [View(m.cash, "balanceOf(address)", (m.address,)) for m in markets]
    views += [View(m.address, "depth(uint8,uint256)", (side, 50), ("uint256[2][]",)) for m in markets for side in (BUY, SELL)]
    dividends = sorted(ledger.dividends)
    views += [View(c, "dividend(address,uint256)", (t, i), (DIVIDEND_TUPLE,)) for c, t, i in dividends]
    values = iter(read_views(url, views))

    problems: list[str] = []

    def check(what: str, chain_value, rebuilt) -> None:
        if chain_value != rebuilt:
            problems.append(f"{what}: chain {chain_value}, events {rebuilt}")

    for token, holder in accounts:
        check(f"balance of {holder} on {token}", next(values), ledger.balances[token, holder])
    for token in sorted(ledger.supply):
        check(f"supply of {token}", next(values), ledger.supply[token])
    for kind, rebuilt in (("held", ledger.held), ("frozen", ledger.frozen), ("wallet frozen", ledger.wallet_frozen)):
        for token, holder in security_accounts:
            check(f"{kind} of {holder} on {token}", next(values), rebuilt.get((token, holder), 0 if kind != "wallet frozen" else False))
    for key in orders:
        owner, side, tick, remaining, _expiry = next(values)
        order = ledger.orders[key]
        check(f"order {key[1]:#x} on {key[0]}", (to_checksum_address(owner), side, tick, remaining), (order.owner, order.side, order.tick, order.remaining))
    for key in orders:
        check(f"escrow of order {key[1]:#x} on {key[0]}", next(values), ledger.orders[key].escrow)
    for market in markets:
        check(f"cash of market {market.address}", next(values), ledger.market_cash(market.address))
    for market in markets:
        levels = ledger.level_lots(market.address)
        for side in (BUY, SELL):
            on_chain = {(side, tick): lots for tick, lots in next(values)}
            check(f"depth of side {side} on {market.address}", on_chain, {k: v for k, v in levels.items() if k[0] == side})
    for key in dividends:
        state = next(values)
        rebuilt = ledger.dividends[key]
        check(f"dividend {key[2]} of {key[1]} (amount, claimed, reclaimed)", (state[1], state[9], state[10]), (rebuilt.amount, rebuilt.paid, rebuilt.was_reclaimed))
    return problems


DIVIDEND_TUPLE = "(address,uint256,uint256,uint256,uint256,uint256,address[],bool,uint256,uint256,bool)"
