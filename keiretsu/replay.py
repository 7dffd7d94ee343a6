"""Rebuilds the platform's ledger from event logs alone: every account's balance on every ERC-20
(securities and cash), the held, partially frozen and wallet-frozen state on every security, every
open order (owner, side, price, remaining lots, escrow), each order book's cash (the escrow of its
open bids plus the cash credited to wallets it could not pay) and each dividend's paid, reclaimed
and cancelled totals. `compare` reads the same from the chain and lists every difference.

Events are decoded from the compiled ABIs (`.build/__local__.json`) by name. Each change is taken
from the event that states it, never derived from a formula:
* a buy order's escrow and the maker fee rate it escrowed for: `OrderPlaced.escrow` and
  `.maker_fee_bps`; a trade releases exactly its `cash` + `maker_fee` from the bid's escrow;
* what a wallet recovery moves besides the balance (its own `Transfer`): `HoldingsRecovered` gives
  the held and partially frozen shares and the wallet freeze carried to the new wallet;
* a payment the cash token refused: `CashCredited` (to `withdrawable`), then `CashWithdrawn`;
* a dividend cancelled before its record date: `DividendCancelled` refunds its whole amount.

What the events leave out: a market's lot and tick size, its token and its cash token
(`OrderBook.initialize` logs none of them and the factory's `SecurityIssued` does not name the
market); the caller passes them as `Market` terms.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from keiretsu.rpc_batch import View, read_views

BUY, SELL = 0, 1
ZERO = "0x0000000000000000000000000000000000000000"
BUILD = Path(__file__).resolve().parent.parent / ".build" / "__local__.json"


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
    maker_fee_bps: int


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
    # (market, wallet) -> cash the market owes a wallet it could not pay.
    withdrawable: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
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

    def _on_HoldingsRecovered(self, token: str, e: dict) -> None:
        # The balance moved with its own Transfer; this is the rest of what the recovery moved.
        lost, new = e["lost_wallet"], e["new_wallet"]
        self.held[token, lost] -= e["held"]
        self.held[token, new] += e["held"]
        self.frozen[token, lost] -= e["frozen"]
        self.frozen[token, new] += e["frozen"]
        if e["wallet_frozen"]:
            self.wallet_frozen[token, lost] = False
            self.wallet_frozen[token, new] = True

    def _on_RecoverySuccess(self, token: str, e: dict) -> None:
        self.recovered_to[token, e["lost_wallet"]] = e["new_wallet"]

    def _on_OrderPlaced(self, market: str, e: dict) -> None:
        if market not in self.markets:
            return
        self.orders[market, e["order_id"]] = Order(
            market, e["order_id"], e["owner"], e["side"], e["tick"], e["lots"], e["escrow"], e["maker_fee_bps"]
        )

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

    def _on_CashCredited(self, market: str, e: dict) -> None:
        self.withdrawable[market, e["owner"]] += e["amount"]

    def _on_CashWithdrawn(self, market: str, e: dict) -> None:
        self.withdrawable[market, e["owner"]] -= e["amount"]

    def _on_DividendDeclared(self, contract: str, e: dict) -> None:
        self.dividends[contract, e["token"], e["dividend_id"]] = Dividend(e["amount"])

    def _on_DividendPaid(self, contract: str, e: dict) -> None:
        self.dividends[contract, e["token"], e["dividend_id"]].paid += e["amount"]

    def _on_DividendReclaimed(self, contract: str, e: dict) -> None:
        dividend = self.dividends[contract, e["token"], e["dividend_id"]]
        dividend.reclaimed += e["amount"]
        dividend.was_reclaimed = True

    def _on_DividendCancelled(self, contract: str, e: dict) -> None:
        # The whole amount goes back; the dividend then reads as an amount of 0, reclaimed.
        dividend = self.dividends[contract, e["token"], e["dividend_id"]]
        dividend.amount -= e["amount"]
        dividend.was_reclaimed = True

    # --- views of the rebuilt state ---

    def market_cash(self, market: str) -> int:
        """What an order book must hold: the escrow of its open bids and the cash it credited."""
        escrowed = sum(o.escrow for (m, _), o in self.orders.items() if m == market)
        return escrowed + sum(amount for (m, _), amount in self.withdrawable.items() if m == market)

    def level_lots(self, market: str) -> dict[tuple[int, int], int]:
        """(side, tick) -> lots resting there."""
        levels: dict[tuple[int, int], int] = defaultdict(int)
        for (m, _), order in self.orders.items():
            if m == market:
                levels[order.side, order.tick] += order.remaining
        return dict(levels)


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
    credited = sorted(ledger.withdrawable)
    views += [View(m, "withdrawable(address)", (w,)) for m, w in credited]
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
    for market, wallet in credited:
        check(f"cash credited to {wallet} by {market}", next(values), ledger.withdrawable[market, wallet])
    for key in dividends:
        state = next(values)
        rebuilt = ledger.dividends[key]
        check(f"dividend {key[2]} of {key[1]} (amount, claimed, reclaimed)", (state[1], state[9], state[10]), (rebuilt.amount, rebuilt.paid, rebuilt.was_reclaimed))
    return problems


DIVIDEND_TUPLE = "(address,uint256,uint256,uint256,uint256,uint256,address[],bool,uint256,uint256,bool)"
