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
from keiretsu.transactions import Journal, Step, call, creation

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

    Every transaction goes through the manifest's journal (keiretsu/transactions.py): a run that
    stopped anywhere is resumed by the next one. What depends on nothing unmined is sent in one
    wave: the five independent contracts, then the dividends and the roles, then the factory,
    then its naming in the corporate-action contracts. Each piece of wiring is sent only while
    the chain lacks it, so a resumed run completes what an interrupted one began.
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

    def mined(entry: dict[str, Any], receipt: Any) -> None:
        if name := entry.get("contract"):
            manifest["contracts"][name] = {"address": receipt.contract_address, "version": VERSION}
            run.deployed.append(name)

    journal = Journal(manifest, lambda: save_manifest(manifest, directory), log, on_mined=mined)
    journal.resume()

    def send(steps: list[Step]) -> None:
        journal.send(deployer, steps)
        run.transactions += len(steps)

    def present(name: str) -> bool:
        entry = manifest["contracts"].get(name)
        code = bytes(chain.provider.get_code(entry["address"])) if entry else b""
        # A stablecoin given with --cash is someone else's code.
        if code and entry.get("version") != "external" and not _matches_build(name, code):
            raise StaleDeploymentError(
                f"{name} at {entry['address']} runs other code than this checkout builds: the chain and its "
                f"manifest ({directory}) hold an older version of the platform, which is not upgraded in place"
            )
        return bool(code)

    if cash:
        if not _has_code(cash):
            raise ValueError(f"no contract at the cash token address {cash}")
        manifest["contracts"]["CashToken"] = {"address": cash, "version": "external"}
    independent = (["CashToken"] if not cash else []) + ["SecurityToken", "OrderBook", "Offering", "ShareholderVotes"]
    constructor_arguments = {"CashToken": ("Digital Peso", "DPESO", 6)}
    send([creation(name, *constructor_arguments.get(name, ())) for name in independent if not present(name)])

    registry = run.contract("SecurityToken")
    manifest["contracts"]["IdentityRegistry"] = {
        "address": registry.address, "version": VERSION, "contract_type": REGISTRY_CONTRACT,
    }
    wiring = [] if present("Dividends") else [creation("Dividends", run.address("CashToken"))]
    if not registry.hasRole(REGISTRAR_ROLE, registrar):
        wiring.append(call(f"grant REGISTRAR_ROLE to {registrar}", registry.grantRole, REGISTRAR_ROLE, registrar))
    if not cash and treasury != deployer.address:  # the owner already mints
        cash_token = run.contract("CashToken")
        if not cash_token.is_minter(treasury):
            wiring.append(call(f"appoint {treasury} treasury", cash_token.set_minter, treasury, True))
    send(wiring)

    if not present("IssuanceFactory"):
        send([creation(
            "IssuanceFactory",
            *(run.address(name) for name in ("SecurityToken", "OrderBook", "Offering", "CashToken", "Dividends", "ShareholderVotes")),
            agent,
        )])
    # Dividends and votes serve only the securities this factory lists; they learn it once.
    factory = run.address("IssuanceFactory")
    send([
        call(f"name the factory in {name}", run.contract(name).set_factory, factory)
        for name in ("Dividends", "ShareholderVotes") if int(run.contract(name).factory(), 16) == 0
    ])
    save_manifest(manifest, directory)
    return run
