"""Issue 15, point 4: logs are read in block ranges that halve when the node refuses them as too
large (keiretsu/log_ranges.py), through a proxy that caps eth_getLogs as Besu's
--rpc-max-logs-range does, both on the raw JSON-RPC path (the replay, the index) and on the Ape
path (reports, the dividend push, the console)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from keiretsu.dividends import holders_from_transfers
from keiretsu.log_ranges import LogRangeError, RangeRefused, event_logs, range_refusals, read_in_ranges, rpc_logs
from keiretsu.reports import token_transfers
from keiretsu.rpc_batch import rpc_batch
from tests.fixtures.production_node import ProductionNode
from tests.fixtures.proof import provider_url

# Far under the chain's height, so that every read from block 0 must shrink several times.
CAP = 4
REFUSES_EVERY_RANGE = -1  # Besu refuses when (to - from) > max: even one block, with -1
ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def capped_node(chain) -> Iterator[ProductionNode]:
    node = ProductionNode(provider_url(chain), max_logs_range=CAP).start()
    yield node
    node.stop()


@contextmanager
def ape_through(chain, node: ProductionNode) -> Iterator[None]:
    """Sends Ape's own requests to `node` inside the block (the test's snapshot and revert,
    refused by a production node, go to the chain again after it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chain.provider.web3.provider, "endpoint_uri", node.url)
        yield


def test_ranges_halve_once_then_keep_the_size_learnt():
    asked: list[tuple[int, int]] = []

    def node_capped_at_1000_blocks(first: int, last: int) -> list[int]:
        asked.append((first, last))
        if last - first + 1 > 1_000:
            raise RangeRefused("Requested range exceeds maximum RPC range limit")
        return list(range(first, last + 1))

    assert read_in_ranges(node_capped_at_1000_blocks, 10, 2_509) == list(range(10, 2_510))
    # 2,500 blocks refused, then 1,250; 625 accepted and kept to the end, never refused again.
    assert asked == [(10, 2_509), (10, 1_259), (10, 634), (635, 1_259), (1_260, 1_884), (1_885, 2_509)]


def test_only_a_refusal_of_the_range_shrinks_it():
    with pytest.raises(RangeRefused):
        with range_refusals(RuntimeError):
            raise RuntimeError("eth_getLogs: Requested range exceeds maximum RPC range limit")
    with pytest.raises(RuntimeError, match="header not found") as other:
        with range_refusals(RuntimeError):
            raise RuntimeError("eth_getLogs: header not found")
    assert not isinstance(other.value, RangeRefused)


def test_the_replay_reads_through_a_capped_node_every_log_a_direct_read_gives(chain, token, agent, alice, bob, carol, verified_investors, capped_node):
    for holder in (alice, bob, carol):  # one block each
        token.mint(holder, 10, sender=agent)
    direct_url = provider_url(chain)
    head = int(rpc_batch(direct_url, [("eth_blockNumber", [])])[0], 16)
    [uncapped] = rpc_batch(direct_url, [("eth_getLogs", [{"fromBlock": "0x0", "toBlock": hex(head)}])])

    assert rpc_logs(capped_node.url, None, 0, head) == uncapped
    assert len(uncapped) > 3 and capped_node.requests.count("eth_getLogs") > head // CAP


def test_reports_dividends_and_console_read_events_through_a_capped_node(
    chain, token, agent, alice, bob, carol, verified_investors, registry, registrar, accounts, capped_node
):
    token.batchMint([alice, bob], [700, 300], sender=agent)
    token.transfer(carol, 50, sender=alice)
    new_wallet = accounts[17]
    registry.add_wallet(carol, new_wallet, sender=registrar)
    token.recoveryAddress(carol, new_wallet, sender=agent)

    head = chain.blocks.height
    with ape_through(chain, capped_node):
        transfers = token_transfers(token)
        holders = holders_from_transfers(token, 0)
        recoveries = event_logs(token.RecoverySuccess, 0, new_wallet=new_wallet)

    alice, bob, carol, new_wallet = (wallet.address for wallet in (alice, bob, carol, new_wallet))
    assert transfers == [(ZERO, alice, 700), (ZERO, bob, 300), (alice, carol, 50), (carol, new_wallet, 50)]
    assert holders == [alice, bob, carol, new_wallet]
    assert [log.lost_wallet for log in recoveries] == [carol]
    assert capped_node.requests.count("eth_getLogs") > 3 * head // CAP


def test_a_node_that_refuses_one_block_stops_the_read_in_one_line(chain, token):
    node = ProductionNode(provider_url(chain), max_logs_range=REFUSES_EVERY_RANGE).start()
    try:
        with pytest.raises(LogRangeError, match=r"^the node refuses the logs of block 0 alone: eth_getLogs: Requested range exceeds"):
            rpc_logs(node.url, None, 0)
        with ape_through(chain, node), pytest.raises(LogRangeError, match=r"^the node refuses the logs of block 0 alone: Requested range exceeds"):
            event_logs(token.Transfer)
    finally:
        node.stop()

