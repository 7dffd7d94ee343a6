"""Onboarding investors from a CSV file: validate every row first, then register in batches."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from keiretsu.countries import country_code
from keiretsu.rules import FLAG_ISSUER, FLAG_QUALIFIED, KINDS, issuer_kind_problem
from keiretsu.transactions import Journal, call

COLUMNS = ["wallet", "kyc_hash", "kind", "country", "kyc_expiry", "qualified", "issuer"]
YES_NO = {"yes": True, "no": False}
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class Investor:
    line: int
    wallet: str
    kyc_hash: bytes
    kind: int
    country: int
    kyc_expiry: int
    flags: int


class FileRejected(ValueError):
    """The file has bad rows; nothing was sent. `problems` lists each with its line number."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} bad row(s), nothing sent:\n" + "\n".join(problems))
        self.problems = problems


def parse_investors(path: Path, today: date | None = None) -> list[Investor]:
    """Reads and validates the whole file; raises FileRejected listing every bad row."""
    today = today or datetime.now(timezone.utc).date()
    problems: list[str] = []
    investors: list[Investor] = []
    seen: dict[str, int] = {}
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise FileRejected([f"line 1: missing column(s) {', '.join(missing)}"])
        for line, row in enumerate(reader, start=2):
            errors, investor = _parse_row(line, row, today)
            if investor and investor.wallet.lower() in seen:
                errors.append(f"wallet already on line {seen[investor.wallet.lower()]}")
            if errors:
                problems += [f"line {line}: {error}" for error in errors]
            elif investor:
                seen[investor.wallet.lower()] = line
                investors.append(investor)
    if problems:
        raise FileRejected(problems)
    return investors


def _parse_row(line: int, row: dict[str, str], today: date) -> tuple[list[str], Investor | None]:
    errors: list[str] = []
    value = {key: (row.get(key) or "").strip() for key in COLUMNS}
    if not _ADDRESS.match(value["wallet"]):
        errors.append(f"wallet {value['wallet']!r} is not an address")
    if not _HASH.match(value["kyc_hash"]) or int(value["kyc_hash"] or "0x0", 16) >> 96 == 0:
        errors.append(f"kyc_hash {value['kyc_hash']!r} is not a 32-byte hex hash")
    kind = KINDS.get(value["kind"].lower())
    if kind is None:
        errors.append(f"kind {value['kind']!r} is not one of {', '.join(KINDS)}")
    country = country_code(value["country"])
    if country is None:
        errors.append(f"country {value['country']!r} is not an ISO 3166 code")
    expiry = None
    try:
        expiry = date.fromisoformat(value["kyc_expiry"])
        if expiry <= today:
            errors.append(f"kyc_expiry {value['kyc_expiry']} is not in the future")
    except ValueError:
        errors.append(f"kyc_expiry {value['kyc_expiry']!r} is not a date (YYYY-MM-DD)")
    flags = 0
    for column, flag in (("qualified", FLAG_QUALIFIED), ("issuer", FLAG_ISSUER)):
        answer = YES_NO.get(value[column].lower())
        if answer is None:
            errors.append(f"{column} {value[column]!r} is not yes or no")
        elif answer:
            flags |= flag
    if kind is not None and flags & FLAG_ISSUER and (problem := issuer_kind_problem(kind)):
        errors.append(f"issuer yes: {problem}")
    if errors:
        return errors, None
    assert kind is not None and country is not None and expiry is not None
    timestamp = int(datetime(expiry.year, expiry.month, expiry.day, tzinfo=timezone.utc).timestamp())
    return [], Investor(line, value["wallet"], bytes.fromhex(value["kyc_hash"][2:]), kind, country, timestamp, flags)


def batches(items: list[Investor], size: int) -> Iterator[list[Investor]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class OnboardingReport:
    registered: list[Investor]
    skipped: list[Investor]


def onboard(
    registry,
    registrar,
    investors: list[Investor],
    batch_size: int = 50,
    *,
    journal: Journal,
) -> OnboardingReport:
    """Registers the investors not registered yet, in batches sent together through `journal`
    (the scripts' is `script_journal`, keiretsu/transactions.py); a re-run registers nothing twice,
    even after a crash with batches in flight: they are resolved before the registry is read."""
    if not 1 <= batch_size <= 100:
        raise ValueError("batch size must be between 1 and 100")
    journal.resume()
    pending = [investor for investor in investors if not registry.contains(investor.wallet)]
    skipped = [investor for investor in investors if investor not in pending]
    steps = [
        call(
            f"register {len(batch)} investors (lines {batch[0].line}-{batch[-1].line})",
            registry.batch_register_investors,
            [i.wallet for i in batch],
            [i.kyc_hash for i in batch],
            [i.kind for i in batch],
            [i.country for i in batch],
            [i.kyc_expiry for i in batch],
            [i.flags for i in batch],
        )
        for batch in batches(pending, batch_size)
    ]
    journal.send(registrar, steps)
    return OnboardingReport(registered=pending, skipped=skipped)
