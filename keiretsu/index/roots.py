"""The contracts an index starts from, as the deployment manifest records them."""

from __future__ import annotations

from pathlib import Path

from keiretsu.manifest import DEPLOYMENTS, ManifestError, load_manifest

# The platform's contracts that log (the order book and offering implementations never do: their
# clones are discovered from the factory's listings).
ROOT_CONTRACTS = ("IssuanceFactory", "IdentityRegistry", "CashToken", "Dividends", "ShareholderVotes")


def manifest_roots(chain_id: int, directory: Path = DEPLOYMENTS) -> tuple[list[str], int]:
    """(root addresses, first block to index) of the deployment on `chain_id`."""
    manifest = load_manifest(chain_id, directory)
    if manifest is None:
        raise ManifestError(f"the platform is not deployed on chain {chain_id} (no manifest in {directory})")
    contracts = manifest["contracts"]
    return [contracts[name]["address"] for name in ROOT_CONTRACTS if name in contracts], manifest.get("deployment_block", 0)
