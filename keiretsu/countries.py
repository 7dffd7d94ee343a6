"""ISO 3166-1 country codes: the registry stores the numeric code; people write alpha-2."""

from __future__ import annotations

ALPHA2_TO_NUMERIC: dict[str, int] = {
    "AR": 32, "AT": 40, "AU": 36, "BE": 56, "BO": 68, "BR": 76, "CA": 124, "CH": 756, "CL": 152, "CN": 156,
    "CO": 170, "CR": 188, "CZ": 203, "DE": 276, "DK": 208, "DO": 214, "EC": 218, "EE": 233, "ES": 724, "FI": 246,
    "FR": 250, "GB": 826, "GR": 300, "GT": 320, "HK": 344, "HN": 340, "HU": 348, "IE": 372, "IL": 376, "IN": 356,
    "IT": 380, "JP": 392, "KR": 410, "LI": 438, "LT": 440, "LU": 442, "LV": 428, "MT": 470, "MX": 484, "NI": 558,
    "NL": 528, "NO": 578, "NZ": 554, "PA": 591, "PE": 604, "PL": 616, "PT": 620, "PY": 600, "RO": 642, "SE": 752,
    "SG": 702, "SI": 705, "SK": 703, "SV": 222, "TW": 158, "US": 840, "UY": 858, "VE": 862, "ZA": 710,
}


def country_code(text: str) -> int | None:
    """The numeric code for an alpha-2 code or a number from 1 to 999; None when neither."""
    text = text.strip()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 999 else None
    return ALPHA2_TO_NUMERIC.get(text.upper())
