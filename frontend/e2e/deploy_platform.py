"""Deploys the platform on the end-to-end run's anvil and writes its manifest there (called by e2e/run.mjs).

The deployment is the one `make up` makes (keiretsu.deploy), by the first dev account: operator,
registrar, transfer agent and cash treasury. Nothing is seeded: the tests onboard, issue and trade
through the dApp.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rpc-url", required=True, help="the anvil to deploy on")
    parser.add_argument("--out", required=True, type=Path, help="folder for the manifest <chain id>.json")
    args = parser.parse_args()

    os.environ["APE_FOUNDRY_HOST"] = args.rpc_url
    from ape import accounts, networks
    from ape.logging import logger

    from keiretsu.deploy import deploy_platform

    logger.set_level("WARNING")
    with networks.parse_network_choice("ethereum:local:foundry"):
        run = deploy_platform(accounts.test_accounts[0], directory=args.out, log=lambda _: None)
    print(f"deployed {', '.join(run.deployed)} in {run.transactions} transactions")


if __name__ == "__main__":
    main()
