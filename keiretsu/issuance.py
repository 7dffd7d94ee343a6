"""Scripted issuances from a YAML file: validate every entry first, then issue what is not issued yet.

Each entry creates a security (token, rules, documents, market) and, optionally, its primary
offering. Entries are keyed by ISIN: a re-run skips a security that is already listed and only
creates its offering if that step never happened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from keiretsu.countries import country_code
from keiretsu.isin import is_valid_isin
from keiretsu.onboarding import FileRejected
from keiretsu.records import issuer_problem
from keiretsu.rules import SYMBOL_RULE, parse_symbol
from keiretsu.transactions import Journal, call

COUNTRY_RULES = {"allow": 1, "block": 2}
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_ENTRY_KEYS = {"isin", "name", "symbol", "issuer", "decimals", "market", "rules", "documents", "offering"}
_OFFERING_KEYS = {"price", "lot", "min_per_investor", "max_per_investor", "soft_cap", "hard_cap",
                  "start", "starts_in", "end", "duration"}
MAX_DOCUMENTS = 8
MAX_COUNTRIES = 64
UINT96 = 2**96 - 1


@dataclass(frozen=True)
class OfferingPlan:
    """Offering terms; times are either absolute (unix seconds) or relative to the chain's clock."""

    price: int
    lot: int
    min_per_investor: int
    max_per_investor: int
    soft_cap: int
    hard_cap: int
    start: int | None
    starts_in: int
    end: int | None
    duration: int | None

    def terms(self, now: int) -> tuple:
        """The OfferingTerms tuple, with relative times resolved against `now`."""
        start = self.start if self.start is not None else now + self.starts_in
        end = self.end if self.end is not None else start + (self.duration or 0)
        return (self.price, self.lot, self.min_per_investor, self.max_per_investor,
                self.soft_cap, self.hard_cap, start, end)


