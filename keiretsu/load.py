"""Load test: many traders send thousands of random orders to one security's order book on a local
chain; afterwards every share and cash balance must reconcile exactly with the order book's events,
and a fresh SQLite index of the chain (keiretsu/index) must reconcile with the chain.

    python -m keiretsu.load --orders 2000 --port 8565

Setting up (deploying the platform with keiretsu/deploy.py, issuing a security through the factory,
registering and funding the traders) goes through Ape. The orders do not: they are JSON-RPC batches
of `eth_sendTransaction` with explicit nonces from impersonated trader wallets, pooled with automine
off and mined with `evm_mine`, one order per trader per block, so the chain, not Python, is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, keccak, to_checksum_address

from keiretsu.chain import LocalChain
from keiretsu.index.reconcile import fresh_index_differences
from keiretsu.index.roots import manifest_roots
from keiretsu.log_ranges import rpc_logs
from keiretsu.replay import Ledger, Market, decode_log, event_abis
from keiretsu.rpc_batch import View, read_views, rpc_batch

DEFAULT_PORT = 8565
TRADERS = 20
LOT, TICK = 1, 10_000  # one share per lot; 0.01 peso per share per tick
MAKER_FEE_BPS, TAKER_FEE_BPS = 10, 20
TRADER_SHARES = 1_000_000
TRADER_CASH = 10_000_000 * 10**6
ORDER_GAS = 1_200_000  # an order of at most 8 fills; 20 of them fit one block
BLOCK_GAS = 30_000_000  # keiretsu/chain.py starts anvil with this block gas limit
BUY, SELL = 0, 1
GTC, IOC, FOK, POST_ONLY, MARKET = 0, 1, 2, 3, 4
ORDER_TYPES = [GTC] * 12 + [IOC] * 3 + [FOK] + [POST_ONLY] * 2 + [MARKET] * 2


def trader_wallets(count: int) -> list[str]:
    """Deterministic wallets nobody holds a key for: the chain impersonates them."""
    return [to_checksum_address(keccak(text=f"keiretsu-load-trader-{n}")[-20:]) for n in range(count)]


@dataclass
class LoadSetup:
    """Where the load runs and what every account held before the first order."""

    url: str
    token: str
    cash: str
    market: str
    fee_recipient: str
    traders: list[str]
    start_block: int
    shares: dict[str, int]
    cash_balances: dict[str, int]
    fee_cash: int
    # The folder of this chain's own deployment manifest (the index reads its roots there).
    deployments: str = ""

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path: Path) -> "LoadSetup":
        return cls(**json.loads(path.read_text()))


@dataclass
class Confirmed:
    """A transaction whose receipt the chain returned, and when (time.time())."""

    hash: str
    block: int
    status: int
    gas_used: int
    at: float


@dataclass
class LoadResult:
    orders: int = 0
    cancels: int = 0
    rejected: int = 0
    fills: int = 0
    events: int = 0
    gas: int = 0
    seconds: float = 0.0
    confirmed: list[Confirmed] = field(default_factory=list)

    def throughput(self) -> str:
        s = max(self.seconds, 1e-9)
        return (
            f"{self.orders} orders and {self.cancels} cancels in {self.seconds:.1f} s ({self.rejected} refused by the contract): "
            f"{self.orders / s:.1f} orders/s, {self.fills / s:.1f} fills/s ({self.fills} fills), {self.gas / s:,.0f} gas/s"
        )


# --- setting up (through Ape) ---


def prepare(url: str, traders: int = TRADERS, log=print) -> LoadSetup:
    """Deploys the platform on the chain at `url`, issues one security with its order book, and
    registers and funds `traders` impersonated wallets."""
    os.environ["APE_FOUNDRY_HOST"] = url
    from ape import networks
    from ape.logging import logger

    logger.set_level("WARNING")
    with networks.parse_network_choice("ethereum:local:foundry"):
        return prepare_connected(url, traders, log)


def prepare_connected(url: str, traders: int = TRADERS, log=print) -> LoadSetup:
    """`prepare` with Ape already connected to the chain at `url` (the benchmark's)."""
    from ape import accounts, chain

    from keiretsu.deploy import deploy_platform
    from keiretsu.isin import make_isin

    operator, issuer, fee_recipient = accounts.test_accounts[0], accounts.test_accounts[1], accounts.test_accounts[2]
    # A manifest of its own: the load's chain is not the one `make up` serves.
    deployments = Path(tempfile.mkdtemp(prefix="keiretsu-load-"))
    deployment = deploy_platform(operator, directory=deployments, log=log)
    registry, cash, factory = (deployment.contract(n) for n in ("IdentityRegistry", "CashToken", "IssuanceFactory"))
    wallets = trader_wallets(traders)
    expiry = chain.pending_timestamp + 365 * 86400
    everyone = [issuer.address] + wallets
    registry.batch_register_investors(
        everyone, [keccak(text=f"load-kyc-{w}") for w in everyone], [2] + [1] * traders, [756] * len(everyone),
        [expiry] * len(everyone), [2] + [0] * traders, sender=operator,
    )
    receipt = factory.issue_security(
        (make_isin("LOAD0000001"), "Load Test SA", "LOAD", 0, issuer.address, 0, False, 0, 0, 0, [], [], LOT, TICK),
        sender=issuer,
    )
    (issued,) = factory.SecurityIssued.from_receipt(receipt)
    token = deployment.project_token(issued.token)
    listing = factory.security_at(factory.security_count() - 1)
    market = listing.market
    from ape import project

    book = project.OrderBook.at(market, detect_proxy=False)
    book.set_fees(MAKER_FEE_BPS, TAKER_FEE_BPS, fee_recipient, sender=operator)
    token.batchMint(wallets, [TRADER_SHARES] * traders, sender=operator)
    rpc_batch(url, [("anvil_setBalance", [w, hex(10**21)]) for w in wallets] + [("anvil_autoImpersonateAccount", [True])])
    approve = function_signature_to_4byte_selector("approve(address,uint256)") + encode(["address", "uint256"], [market, 2**256 - 1])
    for wallet in wallets:
        cash.mint(wallet, TRADER_CASH, sender=operator)
    hashes = rpc_batch(url, [("eth_sendTransaction", [{"from": w, "to": cash.address, "data": "0x" + approve.hex()}]) for w in wallets])
    for tx in hashes:
        chain.provider.web3.eth.wait_for_transaction_receipt(tx)
    start_block = chain.blocks.head.number + 1
    setup = LoadSetup(
        url=url, token=token.address, cash=cash.address, market=market, fee_recipient=fee_recipient.address,
        traders=wallets, start_block=start_block, shares={}, cash_balances={}, fee_cash=0, deployments=str(deployments),
    )
    shares = read_views(url, [View(setup.token, "balanceOf(address)", (w,)) for w in wallets])
    cash_now = read_views(url, [View(setup.cash, "balanceOf(address)", (w,)) for w in wallets + [setup.fee_recipient]])
    setup.shares = dict(zip(wallets, shares))
    setup.cash_balances = dict(zip(wallets, cash_now[:-1]))
    setup.fee_cash = cash_now[-1]
    return setup


# --- trading (raw JSON-RPC) ---


def _calldata(signature: str, types: list[str], args: list) -> str:
    return "0x" + (function_signature_to_4byte_selector(signature) + encode(types, args)).hex()


class Trading:
    """Random orders from every trader, one per trader per block."""

    def __init__(self, setup: LoadSetup, seed: int = 1):
        self.setup = setup
        self.random = random.Random(seed)
        self.mid = 100
        self.open: dict[str, list[int]] = {w: [] for w in setup.traders}

    def _order(self, trader: str) -> tuple[str, str]:
        """A random action: ("cancel" | "order", calldata)."""
        rng = self.random
        if self.open[trader] and rng.random() < 0.15:
            order_id = self.open[trader].pop(rng.randrange(len(self.open[trader])))
            return "cancel", _calldata("cancel_order(uint256)", ["uint256"], [order_id])
        self.mid = min(max(self.mid + rng.choice([-1, 0, 0, 1]), 20), 60_000)
        side = rng.choice([BUY, SELL])
        # Buyers bid a little below the mid and sellers ask a little above, so the book grows as
        # well as trades; a quarter of the orders cross it.
        offset = rng.randint(0, 5) * (-1 if side == BUY else 1)
        if rng.random() < 0.25:
            offset = -offset
        order = [side, self.mid + offset, rng.randint(1, 20), rng.choice(ORDER_TYPES), 0, 8]
        return "order", _calldata("place_order(uint8,uint256,uint256,uint8,uint256,uint256)", ["uint8", "uint256", "uint256", "uint8", "uint256", "uint256"], order)

    def run(self, rounds: int, result: LoadResult | None = None, mine: bool = True) -> LoadResult:
        """Sends `rounds` blocks of one action per trader; with `mine` False the last round is
        left in the pool unmined (a crash test kills the chain then)."""
        url = self.setup.url
        abis = event_abis()
        result = result or LoadResult()
        started = time.monotonic()
        # Impersonation is not part of anvil's saved state: turned on again after a restart.
        rpc_batch(url, [("anvil_autoImpersonateAccount", [True]), ("evm_setAutomine", [False])])
        nonces = [int(n, 16) for n in rpc_batch(url, [("eth_getTransactionCount", [w, "pending"]) for w in self.setup.traders])]
        for number in range(rounds):
            actions = [self._order(w) for w in self.setup.traders]
            transactions = [
                {"from": w, "to": self.setup.market, "data": data, "gas": hex(ORDER_GAS), "nonce": hex(nonces[i])}
                for i, (w, (_, data)) in enumerate(zip(self.setup.traders, actions))
            ]
            nonces = [n + 1 for n in nonces]
            hashes = rpc_batch(url, [("eth_sendTransaction", [t]) for t in transactions])
            if not mine and number == rounds - 1:
                break
            rpc_batch(url, [("evm_mine", [])])
            receipts = rpc_batch(url, [("eth_getTransactionReceipt", [h]) for h in hashes])
            now = time.time()
            for trader, (kind, _), receipt in zip(self.setup.traders, actions, receipts):
                if receipt is None:
                    raise RuntimeError("a pooled order was not mined in its block: the block gas limit is too small")
                status = int(receipt["status"], 16)
                result.confirmed.append(Confirmed(receipt["transactionHash"], int(receipt["blockNumber"], 16), status, int(receipt["gasUsed"], 16), now))
                result.gas += int(receipt["gasUsed"], 16)
                result.orders += kind == "order"
                result.cancels += kind == "cancel"
                result.rejected += status == 0
                result.events += len(receipt["logs"])
                for entry in receipt["logs"]:
                    if entry["address"].lower() != self.setup.market.lower():
                        continue
                    name, event = decode_log(entry, abis) or ("", {})
                    if name == "Trade":
                        result.fills += 1
                    elif name == "OrderPlaced":
                        self.open[trader].append(event["order_id"])
        rpc_batch(url, [("evm_setAutomine", [True])])
        result.seconds += time.monotonic() - started
        return result


# --- reconciliation ---


def reconcile(setup: LoadSetup) -> list[str]:
    """Replays the token's, the cash token's and the order book's events since the start balances
    (keiretsu/replay.py) and compares every trader's shares, holds and cash, the fee recipient's
    cash, the order book's cash and every order's remaining quantity with the chain's. Returns the
    mismatches (none: the books balance)."""
    market = Market(setup.market, setup.token, setup.cash, LOT, TICK)
    ledger = Ledger(markets={setup.market: market})
    # The load starts from balances, not from the contracts' creation: it seeds them.
    for wallet in setup.traders:
        ledger.balances[setup.token, wallet] = setup.shares[wallet]
        ledger.balances[setup.cash, wallet] = setup.cash_balances[wallet]
    ledger.balances[setup.cash, setup.fee_recipient] = setup.fee_cash
    abis = event_abis()
    for entry in rpc_logs(setup.url, [setup.token, setup.cash, setup.market], setup.start_block):
        ledger.apply(entry, abis)

    ids = sorted(order_id for _, order_id in ledger.orders)
    traders = setup.traders
    views = [View(setup.token, "balanceOf(address)", (w,)) for w in traders]
    views += [View(setup.token, "held_balance(address)", (w,)) for w in traders]
    views += [View(setup.cash, "balanceOf(address)", (a,)) for a in traders + [setup.fee_recipient, setup.market]]
    views += [View(setup.market, "order(uint256)", (i,), ("address", "uint8", "uint256", "uint256", "uint256")) for i in ids]
    values = read_views(setup.url, views)
    n = len(traders)
    on_chain_shares, held = values[:n], values[n : 2 * n]
    on_chain_cash = values[2 * n : 3 * n]
    fee_cash, market_cash = values[3 * n], values[3 * n + 1]
    orders = dict(zip(ids, values[3 * n + 2 :]))

    problems = []
    for order_id in ids:
        if orders[order_id][3] != ledger.orders[setup.market, order_id].remaining:
            problems.append(f"order {order_id:#x}: {orders[order_id][3]} lots rest, the events say {ledger.orders[setup.market, order_id].remaining}")
    for i, wallet in enumerate(traders):
        resting_sells = sum(o.remaining for o in ledger.orders.values() if o.owner == wallet and o.side == SELL) * LOT
        if on_chain_shares[i] != ledger.balances[setup.token, wallet]:
            problems.append(f"{wallet}: {on_chain_shares[i]} shares, the trades say {ledger.balances[setup.token, wallet]}")
        if held[i] != resting_sells or held[i] != ledger.held[setup.token, wallet]:
            problems.append(f"{wallet}: {held[i]} shares held, its resting sells are {resting_sells}")
        if on_chain_cash[i] != ledger.balances[setup.cash, wallet]:
            problems.append(f"{wallet}: {on_chain_cash[i]} cash, the trades say {ledger.balances[setup.cash, wallet]}")
    if fee_cash != ledger.balances[setup.cash, setup.fee_recipient]:
        problems.append(f"fee recipient: {fee_cash}, the trades say {ledger.balances[setup.cash, setup.fee_recipient]}")
    if market_cash != ledger.market_cash(setup.market):
        problems.append(f"market: {market_cash} cash, its resting bids escrow {ledger.market_cash(setup.market)}")
    return problems


def index_differences(setup: LoadSetup, database_url: str | None = None) -> list[str]:
    """Indexes the load's chain into a fresh index (a new SQLite file, or the database at
    `database_url` emptied) from its own manifest's roots and returns what differs between index
    and chain (keiretsu/index/reconcile.py); none: they agree."""
    chain_id = int(rpc_batch(setup.url, [("eth_chainId", [])])[0], 16)
    roots, start_block = manifest_roots(chain_id, Path(setup.deployments))
    return fresh_index_differences(setup.url, roots, start_block, database_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Random orders from many traders on a local chain; reconciles every balance and prints the throughput.")
    parser.add_argument("--orders", type=int, default=2000, help="orders and cancels to send (default 2000)")
    parser.add_argument("--traders", type=int, default=TRADERS, help="trader wallets, one order each per block (default 20)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port of the load's own anvil (default {DEFAULT_PORT})")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the orders")
    parser.add_argument("--setup-only", type=Path, metavar="FILE",
                        help="only set up, on the chain already running at --port, and write the setup to FILE (the fault test)")
    args = parser.parse_args(argv)
    if not 1 <= args.traders <= BLOCK_GAS // ORDER_GAS:
        parser.error(f"--traders: 1 to {BLOCK_GAS // ORDER_GAS} (one order each must fit a {BLOCK_GAS:,}-gas block)")

    if args.setup_only:
        prepare(f"http://127.0.0.1:{args.port}", args.traders, log=lambda line: None).save(args.setup_only)
        return 0
    node = LocalChain(port=args.port).start()
    try:
        print(f"load: setting up on {node.url}", file=sys.stderr)
        setup = prepare(node.url, args.traders, log=lambda line: print(f"load: {line}", file=sys.stderr))
        rounds = max(1, -(-args.orders // args.traders))
        print(f"load: {rounds * args.traders} actions from {args.traders} traders", file=sys.stderr)
        result = Trading(setup, args.seed).run(rounds)
        problems = reconcile(setup)
        indexed = index_differences(setup)
    finally:
        node.stop()
    print(result.throughput())
    if problems:
        print("RECONCILIATION FAILED:\n  " + "\n  ".join(problems))
    if indexed:
        print("INDEX RECONCILIATION FAILED:\n  " + "\n  ".join(indexed))
    if problems or indexed:
        return 1
    print(f"reconciled: {len(setup.traders)} traders' shares, cash, holds and escrow, the fee recipient and every order match the events exactly")
    print("reconciled: a fresh index of the chain (keiretsu/index) matches every balance, order, escrow and dividend on it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
