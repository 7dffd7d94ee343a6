"""CashToken: a treasury-controlled stablecoin with EIP-2612 permit."""

import ape
import pytest

from keiretsu.permit import sign_permit
from tests.fixtures.cash import PESO


def test_metadata(cash, treasury, operator):
    assert (cash.name(), cash.symbol(), cash.decimals()) == ("Digital Peso", "DPESO", 6)
    # snekmate keeps the owner a minter: the owner is the issuing authority, treasuries act for it.
    assert cash.is_minter(treasury) and cash.is_minter(operator)
    assert cash.owner() == operator


def test_treasury_mints_and_burns(cash, treasury, fund, alice):
    fund(alice, 500 * PESO)
    assert cash.balanceOf(alice) == 500 * PESO and cash.totalSupply() == 500 * PESO
    fund(treasury, 100 * PESO)
    cash.burn(40 * PESO, sender=treasury)
    cash.approve(treasury, 200 * PESO, sender=alice)
    cash.burn_from(alice, 200 * PESO, sender=treasury)
    assert cash.balanceOf(treasury) == 60 * PESO
    assert cash.balanceOf(alice) == 300 * PESO
    assert cash.allowance(alice, treasury) == 0
    assert cash.totalSupply() == 360 * PESO
    with ape.reverts("erc20: insufficient allowance"):
        cash.burn_from(alice, 1, sender=treasury)


def test_only_the_treasury_creates_or_destroys_cash(cash, fund, agent, issuer, alice, bob):
    fund(alice, 10 * PESO)
    cash.approve(bob, 10 * PESO, sender=alice)
    for caller in (agent, issuer, alice, bob):
        with ape.reverts("erc20: access is denied"):
            cash.mint(caller, 1, sender=caller)
        with ape.reverts("cash: not the treasury"):
            cash.burn(1, sender=caller)
        with ape.reverts("cash: not the treasury"):
            cash.burn_from(alice, 1, sender=caller)
    assert cash.totalSupply() == 10 * PESO


def test_only_the_owner_appoints_treasuries(cash, operator, alice):
    with ape.reverts("ownable: caller is not the owner"):
        cash.set_minter(alice, True, sender=alice)
    cash.set_minter(alice, True, sender=operator)
    assert cash.is_minter(alice)


def test_transfers(cash, fund, alice, bob, carol):
    fund(alice, 100 * PESO)
    cash.transfer(bob, 30 * PESO, sender=alice)
    cash.approve(carol, 50 * PESO, sender=alice)
    cash.transferFrom(alice, bob, 50 * PESO, sender=carol)
    assert (cash.balanceOf(alice), cash.balanceOf(bob)) == (20 * PESO, 80 * PESO)
    with ape.reverts("erc20: transfer amount exceeds balance"):
        cash.transfer(bob, 21 * PESO, sender=alice)


@pytest.fixture
def permit_args(cash, chain, alice, bob):
    def make(value=25 * PESO, deadline=None, signer=alice, owner=alice):
        deadline = deadline or chain.pending_timestamp + 3600
        v, r, s = sign_permit(cash, signer.private_key, owner.address, bob.address, value, deadline, chain.chain_id)
        return owner, bob, value, deadline, v, r, s

    return make


def test_permit(cash, permit_args, alice, bob, carol):
    args = permit_args()
    cash.permit(*args, sender=carol)  # anyone may submit the signed permit
    assert cash.allowance(alice, bob) == 25 * PESO
    assert cash.nonces(alice) == 1


def test_permit_replayed(cash, permit_args, carol):
    args = permit_args()
    cash.permit(*args, sender=carol)
    with ape.reverts("erc20: invalid signature"):
        cash.permit(*args, sender=carol)


def test_permit_expired(cash, permit_args, chain, carol):
    args = permit_args(deadline=chain.pending_timestamp - 1)
    with ape.reverts("erc20: expired deadline"):
        cash.permit(*args, sender=carol)


def test_permit_wrong_signer(cash, permit_args, bob, carol):
    args = permit_args(signer=bob)
    with ape.reverts("erc20: invalid signature"):
        cash.permit(*args, sender=carol)