@dataclass(frozen=True)
class Issuance:
    line: int
    isin: str
    name: str
    symbol: str
    issuer: str
    decimals: int
    lot_size: int
    tick_size: int
    lockup_end: int
    holder_accounting: bool
    max_holders: int
    max_balance: int
    country_rule: int
    countries: list[int]
    documents: list[tuple[bytes, str, bytes]]
    offering: OfferingPlan | None

    def request(self) -> tuple:
        """The IssuanceFactory's IssuanceRequest tuple."""
        return (self.isin, self.name, self.symbol, self.decimals, self.issuer, self.lockup_end,
                self.holder_accounting, self.max_holders, self.max_balance, self.country_rule,
                self.countries, self.documents, self.lot_size, self.tick_size)


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's first line (1-based) under the key `__line__`."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def parse_issuances(path: Path, cash_decimals: int = 6) -> list[Issuance]:
    """Reads and validates the whole file; raises FileRejected listing every problem with its line."""
    try:
        document = yaml.load(path.read_text(), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise FileRejected([f"{where}not valid YAML ({getattr(error, 'problem', error)})"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("securities"), list):
        raise FileRejected(["line 1: the file must have a list under `securities:`"])
    problems: list[str] = []
    issuances: list[Issuance] = []
    seen_isin: dict[str, int] = {}
    seen_symbol: dict[str, int] = {}
    for entry in document["securities"]:
        if not isinstance(entry, dict):
            problems.append("an entry of `securities` is not a mapping")
            continue
        line = entry["__line__"]
        errors: list[str] = []
        issuance = _parse_entry(entry, cash_decimals, errors)
        for label, seen in (("isin", seen_isin), ("symbol", seen_symbol)):
            key = str(entry.get(label, "")).strip().upper()
            if key in seen:
                errors.append(f"{label} {key} already on line {seen[key]}")
            seen.setdefault(key, line)
        if errors:
            problems += [f"line {line}: {error}" for error in errors]
        elif issuance:
            issuances.append(issuance)
    if problems:
        raise FileRejected(problems)
    return issuances


def _parse_entry(entry: dict[str, Any], cash_decimals: int, errors: list[str]) -> Issuance | None:
    unknown = sorted(set(entry) - _ENTRY_KEYS - {"__line__"})
    if unknown:
        errors.append(f"unknown field(s) {', '.join(unknown)}")
    isin = str(entry.get("isin", ""))
    if not is_valid_isin(isin):
        errors.append(f"isin {isin!r} is not a valid ISIN (2 letters, 9 characters, check digit)")
    name, written_symbol = str(entry.get("name", "")), str(entry.get("symbol", ""))
    if not 1 <= len(name) <= 64:
        errors.append("name must have 1 to 64 characters")
    symbol = parse_symbol(written_symbol) or ""
    if not symbol:
        errors.append(f"symbol {written_symbol!r} must be {SYMBOL_RULE}")
    issuer = str(entry.get("issuer", ""))
    if not _ADDRESS.match(issuer):
        errors.append(f"issuer {issuer!r} is not an address")
    decimals = _integer(entry.get("decimals", 0), "decimals", errors, maximum=18)

    market = _section(entry, "market", errors)
    lot_size = _integer(market.get("lot_size", 1), "market.lot_size", errors, minimum=1, maximum=2**48 - 1)
    tick_size = _integer(market.get("tick_size", 10_000), "market.tick_size", errors, minimum=1, maximum=2**48 - 1)

    rules = _section(entry, "rules", errors)
    lockup_end = _timestamp(rules["lockup_end"], "rules.lockup_end", errors) if "lockup_end" in rules else 0
    max_holders = _integer(rules.get("max_holders", 0), "rules.max_holders", errors)
    max_balance = _integer(rules.get("max_balance", 0), "rules.max_balance", errors)
    holder_accounting = bool(rules.get("holder_accounting", max_holders != 0))
    if max_holders and not holder_accounting:
        errors.append("rules.max_holders needs rules.holder_accounting")
    country_rule, countries = 0, []
    if "countries" in rules:
        country_rule, countries = _countries(rules["countries"], errors)

    documents = [_document(item, errors) for item in entry.get("documents") or []]
    if len(documents) > MAX_DOCUMENTS:
        errors.append(f"at most {MAX_DOCUMENTS} documents at issuance")
    offering = _offering(entry["offering"], cash_decimals, lot_size, errors) if "offering" in entry else None
    if errors:
        return None
    return Issuance(
        line=entry["__line__"], isin=isin, name=name, symbol=symbol, issuer=issuer, decimals=decimals,
        lot_size=lot_size, tick_size=tick_size, lockup_end=lockup_end, holder_accounting=holder_accounting,
        max_holders=max_holders, max_balance=max_balance, country_rule=country_rule, countries=countries,
        documents=[d for d in documents if d], offering=offering,
    )


def _section(entry: dict[str, Any], key: str, errors: list[str]) -> dict[str, Any]:
    value = entry.get(key) or {}
    if not isinstance(value, dict):
        errors.append(f"{key} must be a mapping")
        return {}
    return value


def _integer(value: Any, label: str, errors: list[str], minimum: int = 0, maximum: int = UINT96) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        errors.append(f"{label} {value!r} must be a whole number from {minimum:,} to {maximum:,}")
        return minimum
    return value


def _timestamp(value: Any, label: str, errors: list[str]) -> int:
    """A date or date-time (YAML reads `2027-01-31` as a date) as unix seconds, UTC."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return int(moment.timestamp())
    if hasattr(value, "isoformat"):
        return int(datetime(value.year, value.month, value.day, tzinfo=timezone.utc).timestamp())
    errors.append(f"{label} {value!r} is not a date (YYYY-MM-DD) or date-time")
    return 0


def _duration(value: Any, label: str, errors: list[str]) -> int:
    match = _DURATION.match(str(value).strip())
    if not match:
        errors.append(f"{label} {value!r} is not a duration such as 90s, 30m, 2h, 14d or 2w")
        return 0
    return int(match.group(1)) * _SECONDS[match.group(2)]


def _countries(value: Any, errors: list[str]) -> tuple[int, list[int]]:
    if not isinstance(value, dict) or len(set(value) - {"__line__"}) != 1 or not (set(value) & set(COUNTRY_RULES)):
        errors.append("rules.countries must be `allow: [..]` or `block: [..]`")
        return 0, []
    rule = next(key for key in value if key in COUNTRY_RULES)
    codes = []
    for item in value[rule] or []:
        code = country_code(str(item))
        if code is None:
            errors.append(f"country {item!r} is not an ISO 3166 code")
        codes.append(code or 0)
    if not 1 <= len(codes) <= MAX_COUNTRIES:
        errors.append(f"rules.countries.{rule} must list 1 to {MAX_COUNTRIES} countries")
    return COUNTRY_RULES[rule], codes


def _document(item: Any, errors: list[str]) -> tuple[bytes, str, bytes] | None:
    if not isinstance(item, dict):
        errors.append("each document needs name, uri and hash")
        return None
    name, uri, digest = str(item.get("name", "")), str(item.get("uri", "")), str(item.get("hash", ""))
    problems = len(errors)
    if not 1 <= len(name.encode()) <= 32:
        errors.append(f"document name {name!r} must have 1 to 32 bytes")
    if not 1 <= len(uri) <= 256:
        errors.append(f"document {name!r}: uri must have 1 to 256 characters")
    if not _HASH.match(digest):
        errors.append(f"document {name!r}: hash {digest!r} is not a 32-byte hex hash")
    if len(errors) > problems:
        return None
    return name.encode().ljust(32, b"\0"), uri, bytes.fromhex(digest[2:])


def _offering(section: Any, cash_decimals: int, lot_size: int, errors: list[str]) -> OfferingPlan | None:
    if not isinstance(section, dict):
        errors.append("offering must be a mapping")
        return None
    unknown = sorted(set(section) - _OFFERING_KEYS - {"__line__"})
    if unknown:
        errors.append(f"offering: unknown field(s) {', '.join(unknown)}")
    price = _amount(section.get("price"), cash_decimals, errors)
    numbers = {key: _integer(section.get(key), f"offering.{key}", errors, minimum=1)
               for key in ("lot", "max_per_investor", "soft_cap", "hard_cap")}
    minimum = _integer(section.get("min_per_investor", 0), "offering.min_per_investor", errors)
    lot = numbers["lot"]
    if any(value % lot for value in (minimum, numbers["max_per_investor"], numbers["soft_cap"], numbers["hard_cap"])):
        errors.append(f"offering: minimum, maximum and caps must be whole lots of {lot}")
    if numbers["soft_cap"] > numbers["hard_cap"]:
        errors.append("offering: soft_cap is above hard_cap")
    if minimum > numbers["max_per_investor"] or numbers["max_per_investor"] > numbers["hard_cap"]:
        errors.append("offering: needs min_per_investor <= max_per_investor <= hard_cap")
    if "start" in section and "starts_in" in section:
        errors.append("offering: give start or starts_in, not both")
    if ("end" in section) == ("duration" in section):
        errors.append("offering: give exactly one of end or duration")
    start = _timestamp(section["start"], "offering.start", errors) if "start" in section else None
    end = _timestamp(section["end"], "offering.end", errors) if "end" in section else None
    starts_in = _duration(section["starts_in"], "offering.starts_in", errors) if "starts_in" in section else 0
    duration = _duration(section["duration"], "offering.duration", errors) if "duration" in section else None
    if start is not None and end is not None and start >= end:
        errors.append("offering: start is not before end")
    if duration == 0:
        errors.append("offering: duration must be positive")
    return OfferingPlan(price, lot, minimum, numbers["max_per_investor"], numbers["soft_cap"], numbers["hard_cap"],
                        start, starts_in, end, duration)


def _amount(value: Any, decimals: int, errors: list[str]) -> int:
    """A cash amount written in whole units ("12.50") as base units of a token with `decimals`."""
    try:
        amount = Decimal(str(value)) * 10**decimals
    except InvalidOperation:
        amount = Decimal(-1)
    if value is None or amount <= 0 or amount != amount.to_integral_value() or amount > UINT96:
        errors.append(f"offering.price {value!r} must be a positive amount with at most {decimals} decimals")
        return 1
    return int(amount)


@dataclass
class IssuanceReport:
    issued: list[Issuance] = field(default_factory=list)
    offerings: list[Issuance] = field(default_factory=list)
    skipped: list[Issuance] = field(default_factory=list)


def check_parties(factory: Any, registry: Any, sender: str, issuances: list[Issuance], now: int) -> None:
    """Refuses the file (nothing sent) when an issuer is not a verified enterprise issuer or when
    `sender` may not issue for it (neither that issuer nor an operator of the factory)."""
    operator = factory.hasRole(factory.OPERATOR_ROLE(), sender)
    problems = [f"line {i.line}: issuer {i.issuer} {problem}" for i in issuances
                if (problem := issuer_problem(registry.wallet_record(i.issuer), now))]
    problems += [f"line {i.line}: {sender} is neither the issuer nor an operator of the factory" for i in issuances
                 if not operator and i.issuer.lower() != str(sender).lower()]
    if problems:
        raise FileRejected(problems)


def issue_all(
    factory: Any,
    sender: Any,
    issuances: list[Issuance],
    now: Callable[[], int],
    *,
    journal: Journal,
) -> IssuanceReport:
    """Issues every security not listed yet and creates each missing offering; a re-run sends
    nothing. The issuances are sent together, then the offerings of the new tokens, through
    `journal` (the scripts' is `script_journal`, keiretsu/transactions.py): a transaction an earlier
    run left in flight is resolved before the listing is read, so none is sent twice."""
    journal.resume()
    report = IssuanceReport()
    listed = {factory.security_at(i).isin: factory.security_at(i) for i in range(factory.security_count())}
    zero = "0x" + "0" * 40
    new = [issuance for issuance in issuances if issuance.isin not in listed]
    journal.send(sender, [
        call(f"issue {issuance.symbol} ({issuance.isin})", factory.issue_security, issuance.request()) for issuance in new
    ])
    report.issued = new
    # From the listing, not the call's return value: that needs debug tracing, which production
    # nodes do not expose.
    listings = {issuance.isin: listed.get(issuance.isin) or factory.security_by_isin(issuance.isin) for issuance in issuances}
    report.offerings = [i for i in issuances if i.offering and listings[i.isin].offering == zero]
    journal.send(sender, [
        call(f"open the offering of {i.symbol}", factory.create_offering, listings[i.isin].token, i.offering.terms(now()))
        for i in report.offerings
    ])
    report.skipped = [i for i in issuances if i.isin in listed and i not in report.offerings]
    return report
