"""The locked-down production node of tests/fixtures/production_node.py (issue 15): what it refuses
and changes, each on its anvil. The scripts run through it in test_production_flow.py and
test_production_resume.py."""

import json
import time

import pytest
from eth_account import Account
from eth_utils import keccak

from keiretsu.chain import ChainError, rpc
from keiretsu.rpc_batch import post, rpc_batch
from tests.fixtures.production_node import EXTRA_DATA_BYTES, PRODUCTION_CHAIN_ID, ProductionNode

# anvil's dev account #0 (the test mnemonic's first key), which signs the raw transactions here.
DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


def refusal(url: str, method: str, params: list) -> str:
    with pytest.raises(ChainError) as refused:
        rpc(url, method, params)
    return str(refused.value)


def raw_transfer(nonce: int) -> str:
    signed = Account.sign_transaction(
        {"to": "0x" + "11" * 20, "value": 1, "gas": 21000, "gasPrice": 0, "nonce": nonce, "chainId": PRODUCTION_CHAIN_ID},
        DEV_KEY,
    )
    return "0x" + signed.raw_transaction.hex()


def test_every_block_carries_qbft_length_extra_data(production_node):
    for tag in ("earliest", "latest"):
        block = rpc(production_node.url, "eth_getBlockByNumber", [tag, False])
        assert len(bytes.fromhex(block["extraData"][2:])) == EXTRA_DATA_BYTES
    assert len(bytes.fromhex(rpc(production_node.upstream, "eth_getBlockByNumber", ["latest", False])["extraData"][2:])) <= 32


def test_debug_trace_and_txpool_are_not_enabled(production_node):
    for method in ("debug_traceTransaction", "trace_transaction", "txpool_content"):
        assert refusal(production_node.url, method, ["0x" + "00" * 32]) == f"{method}: Method not enabled"


def test_no_priority_fee_method_no_anvil_methods_no_unlocked_accounts(production_node):
    for method in ("eth_maxPriorityFeePerGas", "evm_mine", "anvil_setBalance"):
        assert refusal(production_node.url, method, []) == f"{method}: Method not found"
    assert "eth_sendRawTransaction" in refusal(production_node.url, "eth_sendTransaction", [{"to": "0x" + "11" * 20}])


@pytest.mark.parametrize("method, params", [
    ("eth_getBlockByNumber", ["pending", False]),
    ("eth_call", [{"to": "0x" + "11" * 20, "data": "0x"}, "pending"]),
    ("eth_estimateGas", [{"to": "0x" + "11" * 20}, "pending"]),
    ("eth_getTransactionCount", ["0x" + "11" * 20, "pending"]),
    ("eth_getLogs", [{"fromBlock": "0x0", "toBlock": "pending"}]),
])
def test_the_pending_tag_is_refused_everywhere(production_node, method, params):
    assert refusal(production_node.url, method, params) == f'{method}: "pending" is not yet supported'
    latest = json.loads(json.dumps(params).replace('"pending"', '"latest"'))
    rpc(production_node.url, method, latest)  # the same question about the latest block is answered


def test_logs_are_capped_at_the_configured_range(production_node):
    capped = ProductionNode(production_node.upstream, max_logs_range=3).start()
    try:
        assert rpc(capped.url, "eth_getLogs", [{"fromBlock": "0x0", "toBlock": "0x3"}]) == []
        answer = post(capped.url, {"jsonrpc": "2.0", "id": 7, "method": "eth_getLogs",
                                   "params": [{"fromBlock": "0x0", "toBlock": "0x4"}]})
        assert answer["error"] == {"code": -32005, "message": "Requested range exceeds maximum RPC range limit"}
    finally:
        capped.stop()


def test_batches_are_answered_in_order_with_their_refusals(production_node):
    answers = post(production_node.url, [
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_maxPriorityFeePerGas", "params": []},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_getBlockByNumber", "params": ["latest", False]},
    ])
    assert [answer["id"] for answer in answers] == [1, 2, 3]
    assert int(answers[0]["result"], 16) == PRODUCTION_CHAIN_ID
    assert answers[1]["error"]["message"] == "Method not found"
    assert len(bytes.fromhex(answers[2]["result"]["extraData"][2:])) == EXTRA_DATA_BYTES


def receipt_of(url: str, tx_hash: str) -> dict:
    while (receipt := rpc(url, "eth_getTransactionReceipt", [tx_hash])) is None:
        time.sleep(0.1)
    return receipt


def test_blocks_come_one_block_time_apart(production_node):
    # Two transactions sent together land in one block: the node mines on its clock, not per transaction.
    hashes = rpc_batch(production_node.url, [("eth_sendRawTransaction", [raw_transfer(n)]) for n in (0, 1)])
    receipts = [receipt_of(production_node.url, tx_hash) for tx_hash in hashes]
    assert receipts[0]["blockNumber"] == receipts[1]["blockNumber"]
    # From the transactions' block on, so that the genesis block (anvil's start) is not counted.
    first = int(receipts[0]["blockNumber"], 16)
    while int(rpc(production_node.url, "eth_blockNumber"), 16) < first + 2:  # empty blocks are mined too
        time.sleep(0.1)
    times = [int(rpc(production_node.url, "eth_getBlockByNumber", [hex(n), False])["timestamp"], 16)
             for n in range(first, first + 3)]
    assert {later - earlier for earlier, later in zip(times, times[1:])} == {1}


@pytest.mark.parametrize("answer_send", [True, False])
def test_the_node_goes_away_after_accepting_a_transaction(production_node, answer_send):
    production_node.drop_after_send(answer_send=answer_send)
    raw = raw_transfer(0)
    if answer_send:
        tx_hash = rpc(production_node.url, "eth_sendRawTransaction", [raw])
    else:
        with pytest.raises(ConnectionError):
            rpc(production_node.url, "eth_sendRawTransaction", [raw])
        tx_hash = "0x" + keccak(hexstr=raw).hex()
    with pytest.raises(ConnectionError):
        rpc(production_node.url, "eth_getTransactionReceipt", [tx_hash])
    production_node.restore()
    assert int(receipt_of(production_node.url, tx_hash)["status"], 16) == 1
