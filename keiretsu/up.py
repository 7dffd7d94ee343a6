"""`make up`: the local private chain with its state on disk, the platform, a demo market, the dApp.

Ctrl-C stops everything and writes the chain's state; the next `make up` resumes from it, finds
the deployment and does not seed twice. A second `make up` while one runs says so and leaves it be.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from keiretsu.chain import CHAIN_ID, DEV_MNEMONIC, REPO, ChainError, LocalChain, port_in_use

CHAIN_DIR = REPO / "chain"
LOCK = CHAIN_DIR / "up.pid"
CHAIN_PORT = 8545
DAPP_PORT = 5173
FRONTEND = REPO / "frontend"


def running_instance() -> int | None:
    """The pid of a `make up` that is still alive, if any."""
    try:
        pid = int(LOCK.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def take_lock() -> bool:
    CHAIN_DIR.mkdir(parents=True, exist_ok=True)
    if running_instance():
        return False
    LOCK.write_text(str(os.getpid()))
    return True


def deploy_and_seed(rpc_url: str, log=print) -> dict:
    """Deploys what is missing and seeds the demo market once; returns the manifest."""
    os.environ["APE_FOUNDRY_HOST"] = rpc_url
    from ape import accounts, chain, networks
    from ape.logging import logger

    from keiretsu.deploy import deploy_platform
    from keiretsu.manifest import save_manifest
    from keiretsu.seed import seed_demo_market

    logger.set_level("WARNING")
    with networks.parse_network_choice("ethereum:local:foundry"):
        operator = accounts.test_accounts[0]
        deployment = deploy_platform(operator, log=log)
        if deployment.deployed:
            log(f"deployed: {', '.join(deployment.deployed)}")
        else:
            log("the platform is already deployed: nothing sent")
        # Seeded once per registry: a chain reset (new registry) is seeded again.
        registry = deployment.address("IdentityRegistry")
        if deployment.manifest.get("demo_seeded_for") != registry:
            seed_demo_market(deployment, list(accounts.test_accounts), chain.pending_timestamp, log=log)
            deployment.manifest["demo_seeded_for"] = registry
            save_manifest(deployment.manifest)
        else:
            log("the demo market is already seeded")
        return deployment.manifest


def build_dapp(rpc_url: str) -> None:
    subprocess.run(["npm", "run", "--silent", "gen", "--", "--rpc-url", rpc_url], cwd=FRONTEND, check=True)
    subprocess.run(["npm", "run", "--silent", "build"], cwd=FRONTEND, check=True, stdout=subprocess.DEVNULL)


def serve_dapp(port: int) -> subprocess.Popen:
    if port_in_use(port):
        raise ChainError(f"port {port} is in use: the dApp cannot be served there")
    return subprocess.Popen(
        ["npx", "vite", "preview", "--host", "127.0.0.1", "--port", str(port), "--strictPort"],
        cwd=FRONTEND,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def banner(rpc_url: str, dapp_url: str) -> str:
    from ape import accounts

    from keiretsu.seed import demo_accounts

    lines = [
        "",
        "Keiretsu is up.",
        f"  dApp       {dapp_url}",
        f"  chain id   {CHAIN_ID}",
        f"  RPC URL    {rpc_url}",
        f"  state      {CHAIN_DIR / 'state.json'}",
        f"  wallets    import the dev mnemonic into a browser wallet: {DEV_MNEMONIC}",
        "",
        "Demo accounts:",
    ]
    lines += [f"  #{person.index:<3} {person.address}  {person.role}" for person in demo_accounts(list(accounts.test_accounts))]
    lines += ["", "Ctrl-C stops everything; the next `make up` resumes from the same state."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the Keiretsu platform locally.")
    parser.add_argument("--no-dapp", action="store_true", help="start the chain and deploy, without serving the dApp")
    parser.add_argument("--exit-when-ready", action="store_true", help="stop once everything is up (for tests)")
    args = parser.parse_args(argv)

    if not take_lock():
        print(f"make up is already running (pid {running_instance()}): the dApp is at http://127.0.0.1:{DAPP_PORT}")
        return 0
    chain = LocalChain(port=CHAIN_PORT, state_dir=CHAIN_DIR)
    dapp: subprocess.Popen | None = None
    try:
        chain.start(log_path=CHAIN_DIR / "anvil.log")
        deploy_and_seed(chain.url)
        dapp_url = "(not served: --no-dapp)"
        if not args.no_dapp:
            build_dapp(chain.url)
            dapp = serve_dapp(DAPP_PORT)
            dapp_url = f"http://127.0.0.1:{DAPP_PORT}/"
        print(banner(chain.url, dapp_url), flush=True)
        if not args.exit_when_ready:
            signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
            while dapp is None or dapp.poll() is None:
                time.sleep(0.5)
            print("the dApp server stopped", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nstopping: writing the chain state", file=sys.stderr)
    except (ChainError, subprocess.CalledProcessError) as failure:
        print(f"make up failed: {failure}", file=sys.stderr)
        return 1
    finally:
        if dapp and dapp.poll() is None:
            os.killpg(dapp.pid, signal.SIGTERM)
            dapp.wait()
        chain.stop()
        LOCK.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
