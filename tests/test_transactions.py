"""The scripts' journal of transactions in flight (keiretsu/transactions.py), on the test chain."""

import json

import pytest

from keiretsu.network import Fees, NetworkSettingsError
from keiretsu.transactions import SendSettings, call, script_journal


@pytest.mark.parametrize("settings, refusal", [
    ({"type": "dynamic"}, "keiretsu.fees.private.type must be one of legacy, eip1559, not 'dynamic'"),
    ({"type": "legacy", "gas_price": 0, "max_fee": 1}, "keiretsu.fees.private: max_fee does not apply to legacy fees"),
    ({"type": "legacy", "gas_price": -1}, "keiretsu.fees.private.gas_price must be a whole number of wei, 0 or more"),
    ({"type": "eip1559", "max_fee": 1}, "keiretsu.fees.private.max_priority_fee must be a whole number of wei, 0 or more"),
    ({"type": "eip1559", "max_fee": 1, "max_priority_fee": 2}, "keiretsu.fees.private: max_priority_fee is more than max_fee"),
])
def test_fee_settings_are_checked_before_anything_is_sent(settings, refusal):
    with pytest.raises(NetworkSettingsError) as refused:
        Fees.from_settings("private", settings)
    assert str(refused.value) == f"ape-config.yaml {refusal}"


@pytest.mark.parametrize("settings, refusal", [
    ({"gas_margin": 0}, "keiretsu.transactions.private.gas_margin must be a positive number (1.5: half as much again)"),
    ({"gas_margin": "1.5"}, "keiretsu.transactions.private.gas_margin must be a positive number (1.5: half as much again)"),
    ({"confirmations": -1}, "keiretsu.transactions.private.confirmations must be a whole number of blocks, 0 or more"),
    ({"retries": 3}, "keiretsu.transactions.private: unknown setting retries"),
])
def test_send_settings_are_checked_before_anything_is_sent(settings, refusal):
    with pytest.raises(NetworkSettingsError) as refused:
        SendSettings.from_settings("private", settings, default_confirmations=0)
    assert str(refused.value) == f"ape-config.yaml {refusal}"


def test_settings_a_network_does_not_give_keep_their_defaults():
    assert SendSettings.from_settings("private", {}, default_confirmations=2) == SendSettings(1.0, 2)
    assert Fees.from_settings("private", {"type": "eip1559", "max_fee": 5, "max_priority_fee": 0}).transaction_kwargs() == {
        "type": 2, "max_fee": 5, "max_priority_fee": 0}


def test_an_entry_left_on_a_chain_since_reset_is_dropped_not_sent_again(chain, registry, operator, outsider, tmp_path):
    """A journal written before the chain was reset under the same id (`rm -rf chain`, `make up`)
    holds transactions of another chain: sending them again could replay them here."""
    role = registry.REGISTRAR_ROLE()
    (step,) = [call("grant REGISTRAR_ROLE", registry.grantRole, role, outsider)]
    step.transaction.sender, step.transaction.nonce = operator.address, operator.nonce
    step.transaction.gas_limit = chain.provider.estimate_gas_cost(step.transaction)
    signed = operator.sign_transaction(operator.prepare_transaction(step.transaction))
    journal_file = tmp_path / f"{chain.chain_id}.in-flight.json"
    journal_file.write_text(json.dumps({"in_flight": [{
        "what": step.what, "hash": "0x" + bytes(signed.txn_hash).hex(), "sender": operator.address,
        "nonce": step.transaction.nonce, "genesis": "0x" + "ab" * 32,  # not this chain's genesis
        "raw": "0x" + signed.serialize_transaction().hex(),
    }]}))
    said: list[str] = []
    resumed = script_journal(log=said.append, directory=tmp_path)
    nonce = operator.nonce

    assert resumed.resume() == 1
    assert said == [f"grant REGISTRAR_ROLE: 0x{bytes(signed.txn_hash).hex()} was sent to another chain with this id (since reset); dropped"]
    assert operator.nonce == nonce and not registry.hasRole(role, outsider)
    assert not journal_file.exists() and resumed.entries == []
