"""ISIN (ISO 6166) check digits, the same rule as contracts/lib/isin.vy."""

import re

_SHAPE = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")


def _digits(payload: str) -> str:
    return "".join(str(int(char, 36)) for char in payload)


def check_digit(payload: str) -> str:
    """The check digit for the first 11 characters of an ISIN."""
    digits = _digits(payload.upper())
    total = 0
    # The check digit will be position 0, so the payload's rightmost digit is doubled.
    for position, char in enumerate(reversed(digits), start=1):
        value = int(char) * (2 if position % 2 == 1 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def make_isin(payload: str) -> str:
    """Completes 11 characters (country + national code) into a full ISIN."""
    return payload.upper() + check_digit(payload)


def is_valid_isin(code: str) -> bool:
    """Format and check digit."""
    return bool(_SHAPE.match(code)) and check_digit(code[:11]) == code[11]
