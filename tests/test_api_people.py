"""The registrar's routes of the read API (keiretsu/api/people.py): the wallets of an identity after a
recovery (the lost wallet, removed, and its replacement) with the recovery between them, and the
securities that froze a wallet, in that route and in the investor list, compared with the chain; the
recoveries into a wallet along a chain of two; a malformed or unknown identity is refused with a
sentence that says why.

Runs on SQLite and on a real PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

from tests.test_api import indexed_api
from tests.test_index import investors_offering_and_vote
from tests.test_replay import scripted_scenario


def test_the_wallets_of_an_identity_and_its_recoveries_match_the_chain(
        chain, arena, registrar, agent, issuer, operator, database_url):
    scripted_scenario(chain, arena, registrar, agent, issuer, operator)
    investors_offering_and_vote(chain, arena, registrar, issuer)  # also removes dave's lost wallet
    api = indexed_api(chain, arena, database_url)
    token, registry = arena.token, arena.registry
    symbol = token.symbol()
    alice, dave, spare = (arena.people[i].address.lower() for i in (0, 3, 6))

    # Dave's lost wallet and the one it was recovered to share his identity; the registry keeps only the new one.
    identity = "0x" + registry.investor(spare)[0].hex()
    answer = api.get(f"/identities/{identity.upper().replace('0X', '0x')}/wallets").json()
    assert answer["identity"] == identity
    assert [(w["wallet"], w["registered"]) for w in answer["wallets"]] == [(dave, False), (spare, True)]
    [new] = [w for w in answer["wallets"] if w["registered"]]
    _, kind, country, expiry, flags, _ = registry.investor(spare)
    assert (new["kind"], new["country"], new["kyc_expiry"], new["flags"]) == (kind, country, expiry, flags)
    assert registry.investor(dave)[0] == bytes(20)
    [recovery] = answer["recoveries"]
    assert (recovery["symbol"], recovery["token"], recovery["lost_wallet"], recovery["new_wallet"]) == (symbol, token.address.lower(), dave, spare)
    [logged] = chain.get_receipt(recovery["tx_hash"]).decode_logs(token.RecoverySuccess)
    assert (logged.lost_wallet.lower(), logged.new_wallet.lower()) == (dave, spare)
    assert recovery["block_time"] == chain.blocks[chain.get_receipt(recovery["tx_hash"]).block_number].timestamp

    # One wallet, no recovery.
    alone = api.get(f"/identities/0x{registry.investor(alice)[0].hex()}/wallets").json()
    assert [w["wallet"] for w in alone["wallets"]] == [alice] and alone["recoveries"] == []

    # Frozen wallets, in the list and per identity, are those the token says are frozen.
    everyone = api.get("/investors", params={"limit": 1000}).json()["items"]
    frozen = {i["wallet"]: i["frozen_in"] for i in everyone if i["frozen_in"]}
    assert frozen and frozen == {i["wallet"]: [symbol] for i in everyone if token.isFrozen(i["wallet"])}
    for wallet in answer["wallets"]:
        assert wallet["frozen_in"] == ([symbol] if token.isFrozen(wallet["wallet"]) else [])

    # Each fill names the order it met, and an order the transaction that placed it (to join them in the dApp).
    for person in arena.people:
        mine = api.get(f"/wallets/{person.address.lower()}/orders").json()
        resting = {(o["market"], o["order_id"]) for o in mine["orders"]}
        assert {(f["market"], f["maker_order_id"]) for f in mine["fills"] if f["role"] == "maker"} <= resting
        for order in mine["orders"]:
            assert any(log.event_name == "OrderPlaced" and log.order_id == int(order["order_id"])
                       for log in chain.get_receipt(order["placed_tx"]).decode_logs(arena.market.OrderPlaced))

    refused = api.get("/identities/dave/wallets")
    assert (refused.status_code, refused.json()) == (400, {"detail": "'dave' is not an identity key (0x and 40 hexadecimal digits)"})
    unknown = api.get(f"/identities/0x{'ab' * 20}/wallets")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": f"no wallet of the identity 0x{'ab' * 20} in the index"})
    document = api.get("/openapi.json").json()
    assert document["paths"]["/identities/{identity}/wallets"]["get"]["summary"] == (
        "The wallets of one investor's identity and the recoveries between them")

    # Dave loses his new wallet too: the third wallet inherits both recoveries, the second only its own.
    third = arena.people[7]
    registry.add_wallet(spare, third, sender=registrar)
    token.recoveryAddress(spare, third, sender=agent)
    api = indexed_api(chain, arena, database_url)
    chained = api.get(f"/wallets/{third.address}/recovered-from").json()
    assert [(r["lost_wallet"], r["new_wallet"]) for r in chained] == [(dave, spare), (spare, third.address.lower())]
    assert [r["lost_wallet"] for r in api.get(f"/wallets/{spare}/recovered-from").json()] == [dave]
    assert api.get(f"/wallets/{alice}/recovered-from").json() == []
    assert api.get("/wallets/dave/recovered-from").status_code == 400
