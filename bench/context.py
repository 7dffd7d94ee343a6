"""What every benchmark area gets: accounts, the compiled project, and a deployed platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from eth_utils import keccak

from keiretsu.clones import deploy_clone

REGISTRAR_ROLE = keccak(text="REGISTRAR_ROLE")
ONE_YEAR = 365 * 86400


@dataclass
class BenchContext:
    project: Any
    accounts: list
    chain: Any
    _kyc_counter: int = field(default=0)

    @property
    def deployer(self):
        return self.accounts[0]

    @property
    def agent(self):
        return self.accounts[3]

    @property
    def issuer(self):
        return self.accounts[2]

    @staticmethod
    def gas(receipt) -> int:
        return int(receipt.gas_used)

    @cached_property
    def registry(self):
        registry = self.project.SecurityToken.deploy(sender=self.deployer)
        registry.grantRole(REGISTRAR_ROLE, self.deployer, sender=self.deployer)
        return registry

    @cached_property
    def token_implementation(self):
        return self.registry

    @cached_property
    def cash(self):
        return self.project.CashToken.deploy("Digital Peso", "DPESO", 6, sender=self.deployer)

    def kyc_hash(self) -> bytes:
        self._kyc_counter += 1
        return keccak(text=f"bench-kyc-{self._kyc_counter}")

    def register(self, wallet, country: int = 756, kind: int = 1, flags: int = 0):
        return self.registry.register_investor(
            wallet, self.kyc_hash(), kind, country, self.chain.pending_timestamp + ONE_YEAR, flags, sender=self.deployer
        )

    def register_many(self, wallets: list[str], country: int = 756) -> None:
        """Registers wallets (addresses) in batches of 100."""
        expiry = self.chain.pending_timestamp + ONE_YEAR
        for start in range(0, len(wallets), 100):
            batch = wallets[start : start + 100]
            self.registry.batch_register_investors(
                batch, [self.kyc_hash() for _ in batch], [1] * len(batch), [country] * len(batch), [expiry] * len(batch),
                [0] * len(batch), sender=self.deployer,
            )

    def new_token(self, symbol: str = "BENCH", holder_accounting: bool = False, max_holders: int = 0, max_balance: int = 0):
        """A security token clone whose agent is `self.agent`."""
        token = deploy_clone(self.project.SecurityToken, self.token_implementation.address, self.deployer)
        setup = (f"{symbol} SA", symbol, 0, self.deployer.address, self.issuer.address, self.agent.address, 0,
                 holder_accounting, max_holders, max_balance)
        token.initialize(setup, sender=self.deployer)
        return token
