"""Issue 15, points 5 to 7, through the production node of tests/fixtures/production_node.py: a
script whose node goes away between sending a transaction and reading its receipt, or which is
killed after a random transaction, is run again and finishes without sending anything twice; a
transaction that runs out of gas is named in one line; every transaction is reported with its hash
and block."""

import json
import random
import re
import signal
import subprocess
import time

import pytest
from eth_utils import function_signature_to_4byte_selector, keccak

from keiretsu.chain import REPO, rpc
from tests.fixtures.production_node import PRODUCTION_CHAIN_ID, ape_on_node, operator_project, run_on_node, sent_by

# TEST::0, anvil's dev account 0: deployer, registrar and operator in these runs.
OPERATOR = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
# The demo's issuer of COBRE (dev account 2), which make up's seeding would have registered.
ISSUER_ROW = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,0x" + "ab" * 32 + ",enterprise,CL,2030-12-31,no,yes"
# The contracts deploy creates, one transaction each.
CREATED = {"CashToken", "SecurityToken", "OrderBook", "Offering", "ShareholderVotes", "Dividends", "IssuanceFactory"}
# Transactions a fresh deployment sends, in its waves: 5 independent contracts; the dividends
# and the registrar's role; the factory; the factory named in dividends and votes.
DEPLOY_TRANSACTIONS = 10


def view(url: str, address: str, signature: str, *words: str) -> str:
    data = "0x" + function_signature_to_4byte_selector(signature).hex() + "".join(w.rjust(64, "0") for w in words)
    return rpc(url, "eth_call", [{"to": address, "data": data}, "latest"])


def address_word(word: str) -> str:
    return "0x" + word[-40:]


def manifest_of(deployments) -> dict:
    return json.loads((deployments / f"{PRODUCTION_CHAIN_ID}.json").read_text())


def assert_one_platform_wired(chain_url: str, manifest: dict) -> None:
    """Exactly one creation per contract, each the manifest's, and the factory, dividends, votes
    and registry wired to one another."""
    created = [t for t in sent_by(chain_url, OPERATOR) if t["to"] is None]
    assert all(t["status"] == 1 for t in created)
    contracts = manifest["contracts"]
    assert sorted(t["contractAddress"].lower() for t in created) == sorted(contracts[n]["address"].lower() for n in CREATED)
    factory = contracts["IssuanceFactory"]["address"]
    for name, getter in (("SecurityToken", "TOKEN_IMPLEMENTATION()"), ("OrderBook", "MARKET_IMPLEMENTATION()"),
                         ("Offering", "OFFERING_IMPLEMENTATION()"), ("CashToken", "CASH_TOKEN()"),
                         ("Dividends", "DIVIDENDS()"), ("ShareholderVotes", "SHAREHOLDER_VOTES()")):
        assert address_word(view(chain_url, factory, getter)) == contracts[name]["address"].lower()
    for name in ("Dividends", "ShareholderVotes"):
        assert address_word(view(chain_url, contracts[name]["address"], "factory()")) == factory.lower()
    registrar_role = keccak(text="REGISTRAR_ROLE").hex()
    has_role = view(chain_url, contracts["SecurityToken"]["address"], "hasRole(bytes32,address)", registrar_role, OPERATOR[2:])
    assert int(has_role, 16) == 1
    assert "in_flight" not in manifest


@pytest.mark.parametrize("cut_after, answer_send", [
    (1, False),  # the node takes the first contract and never answers, not even its hash
    (3, True),  # in the middle of the first wave: two of its transactions never reach the node
    (6, True),  # the dividends are sent, the registrar's role is not
    (9, False),  # the factory is named in dividends only, its hash unanswered
])
def test_a_deployment_cut_after_any_transaction_is_resumed_without_a_second_contract(
    production_node, tmp_path, cut_after, answer_send,
):
    project = operator_project(tmp_path / "project", production_node)
    deployments = tmp_path / "deployments"
    production_node.drop_after_send(cut_after, answer_send=answer_send)
    cut = run_on_node(project, deployments, "deploy")
    assert cut.returncode == 1
    (error,) = cut.stderr.strip().splitlines()
    assert re.fullmatch(r"Error: the node stopped answering with .+ \(0x[0-9a-f]{64}\) in flight; run the same command "
                        r"again: it finds what was sent before sending anything", error), error
    assert len(manifest_of(deployments)["in_flight"]) >= 1  # recorded before the receipt was awaited
    production_node.restore()

    resumed = run_on_node(project, deployments, "deploy")
    assert resumed.returncode == 0, resumed.stderr
    assert_one_platform_wired(production_node.upstream, manifest_of(deployments))
    assert len(sent_by(production_node.upstream, OPERATOR)) == DEPLOY_TRANSACTIONS

    again = run_on_node(project, deployments, "deploy")
    assert "0 deployed, 0 transactions sent" in again.stdout


