"""Issue 2: compliant transfers against snekmate's plain ERC-20, registration, agent operations."""

from __future__ import annotations

from bench.context import BenchContext

GERMANY = 276


def measure(ctx: BenchContext) -> dict[str, int]:
    a = ctx.accounts
    holder, existing, fresh, fresh_plain = a[4], a[5], a[6], a[7]
    results: dict[str, int] = {}

    plain = ctx.project.PlainToken.deploy("Plain", "PLAIN", 0, sender=ctx.deployer)
    plain.mint(holder, 1_000_000, sender=ctx.deployer)
    plain.mint(existing, 1, sender=ctx.deployer)
    results["erc20_transfer_plain"] = ctx.gas(plain.transfer(existing, 10, sender=holder))
    results["erc20_transfer_plain_new_holder"] = ctx.gas(plain.transfer(fresh_plain, 10, sender=holder))

    for wallet in (holder, existing, fresh):
        ctx.register(wallet)
    results["register_investor"] = ctx.gas(ctx.register(a[8]))

    token = ctx.new_token("PLAIN")
    results["mint"] = ctx.gas(token.mint(holder, 1_000_000, sender=ctx.agent))
    token.mint(existing, 1, sender=ctx.agent)
    results["transfer_compliant"] = ctx.gas(token.transfer(existing, 10, sender=holder))
    results["transfer_compliant_new_holder"] = ctx.gas(token.transfer(fresh, 10, sender=holder))
    results["forced_transfer"] = ctx.gas(token.forcedTransfer(holder, existing, 10, sender=ctx.agent))

    ruled = ctx.new_token("RULED", holder_accounting=True, max_holders=1_000, max_balance=10_000_000)
    ruled.set_countries([756, GERMANY], True, sender=ctx.issuer)
    ruled.set_compliance_rules(0, 1_000, 10_000_000, 1, sender=ctx.issuer)
    ruled.mint(holder, 1_000_000, sender=ctx.agent)
    ruled.mint(existing, 1, sender=ctx.agent)
    results["transfer_compliant_all_rules"] = ctx.gas(ruled.transfer(existing, 10, sender=holder))

    # The first transfer after a record date writes both parties' checkpoints and moves the count on.
    when = ctx.chain.pending_timestamp + 10
    token.schedule_record_date(when, sender=ctx.issuer)
    ctx.chain.mine(timestamp=when)
    results["transfer_compliant_after_record_date"] = ctx.gas(token.transfer(existing, 10, sender=holder))
    results["transfer_compliant_with_record_dates"] = ctx.gas(token.transfer(existing, 10, sender=holder))
    return results
