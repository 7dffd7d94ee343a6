"""Scripted issuances: the whole YAML file is checked first, then issued idempotently by ISIN."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keiretsu.issuance import check_parties, issue_all, parse_issuances
from keiretsu.onboarding import FileRejected
from keiretsu.transactions import script_journal

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "issuances.yaml"
STATUS_OFFERING, STATUS_LISTED = 1, 2
ENTERPRISE, ISSUER_FLAG = 2, 2
GOOD_HASH = "0x" + "ab" * 32


@pytest.fixture
def example_issuers(register, accounts):
    """The two issuers named in the example file (dev accounts 2 and 19), registered as enterprise issuers."""
    for index in (2, 19):
        register(accounts[index], kind=ENTERPRISE, flags=ISSUER_FLAG)
    return accounts[2], accounts[11]


def test_example_file_is_valid():
    cobre, yerba = parse_issuances(EXAMPLE)
    assert (cobre.line, cobre.symbol, cobre.isin, cobre.max_holders, cobre.country_rule) == (10, "COBRE", "CL000COBRE33", 500, 1)
    assert cobre.countries == [152, 32, 604, 170, 484]
    assert cobre.documents[0][0] == b"prospectus".ljust(32, b"\0")
    assert cobre.offering.price == 12_500_000 and cobre.offering.hard_cap == 20_000
    assert cobre.offering.terms(1_000) == (12_500_000, 10, 10, 5_000, 2_000, 20_000, 1_060, 1_060 + 14 * 86_400)
    assert (yerba.line, yerba.tick_size, yerba.offering) == (36, 5_000, None)


def test_every_problem_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "securities:\n"
        "  - isin: CL000COBRE34\n"  # line 2: wrong check digit
        "    name: Cobre\n"
        "    symbol: co-bre\n"
        "    issuer: '0x1234'\n"
        "    rules: {countries: {allow: [XX]}}\n"
        "    documents: [{name: prospectus, uri: https://x, hash: '0xnothex'}]\n"
        "    offering: {price: '1.0000001', lot: 10, min_per_investor: 5, max_per_investor: 100,"
        " soft_cap: 300, hard_cap: 200, duration: 1d}\n"
        "  - isin: CL000COBRE33\n"  # line 9: good
        "    name: Cobre Andino SA\n"
        "    symbol: COBRE\n"
        "    issuer: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'\n"
        "  - isin: CL000COBRE33\n"  # line 13: duplicate
        "    name: Again\n"
        "    symbol: COBRE\n"
        "    issuer: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'\n"
        "    colour: blue\n"
    )
    with pytest.raises(FileRejected) as rejected:
        parse_issuances(bad)
    problems = rejected.value.problems
    assert "line 2: isin 'CL000COBRE34' is not a valid ISIN (2 letters, 9 characters, check digit)" in problems
    assert "line 2: symbol 'co-bre' must be 1 to 16 letters or digits" in problems
    assert "line 2: issuer '0x1234' is not an address" in problems
    assert "line 2: country 'XX' is not an ISO 3166 code" in problems
    assert "line 2: document 'prospectus': hash '0xnothex' is not a 32-byte hex hash" in problems
    assert "line 2: offering.price '1.0000001' must be a positive amount with at most 6 decimals" in problems
    assert "line 2: offering: minimum, maximum and caps must be whole lots of 10" in problems
    assert "line 2: offering: soft_cap is above hard_cap" in problems
    assert "line 13: isin CL000COBRE33 already on line 9" in problems
    assert "line 13: symbol COBRE already on line 9" in problems
    assert "line 13: unknown field(s) colour" in problems
    assert not any(problem.startswith("line 9:") for problem in problems)


def test_broken_yaml_names_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("securities:\n  - isin: [unclosed\n")
    with pytest.raises(FileRejected, match="line 3: not valid YAML"):
        parse_issuances(bad)


def test_issuers_and_sender_are_checked_before_sending(factory, registry, chain, example_issuers, alice, operator, register):
    issuances = parse_issuances(EXAMPLE)
    with pytest.raises(FileRejected) as rejected:
        check_parties(factory, registry, alice.address, issuances, chain.pending_timestamp)
    assert f"line 10: {alice.address} is neither the issuer nor an operator of the factory" in rejected.value.problems
    check_parties(factory, registry, operator.address, issuances, chain.pending_timestamp)
    unregistered = [issuances[0]] + [issuances[1].__class__(**{**issuances[1].__dict__, "issuer": alice.address})]
    register(alice)  # a natural person, not an issuer
    with pytest.raises(FileRejected, match=f"line 36: issuer {alice.address} is not flagged as an issuer"):
        check_parties(factory, registry, operator.address, unregistered, chain.pending_timestamp)


def test_issue_then_rerun_sends_nothing(factory, project, chain, example_issuers, operator, tmp_path):
    issuances = parse_issuances(EXAMPLE)
    said: list[str] = []
    journal = script_journal(log=said.append, directory=tmp_path)
    report = issue_all(factory, operator, issuances, now=lambda: chain.pending_timestamp, journal=journal)
    assert [i.symbol for i in report.issued] == ["COBRE", "YERBA"] and len(report.offerings) == 1
    assert [line.split(":")[0] for line in said if " in block " in line] == [
        "issue COBRE (CL000COBRE33)", "issue YERBA (AR000YERBA42)", "open the offering of COBRE"]
    cobre, yerba = factory.security_at(0), factory.security_at(1)
    assert (cobre.isin, cobre.status, yerba.status) == ("CL000COBRE33", STATUS_OFFERING, STATUS_LISTED)
    offering = project.Offering.at(cobre.offering, detect_proxy=False)
    assert (offering.price(), offering.lot(), offering.hard_cap()) == (12_500_000, 10, 20_000)
    assert offering.end_time() - offering.start_time() == 14 * 86_400
    token = project.SecurityToken.at(cobre.token, detect_proxy=False)
    assert token.getDocument(b"statutes".ljust(32, b"\0"))[0] == "https://example.org/cobre/statutes.pdf"
    assert project.OrderBook.at(yerba.market, detect_proxy=False).tick_size() == 5_000

    nonce = operator.nonce
    again = issue_all(factory, operator, issuances, now=lambda: chain.pending_timestamp, journal=journal)
    assert again.issued == [] and again.offerings == [] and len(again.skipped) == 2
    assert operator.nonce == nonce and factory.security_count() == 2


def test_issue_script_end_to_end(factory, chain, example_issuers, tmp_path):
    environment = {**os.environ, "APE_FOUNDRY_HOST": chain.provider.uri}
    command = [str(Path(sys.executable).with_name("ape")), "run", "issue", "--network", "ethereum:local:foundry",
               "--account", "TEST::0", "--factory", factory.address]
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("CL000COBRE33", "CL000COBRE34"))
    refused = subprocess.run(command + ["--file", str(bad)], capture_output=True, text=True, env=environment, timeout=300)
    assert refused.returncode != 0
    assert "line 10: isin 'CL000COBRE34' is not a valid ISIN" in refused.stdout + refused.stderr
    assert factory.security_count() == 0
    first = subprocess.run(command + ["--file", str(EXAMPLE)], capture_output=True, text=True, env=environment, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "2 issued, 1 offerings opened, 0 skipped" in first.stdout
    second = subprocess.run(command + ["--file", str(EXAMPLE)], capture_output=True, text=True, env=environment, timeout=300)
    assert "0 issued, 0 offerings opened, 2 skipped" in second.stdout
    assert "skipped line 36: AR000YERBA42 (YERBA) is already issued" in second.stdout
    assert factory.security_count() == 2
