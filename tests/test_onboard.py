"""Onboarding from CSV: the whole file is checked first, then registered in batches, idempotently."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from keiretsu.countries import country_name
from keiretsu.issuance import parse_issuances
from keiretsu.onboarding import FileRejected, onboard, parse_investors
from keiretsu.transactions import script_journal

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "investors.csv"
HEADER = "wallet,kyc_hash,kind,country,kyc_expiry,qualified,issuer\n"
GOOD_HASH = "0x" + "ab" * 32
TODAY = date(2026, 11, 25)
# The cases the dApp's tests read too (frontend/tests/validation.test.ts).
CASES = json.loads((Path(__file__).resolve().parent / "data" / "validation_cases.json").read_text())
WALLET = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"


def _investor_row(tmp_path, country: str = "CL", kind: str = "natural", issuer: str = "no"):
    path = tmp_path / "one.csv"
    path.write_text(HEADER + f"{WALLET},{GOOD_HASH},{kind},{country},2030-01-01,no,{issuer}\n", encoding="utf-8")
    try:
        return parse_investors(path, today=TODAY)[0], []
    except FileRejected as rejected:
        return None, rejected.problems


@pytest.mark.parametrize("case", CASES["country"], ids=lambda case: case["input"])
def test_shared_country_cases(tmp_path, case):
    investor, problems = _investor_row(tmp_path, country=case["input"])
    if case["code"] is None:
        assert problems == [f"line 2: country {case['input']!r} is not an ISO 3166 code"]
    else:
        assert investor.country == case["code"] and country_name(investor.country) == case["name"]


@pytest.mark.parametrize("case", CASES["issuer"], ids=lambda case: f"{case['kind']}-issuer-{case['issuer']}")
def test_shared_issuer_cases(tmp_path, case):
    investor, problems = _investor_row(tmp_path, kind=case["kind"], issuer="yes" if case["issuer"] else "no")
    if case["accepted"]:
        assert investor.flags == (2 if case["issuer"] else 0)
    else:
        assert problems == ["line 2: issuer yes: only an enterprise can be an issuer"]


@pytest.mark.parametrize("case", CASES["symbol"], ids=lambda case: case["input"])
def test_shared_symbol_cases(tmp_path, case):
    path = tmp_path / "one.yaml"
    path.write_text(
        "securities:\n"
        "  - isin: CL000COBRE33\n"
        "    name: Cobre Andino SA\n"
        f"    symbol: {json.dumps(case['input'])}\n"
        f"    issuer: '{WALLET}'\n",
        encoding="utf-8",
    )
    if case["listed_as"] is None:
        with pytest.raises(FileRejected) as rejected:
            parse_issuances(path)
        assert rejected.value.problems == [f"line 2: symbol {case['input']!r} must be 1 to 16 letters or digits"]
    else:
        [issuance] = parse_issuances(path)
        assert issuance.symbol == case["listed_as"]


def test_example_file_is_valid():
    investors = parse_investors(EXAMPLE, today=TODAY)
    assert len(investors) == 12
    assert investors[0].country == 152 and investors[0].flags == 1
    assert investors[3].kind == 2


def test_every_bad_row_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + f"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,{GOOD_HASH},natural,CL,2030-01-01,yes,no\n"
        + f"0x1234,{GOOD_HASH},natural,CL,2030-01-01,yes,no\n"
        + "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc,0xnothex,robot,XX,2020-01-01,maybe,no\n"
        + f"0x15d34aaf54267db7d7c367839aaf71a00a2c6a65,{GOOD_HASH},natural,CL,2030-01-01,yes,no\n"
    )
    with pytest.raises(FileRejected) as rejected:
        parse_investors(bad, today=TODAY)
    problems = rejected.value.problems
    assert "line 3: wallet '0x1234' is not an address" in problems
    assert any(p.startswith("line 4: kyc_hash") for p in problems)
    assert "line 4: kind 'robot' is not one of natural, enterprise" in problems
    assert "line 4: country 'XX' is not an ISO 3166 code" in problems
    assert "line 4: kyc_expiry 2020-01-01 is not in the future" in problems
    assert "line 4: qualified 'maybe' is not yes or no" in problems
    assert "line 5: wallet already on line 2" in problems
    assert not any(p.startswith("line 2:") for p in problems)


def test_missing_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("wallet,kind\n0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,natural\n")
    with pytest.raises(FileRejected, match="missing column"):
        parse_investors(bad, today=TODAY)


def test_onboard_in_batches_then_skip(registry, registrar, tmp_path):
    investors = parse_investors(EXAMPLE, today=TODAY)
    said: list[str] = []
    journal = script_journal(log=said.append, directory=tmp_path)
    report = onboard(registry, registrar, investors, batch_size=5, journal=journal)
    assert [line.split(":")[0] for line in said if " in block " in line] == [
        "register 5 investors (lines 2-6)", "register 5 investors (lines 7-11)", "register 2 investors (lines 12-13)"]
    assert len(report.registered) == 12 and report.skipped == []
    assert all(registry.isVerified(investor.wallet) for investor in investors)
    again = onboard(registry, registrar, investors, batch_size=5, journal=journal)
    assert again.registered == [] and len(again.skipped) == 12


def test_onboard_script_end_to_end(registry, chain, tmp_path):
    environment = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri}
    command = [str(Path(sys.executable).with_name("ape")), "run", "onboard", "--network", "ethereum:local:foundry",
               "--account", "TEST::1", "--registry", registry.address, "--batch-size", "5"]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"0x1234,{GOOD_HASH},natural,CL,2030-01-01,yes,no\n")
    refused = subprocess.run(command + ["--file", str(bad)], capture_output=True, text=True, env=environment, timeout=300)
    assert refused.returncode != 0
    assert "line 2: wallet '0x1234' is not an address" in refused.stdout + refused.stderr
    first = subprocess.run(command + ["--file", str(EXAMPLE)], capture_output=True, text=True, env=environment, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "12 registered, 0 skipped" in first.stdout
    second = subprocess.run(command + ["--file", str(EXAMPLE)], capture_output=True, text=True, env=environment, timeout=300)
    assert "0 registered, 12 skipped" in second.stdout
    assert "skipped line 2: 0x2546BcD3c84621e976D8185a91A922aE77ECEc30 is already registered" in second.stdout
