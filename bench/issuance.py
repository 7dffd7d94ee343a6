"""Issue 3: everything it costs to issue one security (token, configuration, market, listing)."""

from __future__ import annotations

from eth_utils import keccak

from bench.context import BenchContext
from keiretsu.isin import make_isin


def measure(ctx: BenchContext) -> dict[str, int]:
    project, deployer = ctx.project, ctx.deployer
    dividends = project.Dividends.deploy(ctx.cash, sender=deployer)
    votes = project.ShareholderVotes.deploy(sender=deployer)
    factory = project.IssuanceFactory.deploy(
        ctx.token_implementation, project.OrderBook.deploy(sender=deployer),
        project.Offering.deploy(sender=deployer), ctx.cash, dividends, votes, ctx.agent, sender=deployer,
    )
    # The factory lists each security it issues in both (counted in the issuance).
    dividends.set_factory(factory, sender=deployer)
    votes.set_factory(factory, sender=deployer)
    if not ctx.registry.isVerified(ctx.issuer):  # the dividends area may have registered it
        ctx.register(ctx.issuer, kind=2, flags=2)
    document = (b"prospectus".ljust(32, b"\0"), "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", keccak(text="prospectus"))
    request = (
        make_isin("CH001234567"), "Acme Robotics SA", "ACME", 0, ctx.issuer.address, 0,
        True, 150, 0, 0, [], [document], 1, 10_000,
    )
    receipt = factory.issue_security(request, sender=ctx.issuer)
    return {"issue_security_total": ctx.gas(receipt)}
