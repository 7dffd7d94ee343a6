"""Issue 4: the order book's costs against a plain two-transfer swap, and how they scale."""

from __future__ import annotations

import itertools
import json
import urllib.request

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, keccak

from bench.context import BenchContext
from keiretsu.clones import deploy_clone

MARKET_ROLE = keccak(text="MARKET_ROLE")
BUY, SELL, GTC = 0, 1, 0
PLACE = function_signature_to_4byte_selector("place_order(uint8,uint256,uint256,uint8,uint256,uint256)")
TICK = 10_000
TAKE_TICK = 1_000  # the level each measured take fills; background orders rest away from it


class Book:
    """One market with verified, funded traders; background orders are sent straight to anvil."""

    def __init__(self, ctx: BenchContext, makers: int = 12):
        self.ctx = ctx
        a = ctx.accounts
        self.makers = a[4 : 4 + makers]
        self.taker = a[4 + makers]
        people = self.makers + [self.taker]
        ctx.register_many([p.address for p in people if not ctx.registry.contains(p)])
        self.token = ctx.new_token("BOOK")
        self.token.batchMint(people, [10**9] * len(people), sender=ctx.agent)
        self.cash = ctx.cash
        implementation = ctx.project.OrderBook.deploy(sender=ctx.deployer)
        self.market = deploy_clone(ctx.project.OrderBook, implementation.address, ctx.deployer)
        zero = "0x0000000000000000000000000000000000000000"
        self.market.initialize(self.token, self.cash, 1, TICK, ctx.deployer, ctx.issuer, zero, 0, 0, sender=ctx.deployer)
        self.token.grantRole(MARKET_ROLE, self.market, sender=ctx.deployer)
        for person in people:
            self.cash.mint(person, 10**15, sender=ctx.deployer)
            self.cash.approve(self.market, 2**256 - 1, sender=person)
        self.rpc = ctx.chain.provider.uri
        self._ids = itertools.count()
        self.resting = 0

    def place(self, who, side: int, tick: int, lots: int = 1, max_fills: int = 32):
        return self.market.place_order(side, tick, lots, GTC, 0, max_fills, sender=who)

    def add_background(self, count: int) -> None:
        """`count` more resting orders, spread over many levels on both sides, far from TAKE_TICK.
        They are pooled with automine off and mined in full blocks: one block per transaction would
        take minutes."""
        nonces = {maker.address: maker.nonce for maker in self.makers}
        self._rpc([{"jsonrpc": "2.0", "id": 0, "method": "evm_setAutomine", "params": [False]}])
        batch = []
        for _ in range(count):
            n = next(self._ids)
            side = n % 2
            tick = (2_000 + n % 500) if side == SELL else (1 + n % 500)
            maker = self.makers[n % len(self.makers)]
            data = PLACE + encode(["uint8", "uint256", "uint256", "uint8", "uint256", "uint256"], [side, tick, 1, GTC, 0, 32])
            transaction = {"from": maker.address, "to": self.market.address, "data": "0x" + data.hex(),
                           "gas": hex(500_000), "nonce": hex(nonces[maker.address])}
            nonces[maker.address] += 1
            batch.append({"jsonrpc": "2.0", "id": n, "method": "eth_sendTransaction", "params": [transaction]})
            if len(batch) == 200:
                self._send(batch)
                batch = []
        if batch:
            self._send(batch)
        self._mine_pool(nonces)
        self.resting += count

    def _mine_pool(self, nonces: dict[str, int]) -> None:
        """Mines blocks until every pooled transaction is in, then turns automine back on."""
        web3 = self.ctx.chain.provider.web3
        for _ in range(10_000):
            if all(web3.eth.get_transaction_count(address, "latest") >= expected for address, expected in nonces.items()):
                break
            self._rpc([{"jsonrpc": "2.0", "id": 0, "method": "evm_mine", "params": []}])
        else:
            raise RuntimeError("background orders were not all mined")
        self._rpc([{"jsonrpc": "2.0", "id": 0, "method": "evm_setAutomine", "params": [True]}])

    def _send(self, batch: list[dict]) -> None:
        failures = [answer for answer in self._rpc(batch) if "error" in answer]
        if failures:
            raise RuntimeError(f"background orders failed: {failures[0]['error']}")

    def _rpc(self, batch: list[dict]) -> list[dict]:
        request = urllib.request.Request(self.rpc, data=json.dumps(batch).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.load(response)

    def take(self, levels: int) -> int:
        """Rests one sell at each of `levels` prices from TAKE_TICK up, then takes them all in one buy."""
        for offset in range(levels):
            self.place(self.makers[offset % len(self.makers)], SELL, TAKE_TICK + offset)
        return self.ctx.gas(self.place(self.taker, BUY, TAKE_TICK + levels - 1, levels))


def measure(ctx: BenchContext) -> dict[str, int]:
    book = Book(ctx)
    results: dict[str, int] = {}
    maker, other = book.makers[0], book.makers[1]

    swap = ctx.project.PlainSwap.deploy(sender=ctx.deployer)
    plain = ctx.project.PlainToken.deploy("Plain", "PLAIN", 0, sender=ctx.deployer)
    plain.mint(maker, 10**6, sender=ctx.deployer)
    plain.mint(book.taker, 1, sender=ctx.deployer)
    plain.approve(swap, 2**256 - 1, sender=maker)
    book.cash.approve(swap, 2**256 - 1, sender=book.taker)
    results["dvp_two_transfers"] = ctx.gas(swap.swap(plain, book.cash, maker, book.taker, 10, 10 * TICK, sender=ctx.deployer))

    book.place(maker, SELL, TAKE_TICK + 5)
    results["place_limit_order"] = ctx.gas(book.place(other, SELL, TAKE_TICK + 5))
    results["place_limit_order_new_level"] = ctx.gas(book.place(other, SELL, TAKE_TICK + 6))
    results["place_limit_order_buy"] = ctx.gas(book.place(other, BUY, TAKE_TICK - 5))
    placed = book.place(other, SELL, TAKE_TICK + 5)
    results["cancel_order"] = ctx.gas(book.market.cancel_order(placed.return_value, sender=other))
    for order_id in [book.market.open_orders(other, side, 10, 10) for side in (BUY, SELL)]:
        if order_id:
            book.market.cancel_orders(list(order_id), sender=other)
    for order_id in book.market.open_orders(maker, SELL, 10, 10):
        book.market.cancel_order(order_id, sender=maker)

    book.take(1)  # warm the taker's and makers' accounts as a returning trader's would be
    # On a book with nothing else resting, the take clears the side's bitmaps and earns storage
    # refunds that a live book never gives; it is reported, but the targets use a live book.
    results["take_1_fill_empty_book"] = book.take(1)
    book.add_background(10)
    results["take_1_fill"] = book.take(1)
    eleven = _take_fills(book, 11)
    results["take_extra_fill"] = (eleven - results["take_1_fill"]) // 10
    book.add_background(10_000 - book.resting)
    results["take_1_fill_at_10000_resting"] = book.take(1)
    return results


def _take_fills(book: Book, fills: int) -> int:
    """A buy filling `fills` resting sells of distinct makers at one price."""
    for n in range(fills):
        book.place(book.makers[n % len(book.makers)], SELL, TAKE_TICK)
    return book.ctx.gas(book.place(book.taker, BUY, TAKE_TICK, fills))


def tables(ctx: BenchContext) -> list[tuple[str, list[str], list[list]]]:
    book = Book(ctx)
    book.take(1)
    rows = []
    for target in (10, 100, 1_000, 10_000):
        book.add_background(target - book.resting)
        rows.append([f"{target:,}"] + [book.take(levels) for levels in (1, 5, 10)])
    return [("take gas by resting orders (rows) and levels crossed (columns)", ["resting", "1 level", "5 levels", "10 levels"], rows)]