def test_a_deployment_killed_at_a_random_transaction_is_resumed_without_a_second_contract(production_node, tmp_path):
    """The script itself dies (SIGKILL) once the node has taken a random number of its
    transactions: whatever it had recorded, sent or not, the next run finishes the deployment."""
    cut_after = random.randint(1, DEPLOY_TRANSACTIONS - 1)
    project = operator_project(tmp_path / "project", production_node)
    deployments = tmp_path / "deployments"
    command, environment = ape_on_node(project, deployments, "run", "deploy", "--account", "TEST::0")
    deploying = subprocess.Popen(command, cwd=project, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while production_node.requests.count("eth_sendRawTransaction") < cut_after and deploying.poll() is None:
        time.sleep(0.01)
    deploying.kill()
    assert deploying.wait() == -signal.SIGKILL, f"the deployment ended before its transaction {cut_after}"

    resumed = run_on_node(project, deployments, "deploy")
    assert resumed.returncode == 0, f"killed after transaction {cut_after}: {resumed.stderr}"
    assert_one_platform_wired(production_node.upstream, manifest_of(deployments))
    assert len(sent_by(production_node.upstream, OPERATOR)) == DEPLOY_TRANSACTIONS


def test_onboard_and_issue_cut_mid_way_are_resumed_without_a_second_transaction(production_node, tmp_path):
    project = operator_project(tmp_path / "project", production_node)
    deployments = tmp_path / "deployments"
    assert run_on_node(project, deployments, "deploy").returncode == 0
    contracts = manifest_of(deployments)["contracts"]
    investors = tmp_path / "investors.csv"
    investors.write_text("\n".join((REPO / "examples/investors.csv").read_text().splitlines() + [ISSUER_ROW]) + "\n")
    issuances = str(REPO / "examples/issuances.yaml")
    # 13 investors in batches of 5: three transactions, the second's hash never answered.
    for arguments, cut_after, answer_send in ((["onboard", "--file", str(investors), "--batch-size", "5"], 2, False),
                                             (["issue", "--file", issuances], 1, True)):
        production_node.drop_after_send(cut_after, answer_send=answer_send)
        assert run_on_node(project, deployments, *arguments).returncode == 1
        assert json.loads((deployments / f"{PRODUCTION_CHAIN_ID}.in-flight.json").read_text())["in_flight"]
        production_node.restore()
        resumed = run_on_node(project, deployments, *arguments)
        assert resumed.returncode == 0, resumed.stderr
        assert not (deployments / f"{PRODUCTION_CHAIN_ID}.in-flight.json").exists()
    sent = sent_by(production_node.upstream, OPERATOR)[DEPLOY_TRANSACTIONS:]
    to_registry = [t for t in sent if t["to"].lower() == contracts["SecurityToken"]["address"].lower()]
    to_factory = [t for t in sent if t["to"].lower() == contracts["IssuanceFactory"]["address"].lower()]
    # Three batches; two issuances and COBRE's offering: each once, none failed.
    assert (len(to_registry), len(to_factory), len(sent)) == (3, 3, 6)
    assert all(t["status"] == 1 for t in sent)
    assert int(view(production_node.upstream, contracts["IssuanceFactory"]["address"], "security_count()"), 16) == 2
    assert "0 registered, 13 skipped" in run_on_node(project, deployments, "onboard", "--file", str(investors)).stdout


def test_every_transaction_is_reported_with_its_hash_and_block_and_has_the_gas_margin(production_node, tmp_path):
    project = operator_project(tmp_path / "project", production_node)
    finished = run_on_node(project, tmp_path / "deployments", "deploy")
    assert finished.returncode == 0, finished.stderr
    sent = sent_by(production_node.upstream, OPERATOR)
    mined = {t["hash"]: int(t["blockNumber"], 16) for t in sent}
    reported = dict(re.findall(r"^\S.*: (0x[0-9a-f]{64}) in block (\d+)$", finished.stdout, re.MULTILINE))
    assert {tx_hash: int(block) for tx_hash, block in reported.items()} == mined
    assert re.search(r"^deploy OrderBook: sent 0x[0-9a-f]{64}$", finished.stdout, re.MULTILINE)
    # Sent in waves: the five independent contracts share a block, and so on.
    assert len(set(mined.values())) == 4
    # ape-config.yaml's private gas_margin, 1.5, over the estimate at the block before.
    for transaction in sent:
        call = {key: transaction[key] for key in ("from", "to", "input") if transaction[key] is not None}
        block = hex(int(transaction["blockNumber"], 16) - 1)
        estimate = int(rpc(production_node.upstream, "eth_estimateGas", [call, block]), 16)
        assert int(transaction["gas"], 16) == int(estimate * 1.5)


def test_a_transaction_out_of_gas_is_named_in_one_line(production_node, tmp_path):
    # Below the estimate: the first contract's code cannot be stored.
    project = operator_project(tmp_path / "project", production_node, transactions={"gas_margin": 0.9, "confirmations": 0})
    failed = run_on_node(project, tmp_path / "deployments", "deploy")
    assert failed.returncode == 1
    (error,) = failed.stderr.strip().splitlines()
    match = re.fullmatch(r"Error: out of gas: deploy CashToken \((0x[0-9a-f]{64})\) used all ([\d,]+) gas of its limit; "
                         r"raise keiretsu.transactions.<network>.gas_margin in ape-config.yaml( \(and \d+ more\))?", error)
    assert match, error
    (mined,) = [t for t in sent_by(production_node.upstream, OPERATOR) if t["hash"] == match[1]]
    assert mined["status"] == 0 and int(mined["gas"], 16) == int(match[2].replace(",", ""))


def test_eip1559_fees_when_the_network_is_configured_for_them(production_node, tmp_path):
    """`keiretsu.fees.private` chooses the transaction type; nothing is asked of the node that
    lacks eth_maxPriorityFeePerGas (issue 15, point 3)."""
    fees = {"type": "eip1559", "max_fee": 7, "max_priority_fee": 2}
    project = operator_project(tmp_path / "project", production_node, fees=fees)
    finished = run_on_node(project, tmp_path / "deployments", "deploy")
    assert finished.returncode == 0, finished.stderr
    sent = sent_by(production_node.upstream, OPERATOR)
    assert len(sent) == DEPLOY_TRANSACTIONS
    assert {(t["type"], int(t["maxFeePerGas"], 16), int(t["maxPriorityFeePerGas"], 16)) for t in sent} == {("0x2", 7, 2)}
    assert production_node.refused == []
