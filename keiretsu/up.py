"""`make up`: the local private chain with its state on disk, the platform, a demo market, the dApp,
the index of the platform's events (`python -m keiretsu.index follow`) and its read API
(`python -m keiretsu.api`).

Ctrl-C (or SIGTERM) stops everything and writes the chain's state; the next `make up` resumes from
it, finds the deployment and does not seed twice. A second `make up` on the same chain directory
while one runs says so and leaves it be.

Where things live, each settable by an option or the environment (options win):

    --chain-dir    KEIRETSU_CHAIN_DIR     chain/       anvil's state, its log, the lock, the built dApp
    --chain-port   KEIRETSU_CHAIN_PORT    8545         the chain's JSON-RPC port
    --dapp-port    KEIRETSU_DAPP_PORT     5173         the dApp's port
    --api-port     KEIRETSU_API_PORT      8550         the read API's port
    --deployments  KEIRETSU_DEPLOYMENTS   deployments/ for the default chain directory, otherwise
                                                       <chain dir>/deployments: a manifest always
                                                       describes the chain next to it

The dApp is built for this chain on every start (`vite build` of frontend/, about two seconds)
into <chain dir>/dapp/dist and served from there by a small static server on 127.0.0.1; the
frontend's packages must be installed (`make install-frontend`, which `make up` runs) unless
`--no-dapp` is given.

The indexer follows the chain into <chain dir>/index.sqlite (or KEIRETSU_DATABASE_URL) and logs to
<chain dir>/index.log; on the next `make up` it resumes from the last block it indexed. The banner
is printed once the index has caught up with the seeded chain, so the API already serves the demo.
Both run as child processes, stopped before the chain.
"""

from __future__ import annotations

import argparse
import fcntl
import functools
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from keiretsu.chain import CHAIN_ID, DEV_MNEMONIC, REPO, ChainError, LocalChain, port_in_use
from keiretsu.manifest import DEPLOYMENTS

DEFAULT_CHAIN_DIR = REPO / "chain"
DEFAULT_CHAIN_PORT = 8545
DEFAULT_DAPP_PORT = 5173
DEFAULT_API_PORT = 8550
FRONTEND = REPO / "frontend"
VITE = FRONTEND / "node_modules/.bin/vite"
# The virtual environment's ape (`make install`): a fresh shell has no ape on its PATH.
APE = REPO / ".venv/bin/ape"
# Exit status of a `make up` refused because another one runs on the same chain directory.
ALREADY_RUNNING = 3
READY_LINE = "Keiretsu is up."
# How long the indexer may take to catch up with the chain, and the API to answer, at start.
SERVICE_START_SECONDS = 120


class UpError(RuntimeError):
    """`make up` cannot go on (a busy port, the dApp's packages missing)."""


@dataclass(frozen=True)
class Settings:
    chain_dir: Path
    chain_port: int
    dapp_port: int
    deployments: Path
    api_port: int = DEFAULT_API_PORT
    serve_dapp: bool = True
    exit_when_ready: bool = False

    @property
    def lock_file(self) -> Path:
        return self.chain_dir / "up.pid"

    @property
    def dapp_dir(self) -> Path:
        return self.chain_dir / "dapp"

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.chain_port}"

    @property
    def dapp_url(self) -> str:
        return f"http://127.0.0.1:{self.dapp_port}/"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}/"


