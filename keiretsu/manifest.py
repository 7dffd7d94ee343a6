"""The deployment manifest, `deployments/<chain id>.json`: what the console, scripts and dApp read."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# The manifests' folder: deployments/ of the repository, or KEIRETSU_DEPLOYMENTS (as `make up`
# on another chain directory writes them there).
DEPLOYMENTS = Path(os.environ.get("KEIRETSU_DEPLOYMENTS") or Path(__file__).resolve().parent.parent / "deployments")


class ManifestError(RuntimeError):
    """No deployment, or not the contract asked for, on this chain."""


def manifest_path(chain_id: int, directory: Path = DEPLOYMENTS) -> Path:
    return directory / f"{chain_id}.json"


def load_manifest(chain_id: int, directory: Path = DEPLOYMENTS) -> dict[str, Any] | None:
    """The manifest for `chain_id`, or None when the platform was never deployed there."""
    path = manifest_path(chain_id, directory)
    return json.loads(path.read_text()) if path.exists() else None


def save_manifest(manifest: dict[str, Any], directory: Path = DEPLOYMENTS) -> Path:
    """Writes the manifest atomically (a crash never leaves half a file)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = manifest_path(manifest["chain_id"], directory)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    partial.replace(path)
    return path


def contract_address(name: str, chain_id: int, directory: Path = DEPLOYMENTS) -> str:
    """The deployed address of `name` on `chain_id`, with a readable error when it is missing."""
    manifest = load_manifest(chain_id, directory)
    if manifest is None:
        raise ManifestError(f"the platform is not deployed on chain {chain_id}: run `ape run deploy` first")
    try:
        return manifest["contracts"][name]["address"]
    except KeyError:
        raise ManifestError(f"{name} is not in the deployment of chain {chain_id}") from None
