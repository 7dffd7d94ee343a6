"""Deployment: the whole platform from nothing, recorded in the manifest; a second run sends nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import ape
import pytest

from keiretsu.deploy import StaleDeploymentError, deploy_platform
from keiretsu.manifest import ManifestError, contract_address, load_manifest

PLATFORM = {
    "CashToken", "IdentityRegistry", "SecurityToken", "OrderBook", "Offering", "IssuanceFactory", "Dividends", "ShareholderVotes",
}


def test_deploys_everything_then_nothing(operator, registrar, agent, chain, tmp_path, project):
    first = deploy_platform(operator, registrar=registrar.address, agent=agent.address, directory=tmp_path, log=lambda _: None)
    # The token implementation is the identity registry: one contract, recorded under both names.
    assert set(first.deployed) == PLATFORM - {"IdentityRegistry"}
    manifest = load_manifest(chain.chain_id, tmp_path)
    assert manifest["chain_id"] == chain.chain_id
    assert set(manifest["contracts"]) == PLATFORM
    assert first.address("IdentityRegistry") == first.address("SecurityToken")
    registry = first.contract("IdentityRegistry")
    assert registry.hasRole(registry.REGISTRAR_ROLE(), registrar)
    factory = first.contract("IssuanceFactory")
    assert factory.platform_agent() == agent.address
    wired = {
        "SecurityToken": factory.TOKEN_IMPLEMENTATION(),
        "OrderBook": factory.MARKET_IMPLEMENTATION(),
        "Offering": factory.OFFERING_IMPLEMENTATION(),
        "CashToken": factory.CASH_TOKEN(),
        "Dividends": factory.DIVIDENDS(),
        "ShareholderVotes": factory.SHAREHOLDER_VOTES(),
        "IdentityRegistry": factory.REGISTRY(),
    }
    assert wired == {name: manifest["contracts"][name]["address"] for name in wired}
    assert first.contract("Dividends").PLATFORM_CASH() == first.address("CashToken")
    # Dividends and votes serve the securities this factory lists, and only those.
    assert first.contract("Dividends").factory() == first.contract("ShareholderVotes").factory() == factory.address
    # The implementations lock themselves: nobody can initialise them.
    with ape.reverts("offering: already initialized"):
        first.contract("Offering").initialize((operator, operator, operator, 1, 1, 1, 1, 1, 1, 0, 2**39), sender=operator)
    with ape.reverts("market: already initialized"):
        first.contract("OrderBook").initialize(operator, operator, 1, 1, operator, operator, operator, 0, 0, sender=operator)

    nonce = operator.nonce
    second = deploy_platform(operator, registrar=registrar.address, agent=agent.address, directory=tmp_path, log=lambda _: None)
    assert second.deployed == [] and second.transactions == 0
    assert operator.nonce == nonce
    assert load_manifest(chain.chain_id, tmp_path) == manifest


def test_refuses_a_manifest_whose_contracts_run_other_code(operator, chain, tmp_path):
    deploy_platform(operator, directory=tmp_path, log=lambda _: None)
    manifest_file = tmp_path / f"{chain.chain_id}.json"
    manifest = json.loads(manifest_file.read_text())
    # As after an upgrade of the checkout: the recorded order book runs other code than the build's.
    manifest["contracts"]["OrderBook"]["address"] = manifest["contracts"]["Offering"]["address"]
    manifest_file.write_text(json.dumps(manifest))
    nonce = operator.nonce
    with pytest.raises(StaleDeploymentError, match="OrderBook at 0x[0-9a-fA-F]{40} runs other code than this checkout builds"):
        deploy_platform(operator, directory=tmp_path, log=lambda _: None)
    assert operator.nonce == nonce
    assert json.loads(manifest_file.read_text()) == manifest


def test_redeploys_what_vanished(operator, chain, tmp_path):
    deploy_platform(operator, directory=tmp_path, log=lambda _: None)
    manifest_file = tmp_path / f"{chain.chain_id}.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["contracts"]["IssuanceFactory"]["address"] = "0x000000000000000000000000000000000000dEaD"
    manifest_file.write_text(json.dumps(manifest))
    again = deploy_platform(operator, directory=tmp_path, log=lambda _: None)
    assert again.deployed == ["IssuanceFactory"]


def test_existing_stablecoin(operator, chain, tmp_path, project):
    usdc = project.PlainToken.deploy("USD Coin", "USDC", 6, sender=operator)
    run = deploy_platform(operator, cash=usdc.address, directory=tmp_path, log=lambda _: None)
    assert "CashToken" not in run.deployed
    assert run.address("CashToken") == usdc.address
    again = deploy_platform(operator, directory=tmp_path, log=lambda _: None)  # without --cash: the stablecoin stays
    assert again.deployed == [] and again.address("CashToken") == usdc.address
    try:
        deploy_platform(operator, cash=operator.address, directory=tmp_path / "other", log=lambda _: None)
        raise AssertionError("a cash address without code must be refused")
    except ValueError as refused:
        assert "no contract at the cash token address" in str(refused)


def test_manifest_errors_are_readable(tmp_path):
    try:
        contract_address("IssuanceFactory", 999, tmp_path)
        raise AssertionError("missing manifest must raise")
    except ManifestError as error:
        assert "not deployed on chain 999" in str(error)


def test_deploy_script_end_to_end(tmp_path, chain, networks):
    """`ape run deploy` against the test chain, twice: the second run sends nothing."""
    environment = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri}
    command = [str(Path(sys.executable).with_name("ape")), "run", "deploy", "--network", "ethereum:local:foundry",
               "--account", "TEST::0", "--deployments", str(tmp_path)]
    first = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "7 deployed" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 deployed, 0 transactions sent" in second.stdout
    manifest_file = tmp_path / f"{chain.chain_id}.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["contracts"]["Dividends"]["address"] = manifest["contracts"]["ShareholderVotes"]["address"]
    manifest_file.write_text(json.dumps(manifest))
    stale = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
    assert stale.returncode != 0
    assert "Dividends at 0x" in stale.stderr and "deploy this version with a fresh --deployments folder" in stale.stderr