def parse_settings(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> Settings:
    """The settings from the command line, then the environment, then the defaults."""
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="python -m keiretsu.up",
        description="Start the Keiretsu platform locally: chain, deployment, demo market, dApp.",
    )
    parser.add_argument("--chain-dir", type=Path, default=Path(environ.get("KEIRETSU_CHAIN_DIR", DEFAULT_CHAIN_DIR)),
                        help="anvil's state, log, lock and the built dApp (env KEIRETSU_CHAIN_DIR; default chain/)")
    parser.add_argument("--chain-port", type=int, default=int(environ.get("KEIRETSU_CHAIN_PORT", DEFAULT_CHAIN_PORT)),
                        help=f"JSON-RPC port of the chain (env KEIRETSU_CHAIN_PORT; default {DEFAULT_CHAIN_PORT})")
    parser.add_argument("--dapp-port", type=int, default=int(environ.get("KEIRETSU_DAPP_PORT", DEFAULT_DAPP_PORT)),
                        help=f"port of the dApp (env KEIRETSU_DAPP_PORT; default {DEFAULT_DAPP_PORT})")
    parser.add_argument("--api-port", type=int, default=int(environ.get("KEIRETSU_API_PORT", DEFAULT_API_PORT)),
                        help=f"port of the read API over the index (env KEIRETSU_API_PORT; default {DEFAULT_API_PORT})")
    parser.add_argument("--deployments", type=Path, default=environ.get("KEIRETSU_DEPLOYMENTS"),
                        help="folder of the deployment manifest (env KEIRETSU_DEPLOYMENTS; default deployments/ "
                             "for the default chain directory, <chain dir>/deployments for any other)")
    parser.add_argument("--no-dapp", action="store_true", help="start the chain and deploy, without serving the dApp")
    parser.add_argument("--exit-when-ready", action="store_true", help="stop once everything is up (for scripts)")
    args = parser.parse_args(argv)
    chain_dir = args.chain_dir.resolve()
    if args.deployments:
        deployments = Path(args.deployments).resolve()
    else:
        deployments = DEPLOYMENTS if chain_dir == DEFAULT_CHAIN_DIR.resolve() else chain_dir / "deployments"
    return Settings(chain_dir, args.chain_port, args.dapp_port, deployments, args.api_port, not args.no_dapp, args.exit_when_ready)


