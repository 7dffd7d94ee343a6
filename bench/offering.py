"""Issue 3: a primary offering — subscribing, withdrawing, closing and settling each subscriber."""

from __future__ import annotations

from eth_utils import keccak

from bench.context import BenchContext
from keiretsu.clones import deploy_clone
from keiretsu.permit import sign_permit

MINTER_ROLE = keccak(text="MINTER_ROLE")
PRICE = 10 * 10**6  # 10.00 of the 6-decimal cash token per share
SHARES = 500  # each subscriber's subscription
WEEK = 7 * 24 * 3600


def _subscribers(ctx: BenchContext) -> list:
    """Accounts 12..19, registered here unless another area already did."""
    wallets = ctx.accounts[12:20]
    for wallet in wallets:
        if not ctx.registry.contains(wallet):
            ctx.register(wallet)
        ctx.cash.mint(wallet, 10 * SHARES * PRICE, sender=ctx.deployer)
    return wallets


def _offering(ctx: BenchContext, offering_implementation, token, hard_cap: int):
    start = ctx.chain.pending_timestamp + 10
    offering = deploy_clone(ctx.project.Offering, offering_implementation.address, ctx.deployer)
    offering.initialize(
        (
            token.address,
            ctx.cash.address,
            ctx.issuer.address,
            PRICE,
            1,  # lot: the token has 0 decimals, so the price is per share
            1,  # minimum per investor
            hard_cap,  # maximum per investor
            1,  # soft cap
            hard_cap,
            start,
            start + WEEK,
        ),
        sender=ctx.deployer,
    )
    token.grantRole(MINTER_ROLE, offering, sender=ctx.deployer)
    ctx.chain.mine(timestamp=start)
    return offering


def _close_and_settle(ctx: BenchContext, offering, subscribers: list) -> int:
    """Total gas of closing the offering and settling every subscriber in one batch."""
    ctx.chain.mine(timestamp=offering.end_time())
    closing = ctx.gas(offering.close(sender=ctx.deployer))
    return closing + ctx.gas(offering.settle_many(subscribers, sender=ctx.deployer))


def measure(ctx: BenchContext) -> dict[str, float]:
    subscribers = _subscribers(ctx)
    implementation = ctx.project.Offering.deploy(sender=ctx.deployer)
    token = ctx.new_token("OFFER")
    results: dict[str, float] = {}

    # Every subscription is allotted in full.
    offering = _offering(ctx, implementation, token, hard_cap=len(subscribers) * SHARES)
    for wallet in subscribers:
        ctx.cash.approve(offering, offering.cost_of(SHARES), sender=wallet)
    offering.subscribe(SHARES, sender=subscribers[0])  # the escrow's first cash costs a fresh slot once
    results["offering_subscribe"] = ctx.gas(offering.subscribe(SHARES, sender=subscribers[1]))
    ctx.cash.approve(offering, offering.cost_of(2 * SHARES), sender=subscribers[2])
    offering.subscribe(2 * SHARES, sender=subscribers[2])
    results["offering_withdraw"] = ctx.gas(offering.withdraw(SHARES, sender=subscribers[2]))
    deadline = ctx.chain.pending_timestamp + 3600
    permit = sign_permit(
        ctx.cash, subscribers[3].private_key, subscribers[3].address, offering.address,
        offering.cost_of(SHARES), deadline, ctx.chain.chain_id,
    )
    results["offering_subscribe_with_permit"] = ctx.gas(
        offering.subscribe_with_permit(SHARES, deadline, *permit, sender=subscribers[3])
    )
    for wallet in subscribers[4:]:
        offering.subscribe(SHARES, sender=wallet)
    results["offering_close_per_subscriber"] = _close_and_settle(ctx, offering, subscribers) / len(subscribers)

    # Oversubscribed twice, on a token of its own: each subscriber is also refunded half of its cash.
    offering = _offering(ctx, implementation, ctx.new_token("OVER"), hard_cap=len(subscribers) * SHARES // 2)
    for wallet in subscribers:
        ctx.cash.approve(offering, offering.cost_of(SHARES), sender=wallet)
        offering.subscribe(SHARES, sender=wallet)
    results["offering_close_per_subscriber_oversubscribed"] = (
        _close_and_settle(ctx, offering, subscribers) / len(subscribers)
    )
    return results
