"""Reports rebuilt from events match the on-chain state exactly."""

from keiretsu.reports import balances_from_transfers, cap_table

ZERO = "0x0000000000000000000000000000000000000000"


def test_replay_of_transfers():
    transfers = [(ZERO, "a", 100), (ZERO, "b", 5), ("a", "b", 30), ("b", ZERO, 35)]
    assert balances_from_transfers(transfers) == {"a": 70}


def test_cap_table_matches_balances(token, agent, issuer, verified_investors, alice, bob, carol, registry, registrar, accounts):
    token.batchMint([alice, bob], [700, 300], sender=agent)
    token.transfer(carol, 50, sender=alice)
    token.burn(bob, 100, sender=agent)
    new_wallet = accounts[17]
    registry.add_wallet(carol, new_wallet, sender=registrar)
    token.recoveryAddress(carol, new_wallet, sender=agent)
    report = cap_table(token)
    rows = {holder: shares for holder, shares, _ in report.rows}
    holders = [alice, bob, carol, new_wallet]
    assert rows == {w.address: token.balanceOf(w) for w in holders if token.balanceOf(w)}
    assert sum(rows.values()) == token.totalSupply() == 900
    assert report.rows[0][0] == alice.address and report.rows[0][2] == "72.22%"
    assert "holder" in report.as_table() and report.as_csv().splitlines()[0] == "holder,shares,part"