class InstanceLock:
    """One `make up` per chain directory: an exclusive lock on <chain dir>/up.pid, which also says
    where the running one serves. The kernel releases the lock when its holder dies, so a crash
    never leaves a stale lock behind."""

    def __init__(self, path: Path):
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self, details: dict) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(details))
        handle.flush()
        self._file = handle
        return True

    def holder(self) -> dict:
        """What the running instance wrote about itself."""
        try:
            return json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def release(self) -> None:
        if self._file:
            self._file.truncate(0)
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Interruptions:
    """Turns SIGINT and SIGTERM into KeyboardInterrupt, except inside `step()`: a signal there is
    held until the step ends, so that a deployment or seeding step is never left half done."""

    def __init__(self, log: Callable[[str], None]):
        self.log = log
        self._depth = 0
        self._pending = False

    def install(self) -> None:
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._handle)

    def _handle(self, number: int, _frame: object) -> None:
        if self._depth:
            if not self._pending:
                self.log("stopping after the current step")
            self._pending = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def step(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if self._depth == 0 and self._pending:
            raise KeyboardInterrupt


def deploy_and_seed(settings: Settings, interruptions: Interruptions, log: Callable[[str], None] = print) -> dict:
    """Deploys what is missing and seeds the demo market once; returns the manifest."""
    os.environ["APE_FOUNDRY_HOST"] = settings.rpc_url
    from ape import accounts, networks
    from ape.logging import logger

    from keiretsu.deploy import StaleDeploymentError, deploy_platform
    from keiretsu.seed import seed_demo_market

    logger.set_level("WARNING")
    with networks.parse_network_choice("ethereum:local:foundry", provider_settings={"host": settings.rpc_url, "manage_process": False}):
        # Connecting makes Ape exit on SIGINT/SIGTERM at once; we stop between steps instead.
        interruptions.install()
        operator = accounts.test_accounts[0]
        with interruptions.step():
            try:
                deployment = deploy_platform(operator, directory=settings.deployments, log=log)
            except StaleDeploymentError as stale:
                raise UpError(
                    f"{stale}. To start afresh on a new local chain: rm -rf {settings.chain_dir} "
                    f"{settings.deployments / f'{CHAIN_ID}.json'} and run make up again"
                ) from None
        if deployment.deployed:
            log(f"deployed: {', '.join(deployment.deployed)}")
        else:
            log("the platform is already deployed: nothing sent")
        seed_demo_market(deployment, list(accounts.test_accounts), directory=settings.deployments, step=interruptions.step, log=log)
        return deployment.manifest


def build_dapp(settings: Settings, log: Callable[[str], None] = print) -> None:
    """Builds the dApp for this chain's deployment into <chain dir>/dapp/dist."""
    if not VITE.exists():
        raise UpError("the dApp's packages are not installed: run `make install-frontend` (or pass --no-dapp)")
    generated, dist = settings.dapp_dir / "generated", settings.dapp_dir / "dist"
    manifest = settings.deployments / f"{CHAIN_ID}.json"
    log("building the dApp")
    quiet = {"cwd": FRONTEND, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(["node", "scripts/gen-contracts.mjs", "--out", str(generated), "--manifest", str(manifest),
                    "--rpc-url", settings.rpc_url, "--api-url", settings.api_url, "--chain-id", str(CHAIN_ID)], **quiet)
    subprocess.run([str(VITE), "build", "--logLevel", "error"], env={**os.environ, "KEIRETSU_GENERATED": str(generated),
                   "KEIRETSU_DIST": str(dist)}, **quiet)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass


def dapp_server(settings: Settings) -> http.server.ThreadingHTTPServer:
    """Takes the dApp's port on 127.0.0.1 (at once, so that a busy port fails before anything
    starts); `serve` starts answering from <chain dir>/dapp/dist. The dApp routes by URL hash, so
    plain files suffice."""
    if port_in_use(settings.dapp_port):
        raise UpError(f"port {settings.dapp_port} is in use: the dApp cannot be served there (choose another with --dapp-port)")
    handler = functools.partial(_QuietHandler, directory=str(settings.dapp_dir / "dist"))
    return http.server.ThreadingHTTPServer(("127.0.0.1", settings.dapp_port), handler)


def serve(server: http.server.ThreadingHTTPServer) -> None:
    threading.Thread(target=server.serve_forever, name="dapp", daemon=True).start()


class IndexServices:
    """The indexer follower and the read API, as child processes of `make up` in sessions of their
    own: a Ctrl-C reaches `make up` alone, which stops them (the indexer first) before the chain."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.log_path = settings.chain_dir / "index.log"
        self.indexer: subprocess.Popen | None = None
        self.api: subprocess.Popen | None = None

    def _spawn(self, module: str, *arguments: str) -> subprocess.Popen:
        with open(self.log_path, "ab") as log:
            return subprocess.Popen([sys.executable, "-m", module, *arguments, "--chain-dir", str(self.settings.chain_dir)], cwd=REPO,
                                    env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def start(self) -> None:
        """Starts the follower, waits until it has indexed the chain's current head, then starts
        the API and waits until it answers."""
        from keiretsu.chain import rpc

        settings = self.settings
        head = int(rpc(settings.rpc_url, "eth_blockNumber"), 16)
        self.indexer = self._spawn("keiretsu.index", "follow", "--rpc-url", settings.rpc_url,
                                   "--deployments", str(settings.deployments))
        self._wait("the indexer", self.indexer, lambda: self._indexed_block() >= head)
        self.api = self._spawn("keiretsu.api", "--port", str(settings.api_port))
        self._wait("the API", self.api, lambda: port_in_use(settings.api_port))

    def _indexed_block(self) -> int:
        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError

        from keiretsu.index import schema
        from keiretsu.index.database import engine_for

        engine = engine_for(None, self.settings.chain_dir)
        try:
            with engine.connect() as connection:
                last_block = connection.execute(select(schema.meta.c.last_block)).scalar()
                return -1 if last_block is None else last_block
        except SQLAlchemyError:  # not created yet
            return -1
        finally:
            engine.dispose()

    def _wait(self, name: str, process: subprocess.Popen, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + SERVICE_START_SECONDS
        while not ready():
            if process.poll() is not None:
                raise UpError(f"{name} stopped at start (code {process.returncode}); see {self.log_path}")
            if time.monotonic() > deadline:
                raise UpError(f"{name} was not ready after {SERVICE_START_SECONDS} s; see {self.log_path}")
            time.sleep(0.2)

    def stopped_unexpectedly(self) -> str | None:
        for name, process in (("the indexer", self.indexer), ("the API", self.api)):
            if process and process.poll() is not None:
                return f"{name} stopped unexpectedly (code {process.returncode}); see {self.log_path}"
        return None

    def stop(self) -> None:
        for process in (self.indexer, self.api):
            if process and process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def tool_environment(settings: Settings) -> str:
    """The variables that point Ape's console and scripts at this chain and its manifest."""
    variables = f"APE_FOUNDRY_HOST={settings.rpc_url}"
    if settings.deployments != DEPLOYMENTS:
        variables += f" KEIRETSU_DEPLOYMENTS={settings.deployments}"
    if settings.chain_dir != DEFAULT_CHAIN_DIR.resolve():
        # `ape run report` reads the index beside the chain's state.
        variables += f" KEIRETSU_CHAIN_DIR={settings.chain_dir}"
    return variables


def console_command(settings: Settings) -> str:
    """`make console` with what it needs to reach this chain (nothing more for the defaults)."""
    command = "make console"
    if settings.chain_port != DEFAULT_CHAIN_PORT:
        command += f" KEIRETSU_CHAIN_PORT={settings.chain_port}"
    if settings.deployments != DEPLOYMENTS:
        command += f" KEIRETSU_DEPLOYMENTS={settings.deployments}"
    return command


def script_command(settings: Settings, script: str) -> str:
    """An `ape run` of the project's virtual environment on this chain, to run from the repository."""
    return f"{tool_environment(settings)} {APE.relative_to(REPO)} run {script}"


def banner(settings: Settings, dapp_url: str) -> str:
    from ape import accounts

    from keiretsu.seed import demo_accounts

    lines = [
        "",
        READY_LINE,
        f"  dApp       {dapp_url}",
        f"  API        {settings.api_url} (browse it at {settings.api_url}docs; index log {settings.chain_dir / 'index.log'})",
        f"  chain id   {CHAIN_ID}",
        f"  RPC URL    {settings.rpc_url}",
        f"  state      {settings.chain_dir / 'state.json'}",
        f"  manifest   {settings.deployments / f'{CHAIN_ID}.json'}",
        f"  wallets    import the dev mnemonic into a browser wallet: {DEV_MNEMONIC}",
        f"  console    {console_command(settings)}",
        f"  scripts    {script_command(settings, 'report trades ANDES')}",
        "             (from the repository; docs/operations.md lists every script)",
        "",
        "Demo accounts:",
    ]
    lines += [f"  #{person.index:<3} {person.address}  {person.role}" for person in demo_accounts(list(accounts.test_accounts))]
    lines += ["", "Ctrl-C stops everything; the next `make up` resumes from the same state."]
    return "\n".join(lines)


def already_running_message(holder: dict) -> str:
    pid = holder.get("pid", "?")
    return (
        f"make up is already running on this chain directory (pid {pid}): dApp {holder.get('dapp_url', '?')}, "
        f"RPC {holder.get('rpc_url', '?')}, API {holder.get('api_url', '?')}. Stop it with Ctrl-C in its terminal (or `kill -INT {pid}`) first."
    )


def main(argv: list[str] | None = None) -> int:
    settings = parse_settings(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    lock = InstanceLock(settings.lock_file)
    dapp_url = settings.dapp_url if settings.serve_dapp else "(not served: --no-dapp)"
    if not lock.acquire({"pid": os.getpid(), "dapp_url": dapp_url, "rpc_url": settings.rpc_url, "api_url": settings.api_url}):
        print(already_running_message(lock.holder()), file=sys.stderr)
        return ALREADY_RUNNING
    interruptions = Interruptions(log)
    interruptions.install()
    chain = LocalChain(port=settings.chain_port, state_dir=settings.chain_dir)
    server: http.server.ThreadingHTTPServer | None = None
    services = IndexServices(settings)
    serving = False
    status = 0
    try:
        if port_in_use(settings.api_port):
            raise UpError(f"port {settings.api_port} is in use: the API cannot be served there (choose another with --api-port)")
        if settings.serve_dapp:
            server = dapp_server(settings)
        chain.start(log_path=settings.chain_dir / "anvil.log")
        deploy_and_seed(settings, interruptions, log)
        log("indexing the platform's events")
        services.start()
        if server:
            build_dapp(settings, log)
            serve(server)
            serving = True
        print(banner(settings, dapp_url), flush=True)
        while not settings.exit_when_ready:
            if chain.process.poll() is not None:
                log(f"the chain stopped unexpectedly (code {chain.process.returncode}); see {settings.chain_dir / 'anvil.log'}")
                status = 1
                break
            if failure := services.stopped_unexpectedly():
                log(failure)
                status = 1
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        log("stopping: writing the chain state")
    except (ChainError, UpError, subprocess.CalledProcessError) as failure:
        log(f"make up failed: {failure}")
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if serving:
            server.shutdown()
        if server:
            server.server_close()
        services.stop()
        chain.stop()
        lock.release()
    if status == 0:
        log("stopped")
    return status


if __name__ == "__main__":
    sys.exit(main())
