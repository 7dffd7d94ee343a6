"""Deploys the platform to the connected network, idempotently, and records it in the manifest.

Each contract is deployed only if the manifest does not already hold an address with code for it,
so a second run on the same chain sends no transaction. A recorded contract whose code is not this
checkout's build stops the run with a clear error instead of wiring new contracts to old ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cbor2
from ape import chain, project
from ape.api import AccountAPI
from eth_utils import keccak

from keiretsu.manifest import DEPLOYMENTS, load_manifest, save_manifest
from keiretsu.clones import clone_at
from keiretsu.network import send_options

VERSION = "1"
REGISTRAR_ROLE = keccak(text="REGISTRAR_ROLE")
# The build contract the identity registry is deployed as: the token implementation.
REGISTRY_CONTRACT = "SecurityToken"


@dataclass
class Deployment:
    """What a deployment run found or created, with the transactions it sent."""

    manifest: dict[str, Any]
    deployed: list[str] = field(default_factory=list)
    transactions: int = 0

    def address(self, name: str) -> str:
        return self.manifest["contracts"][name]["address"]

    def contract(self, name: str):
        return project.get_contract(contract_type_of(self.manifest, name)).at(self.address(name))

    @staticmethod
    def registry_at(address: str):
        """The identity registry, which is the token implementation contract."""
        return project.get_contract(REGISTRY_CONTRACT).at(address)

    @staticmethod
    def project_token(address: str):
        """A security (a clone of the token implementation) by address."""
        return clone_at(project.SecurityToken, address)


class StaleDeploymentError(RuntimeError):
    """The manifest's chain holds a platform built from other contract code than this checkout's."""


def _has_code(address: str) -> bool:
    return len(chain.provider.get_code(address)) > 0


def contract_type_of(manifest: dict[str, Any], name: str) -> str:
    """The build contract behind a manifest entry: the identity registry is the token implementation."""
    return manifest["contracts"][name].get("contract_type", name)


def _matches_build(contract_type: str, code: bytes) -> bool:
    """Deployed Vyper code is the runtime carried by the build's initcode, then the contract's
    immutables. The initcode ends with a CBOR trailer (its length in the last two bytes) giving
    the runtime's and the immutables' sizes, and the runtime sits just before it. (The build's
    separate runtime output is not compared: under venom it differs from the deployed one.)"""
    initcode = project.get_contract(contract_type).contract_type.deployment_bytecode.bytecode
    initcode = bytes.fromhex(initcode.removeprefix("0x"))
    trailer = int.from_bytes(initcode[-2:], "big")
    _, runtime_size, _, immutables_size, *_ = cbor2.loads(initcode[-trailer:-2])
    runtime = initcode[len(initcode) - trailer - runtime_size : len(initcode) - trailer]
    return len(code) == runtime_size + immutables_size and code.startswith(runtime)


def deploy_platform(
    deployer: AccountAPI,
    registrar: str | None = None,
    agent: str | None = None,
    cash: str | None = None,
    treasury: str | None = None,
    directory: Path = DEPLOYMENTS,
    log: Callable[[str], None] = print,
) -> Deployment:
    """Deploys what is missing: cash token (unless `cash` gives an existing stablecoin), token
    implementation (which is also the identity registry, recorded under both names), market and
    offering implementations, issuance factory, dividends, shareholder votes. `registrar`, `agent`
    and `treasury` (the cash token's minter) default to the deployer.
    """
    chain_id = chain.chain_id
    manifest = load_manifest(chain_id, directory) or {
        "chain_id": chain_id,
        "deployment_block": chain.blocks.head.number + 1,
        "contracts": {},
    }
    run = Deployment(manifest=manifest)
    registrar = registrar or deployer.address
    agent = agent or deployer.address
    treasury = treasury or deployer.address

    def ensure(name: str, build: Callable[[], Any], configure: Callable[[Any], int] = lambda _: 0) -> str:
        entry = manifest["contracts"].get(name)
        code = bytes(chain.provider.get_code(entry["address"])) if entry else b""
        if code:
            # A stablecoin given with --cash is someone else's code.
            if entry.get("version") != "external" and not _matches_build(name, code):
                raise StaleDeploymentError(
                    f"{name} at {entry['address']} runs other code than this checkout builds: the chain and its "
                    f"manifest ({directory}) hold an older version of the platform, which is not upgraded in place"
                )
            return entry["address"]
        log(f"deploying {name}")
        instance = build()
        run.transactions += 1 + configure(instance)
        manifest["contracts"][name] = {"address": instance.address, "version": VERSION}
        run.deployed.append(name)
        save_manifest(manifest, directory)
        return instance.address

    if cash:
        if not _has_code(cash):
            raise ValueError(f"no contract at the cash token address {cash}")
        manifest["contracts"]["CashToken"] = {"address": cash, "version": "external"}
    else:
        def appoint_treasury(token: Any) -> int:
            if treasury == deployer.address:
                return 0  # the owner already mints
            token.set_minter(treasury, True, **send_options(deployer))
            return 1

        ensure("CashToken", lambda: project.CashToken.deploy("Digital Peso", "DPESO", 6, **send_options(deployer)), appoint_treasury)

    def grant_registrar(registry: Any) -> int:
        registry.grantRole(REGISTRAR_ROLE, registrar, **send_options(deployer))
        return 1

    token_implementation = ensure("SecurityToken", lambda: project.SecurityToken.deploy(**send_options(deployer)), grant_registrar)
    manifest["contracts"]["IdentityRegistry"] = {
        "address": token_implementation, "version": VERSION, "contract_type": REGISTRY_CONTRACT,
    }
    cash_token = manifest["contracts"]["CashToken"]["address"]
    market_implementation = ensure("OrderBook", lambda: project.OrderBook.deploy(**send_options(deployer)))
    offering_implementation = ensure("Offering", lambda: project.Offering.deploy(**send_options(deployer)))
    # Platform-wide corporate actions; the factory gives them each security's RECORDER_ROLE.
    dividends = ensure("Dividends", lambda: project.Dividends.deploy(cash_token, **send_options(deployer)))
    votes = ensure("ShareholderVotes", lambda: project.ShareholderVotes.deploy(**send_options(deployer)))
    factory = ensure(
        "IssuanceFactory",
        lambda: project.IssuanceFactory.deploy(
            token_implementation, market_implementation, offering_implementation,
            cash_token, dividends, votes, agent, **send_options(deployer),
        ),
    )
    # Dividends and votes serve only the securities this factory lists; they learn it once.
    for name, address in (("Dividends", dividends), ("ShareholderVotes", votes)):
        corporate_actions = project.get_contract(name).at(address)
        if int(corporate_actions.factory(), 16) == 0:
            log(f"naming the factory in {name}")
            corporate_actions.set_factory(factory, **send_options(deployer))
            run.transactions += 1
    save_manifest(manifest, directory)
    return run
