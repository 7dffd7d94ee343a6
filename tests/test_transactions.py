"""The scripts' journal of transactions in flight (keiretsu/transactions.py), on the test chain."""

import json

from keiretsu.transactions import call, script_journal


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
