"""ISO 3166-1 countries (keiretsu/rules.json): the registry stores the numeric code; people write
alpha-2 or numeric and read the name."""

from __future__ import annotations

import re

from keiretsu.rules import RULES

COUNTRIES: dict[int, dict] = {country["numeric"]: country for country in RULES["countries"]}
ALPHA2_TO_NUMERIC: dict[str, int] = {country["alpha2"]: country["numeric"] for country in RULES["countries"]}


def country_code(text: str) -> int | None:
    """The numeric code for an alpha-2 code ("CL", "cl") or an ISO numeric code ("152", "076");
    None when it names no country."""
    text = text.strip()
    if re.fullmatch(r"[0-9]{1,3}", text):
        number = int(text)
        return number if number in COUNTRIES else None
    return ALPHA2_TO_NUMERIC.get(text.upper()) if text.isascii() else None


def country_name(code: int) -> str:
    """"Chile" for 152; the bare number for a code outside ISO 3166-1."""
    country = COUNTRIES.get(code)
    return country["name"] if country else str(code)
