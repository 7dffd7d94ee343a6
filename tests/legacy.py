"""`make test-legacy`: the contract tests against every contract compiled by Vyper's default (legacy)
pipeline, so that a miscompilation by venom (`SecurityToken`, `Dividends`) shows as a difference.

ape-vyper 0.8 has no pipeline setting, and Vyper refuses a command-line setting that contradicts a
source pragma ("settings conflict"), so the project is copied to a temporary directory with the
pipeline pragmas removed; its build (`.build`) stays there and the work tree is not touched. The
legacy token is over the 24 KiB limit of EIP-170, so the tests run on an anvil started here with
ape-foundry's own flags plus `--code-size-limit`; ape-foundry attaches to it (APE_FOUNDRY_HOST).

    python -m tests.legacy [--port PORT] [--keep] [-- PYTEST ARGS]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import cbor2

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # vyper and ape of this virtual environment
# Set for the tests of a legacy build: the EIP-170 size test skips itself.
LEGACY_ENV = "KEIRETSU_LEGACY_PIPELINE"
EIP170_LIMIT = 24_576
# The legacy token is about 30.6 KB (venom for size: 23.5 KB); twice the limit leaves room to grow.
LIFTED_CODE_SIZE_LIMIT = 2 * EIP170_LIMIT
PIPELINE_PRAGMA = re.compile(r"^#\s*pragma\s+(?:experimental-codegen|venom-experimental|optimize\s+\w+)\s*\n", re.MULTILINE)
# What the contract tests need of the project (ape-foundry finds anvil on PATH).
COPIED = ("ape-config.yaml", "ape_console_extras.py", "contracts", "tests", "scripts", "keiretsu", "bench", "examples")
# Left out, and why: none tests contract behaviour (the first two start chains of their own, which keep the limit).
NOT_CONTRACT_TESTS = {
    "tests/test_up.py": "builds and serves the dApp on a chain of its own",
    "tests/test_fault.py": "anvil's crash durability, on a chain of its own",
    "tests/test_bench_targets.py": "the benchmark report's arithmetic, no contract",
}


def deployed_size(initcode: bytes) -> int:
    """Bytes of code a Vyper initcode deploys: runtime plus immutables, read from the CBOR trailer
    (under venom the separate runtime output differs from the deployed runtime)."""
    trailer = int.from_bytes(initcode[-2:], "big")
    _, runtime_size, _, immutables_size, *_ = cbor2.loads(initcode[-trailer:-2])
    return runtime_size + immutables_size


def copy_project(target: Path) -> list[Path]:
    """Copies the project to `target` without pipeline pragmas; returns the contracts that had one."""
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", ".build"))
        else:
            shutil.copy2(source, target / name)
    stripped = []
    for path in sorted((target / "contracts").rglob("*.vy")):
        source = path.read_text()
        legacy = PIPELINE_PRAGMA.sub("", source)
        if legacy != source:
            path.write_text(legacy)
            stripped.append(path.relative_to(target))
    return stripped


def compiled_size(project: Path, contract: Path) -> int:
    initcode = subprocess.run(
        [str(BIN / "vyper"), "-f", "bytecode", str(contract)], cwd=project, capture_output=True, text=True, check=True,
    ).stdout.strip()
    return deployed_size(bytes.fromhex(initcode.removeprefix("0x")))


def compare_builds(legacy_project: Path, stripped: list[Path]) -> None:
    """Prints each stripped contract's size under both pipelines; refuses a legacy build that is the same."""
    print("deployed code, bytes   venom (checkout)   legacy (this run)")
    for contract in stripped:
        venom, legacy = compiled_size(REPO, contract), compiled_size(legacy_project, contract)
        print(f"  {contract.stem:<20} {venom:>17,} {legacy:>19,}")
        if venom == legacy:
            raise SystemExit(f"legacy: {contract} compiles to the same size under both pipelines; was its pragma removed?")


def anvil_command(port: int) -> list[str]:
    """ape-foundry's own anvil command (accounts, mnemonic, balance, fees) on `port`, without the size limit."""
    from ape import networks

    command = networks.ethereum.local.get_provider("foundry").build_command()
    command[command.index("--port") + 1] = str(port)
    return command + ["--code-size-limit", str(LIFTED_CODE_SIZE_LIMIT)]


def start_anvil(port: int) -> subprocess.Popen:
    from keiretsu.chain import port_in_use

    if port_in_use(port):
        raise SystemExit(f"legacy: port {port} is in use; its chain may keep the 24 KiB limit (pick --port)")
    process = subprocess.Popen(anvil_command(port), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while not port_in_use(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"legacy: anvil did not start on port {port}")
        time.sleep(0.1)
    return process


def default_port() -> int:
    if host := os.environ.get("APE_FOUNDRY_HOST"):
        return urlparse(host).port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, help="port of the test anvil (default: APE_FOUNDRY_HOST's, else a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary legacy project and print its path")
    parser.add_argument("pytest_args", nargs="*", help="after --: more arguments for ape test (e.g. -k dividend)")
    args = parser.parse_args(argv)
    port = args.port or default_port()

    project = Path(tempfile.mkdtemp(prefix="keiretsu-legacy-"))
    anvil = None
    try:
        stripped = copy_project(project)
        compare_builds(project, stripped)
        anvil = start_anvil(port)
        ignored = [f"--ignore={path}" for path in NOT_CONTRACT_TESTS]
        environment = {
            **os.environ, "PYTHONPATH": str(project), "APE_FOUNDRY_HOST": f"http://127.0.0.1:{port}", LEGACY_ENV: "1",
        }
        print(f"legacy: ape test in {project} on anvil :{port} (--code-size-limit {LIFTED_CODE_SIZE_LIMIT})", flush=True)
        command = [str(BIN / "ape"), "test", "tests/", "-p", "no:cacheprovider", *ignored, *args.pytest_args]
        return subprocess.run(command, cwd=project, env=environment).returncode
    finally:
        if anvil and anvil.poll() is None:
            os.killpg(anvil.pid, signal.SIGKILL)
            anvil.wait()
        if args.keep:
            print(f"legacy: project kept in {project}")
        else:
            shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
