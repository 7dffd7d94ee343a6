"""Issue 5: declaring and claiming a dividend, with 7 holders and with 10,000.

Every claim is measured in the same conditions: the record date has passed and the dividend is
settled (someone claimed before), the claimant already holds cash (investors on the platform do)
and has claimed an earlier dividend of the same security, so its claimed-flags word exists.
`dividend_claim_first` is a holder's very first claim on a security, for the record.
"""

from __future__ import annotations

import sys

from eth_utils import keccak, to_checksum_address

from bench.context import BenchContext
from keiretsu.clones import clone_at
from keiretsu.isin import make_isin

DAY = 86400
CROWD = 10_000
BATCH = 100


class DividendBench:
    def __init__(self, ctx: BenchContext):
        self.ctx = ctx
        project, deployer = ctx.project, ctx.deployer
        self.dividends = project.Dividends.deploy(ctx.cash, sender=deployer)
        votes = project.ShareholderVotes.deploy(sender=deployer)
        # Dividends serve only the securities the platform's factory lists.
        self.factory = project.IssuanceFactory.deploy(
            ctx.token_implementation, project.OrderBook.deploy(sender=deployer), project.Offering.deploy(sender=deployer),
            ctx.cash, self.dividends, votes, ctx.agent, sender=deployer,
        )
        self.dividends.set_factory(self.factory, sender=deployer)
        votes.set_factory(self.factory, sender=deployer)
        if not ctx.registry.isVerified(ctx.issuer):  # the issuance area may have registered it
            ctx.register(ctx.issuer, kind=2, flags=2)
        ctx.cash.mint(ctx.issuer, 10**15, sender=deployer)
        ctx.cash.approve(self.dividends, 2**256 - 1, sender=ctx.issuer)
        self._issued = 0

    def security(self, symbol: str, holders: list, shares: int = 1_000):
        self._issued += 1
        request = (
            make_isin(f"CH00000{self._issued:04d}"), f"{symbol} SA", symbol, 0, self.ctx.issuer.address, 0,
            False, 0, 0, 0, [], [], 1, 10_000,
        )
        receipt = self.factory.issue_security(request, sender=self.ctx.issuer)
        token = clone_at(self.ctx.project.SecurityToken, receipt.return_value)
        for start in range(0, len(holders), BATCH):
            batch = holders[start : start + BATCH]
            token.batchMint(batch, [shares] * len(batch), sender=self.ctx.agent)
            if start % 2_000 == 0:
                print(f"bench: {symbol} minted to {start + len(batch)} holders", file=sys.stderr)
        return token

    def declare(self, token, amount: int = 1_000_000_000):
        now = self.ctx.chain.pending_timestamp
        return self.dividends.declare(
            token, self.ctx.cash, amount, now + DAY, now + 2 * DAY, now + 30 * DAY, [], sender=self.ctx.issuer
        )

    def pay_day(self, token, receipt) -> int:
        dividend_id = receipt.return_value
        self.ctx.chain.mine(timestamp=self.dividends.dividend(token, dividend_id).payment_date)
        return dividend_id

    def claim(self, token, dividend_id: int, holder) -> int:
        return self.ctx.gas(self.dividends.claim(token, dividend_id, sender=holder))

    def steady_claim(self, token, claimant, first_claimant) -> tuple[int, int, int]:
        """(declaration gas, first-ever claim gas, steady claim gas) on `token`."""
        earlier = self.pay_day(token, self.declare(token))
        self.claim(token, earlier, first_claimant)  # settles the earlier dividend
        first_ever = self.claim(token, earlier, claimant)
        receipt = self.declare(token)
        dividend_id = self.pay_day(token, receipt)
        self.claim(token, dividend_id, first_claimant)
        return self.ctx.gas(receipt), first_ever, self.claim(token, dividend_id, claimant)


def measure(ctx: BenchContext) -> dict[str, int]:
    a = ctx.accounts
    claimant, first_claimant = a[4], a[5]
    bench = DividendBench(ctx)
    keyed = [a[i] for i in range(4, 11)]
    for wallet in keyed:
        if not ctx.registry.isVerified(wallet):  # an earlier area may have registered it
            ctx.register(wallet)
    ctx.cash.mint(claimant, 1, sender=ctx.deployer)

    small = bench.security("DIVS", keyed)
    declare_gas, first_ever, claim_gas = bench.steady_claim(small, claimant, first_claimant)

    crowd = [to_checksum_address(keccak(text=f"bench-holder-{i}")[-20:]) for i in range(CROWD - len(keyed))]
    ctx.register_many(crowd)
    large = bench.security("DIVL", keyed + crowd)
    large_declare, _, large_claim = bench.steady_claim(large, claimant, first_claimant)
    assert large.totalSupply() == CROWD * 1_000

    return {
        "dividend_declare": declare_gas,
        "dividend_declare_at_10000_holders": large_declare,
        "dividend_claim_first": first_ever,
        "dividend_claim": claim_gas,
        "dividend_claim_at_10000_holders": large_claim,
    }
