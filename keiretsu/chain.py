"""The local private chain: an anvil process whose state lives on disk, so a restart loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANVIL_BIN = REPO / "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
CHAIN_ID = 31337
DEV_MNEMONIC = "test test test test test test test test test test test junk"
# anvil writes its state this often as well as on a clean exit, so a hard kill loses at most this much.
STATE_INTERVAL_SECONDS = 1


class ChainError(RuntimeError):
    """The chain could not be started or reached."""


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


def rpc(url: str, method: str, params: list | None = None, timeout: float = 5.0) -> object:
    """One JSON-RPC call; raises ChainError with the node's message on an error answer."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer = json.load(response)
    if "error" in answer:
        raise ChainError(f"{method}: {answer['error'].get('message', answer['error'])}")
    return answer["result"]


@dataclass
class LocalChain:
    """An anvil on `port`, with its state in `state_dir` (none: in memory only). `block_time`
    mines every so many seconds instead of on each transaction, and `zero_fees` makes the chain a
    production one's (zero base fee, zero gas price)."""

    port: int
    state_dir: Path | None = None
    accounts: int = 20
    host: str = "127.0.0.1"
    chain_id: int = CHAIN_ID
    block_time: float | None = None
    zero_fees: bool = False
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def state_file(self) -> Path | None:
        return self.state_dir / "state.json" if self.state_dir else None

    def command(self) -> list[str]:
        if not ANVIL_BIN.exists():
            raise ChainError(f"anvil is not installed at {ANVIL_BIN}: run `make install`")
        command = [
            str(ANVIL_BIN),
            "--host", self.host,
            "--port", str(self.port),
            "--chain-id", str(self.chain_id),
            "--accounts", str(self.accounts),
            "--mnemonic", DEV_MNEMONIC,
            "--gas-limit", "30000000",
            "--code-size-limit", "24576",
        ]
        if self.block_time:
            command += ["--block-time", str(self.block_time)]
        if self.zero_fees:
            command += ["--base-fee", "0", "--gas-price", "0"]
        if self.state_file:
            command += ["--state", str(self.state_file), "--state-interval", str(STATE_INTERVAL_SECONDS)]
        return command

    def start(self, log_path: Path | None = None, timeout: float = 20.0) -> "LocalChain":
        """Starts anvil and waits until it answers; refuses a port that is already taken."""
        if port_in_use(self.port, self.host):
            raise ChainError(f"port {self.port} is already in use: another chain is running there")
        if self.state_dir:
            self.state_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ChainError(f"anvil exited at start with code {self.process.returncode}")
            try:
                rpc(self.url, "eth_chainId")
            except (OSError, ChainError):
                time.sleep(0.1)
                continue
            self.resume_clock()
            return self
        self.stop()
        raise ChainError(f"anvil did not answer on {self.url} within {timeout:.0f} s")

    def head_timestamp(self) -> int:
        return int(rpc(self.url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def resume_clock(self) -> int:
        """Moves the clock to just after the latest block when that block is in the future.

        anvil forgets its time offset on a restart: after time travel (closing the demo offerings)
        the next block would be older than its parent, and record dates or offering ends already
        passed would seem to lie ahead again. Returns the seconds the clock was moved.
        """
        lag = self.head_timestamp() - int(time.time()) + 1
        if lag <= 0:
            return 0
        rpc(self.url, "evm_increaseTime", [lag])
        return lag

    def stop(self, timeout: float = 20.0) -> None:
        """Stops anvil with SIGINT, which makes it write its state, and waits for it."""
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Stops anvil hard (SIGKILL), as a crash would: only the periodic state dump survives."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def reset_state(self) -> None:
        if self.state_dir and self.state_dir.exists():
            shutil.rmtree(self.state_dir)

    def __enter__(self) -> "LocalChain":
        return self.start() if not self.process else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
