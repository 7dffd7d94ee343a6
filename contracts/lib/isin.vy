# pragma version ~=0.4.3
"""
@title ISIN validation
@custom:contract-name isin
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice An ISIN (ISO 6166) is 12 characters: a 2-letter country code, 9 letters or digits, and a
        check digit. Letters count as two digits (A = 10 ... Z = 35) and the whole digit string,
        check digit included, must pass the Luhn test.
"""

ISIN_LENGTH: constant(uint256) = 12


@internal
@pure
def _is_valid(code: String[ISIN_LENGTH]) -> bool:
    if len(code) != ISIN_LENGTH:
        return False
    raw: Bytes[ISIN_LENGTH] = convert(code, Bytes[ISIN_LENGTH])
    total: uint256 = 0
    # Luhn walks from the right: the check digit is position 0 and every odd position is doubled.
    position: uint256 = 0
    for offset: uint256 in range(ISIN_LENGTH):
        index: uint256 = ISIN_LENGTH - 1 - offset
        char: uint256 = convert(convert(slice(raw, index, 1), bytes1), uint256)
        value: uint256 = 0
        if char >= 48 and char <= 57:
            value = char - 48
        elif char >= 65 and char <= 90:
            value = char - 55
        else:
            return False
        if index < 2 and value < 10:
            return False
        if index == ISIN_LENGTH - 1 and value >= 10:
            return False
        if value >= 10:
            total += self._luhn_digit(value % 10, position)
            total += self._luhn_digit(value // 10, position + 1)
            position += 2
        else:
            total += self._luhn_digit(value, position)
            position += 1
    return total % 10 == 0


@internal
@pure
def _luhn_digit(digit: uint256, position: uint256) -> uint256:
    if position % 2 == 0:
        return digit
    doubled: uint256 = digit * 2
    if doubled > 9:
        return doubled - 9
    return doubled
