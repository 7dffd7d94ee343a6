"""The registry's packed wallet record (contracts/lib/identity_record.vy), decoded off-chain."""

from typing import NamedTuple


class InvestorRecord(NamedTuple):
    identity: bytes
    kind: int
    country: int
    kyc_expiry: int
    flags: int


def decode_record(record: int) -> InvestorRecord:
    """Splits a wallet word into its fields; the identity key comes back as 20 bytes."""
    return InvestorRecord(
        identity=(record & (2**160 - 1)).to_bytes(20, "big"),
        kind=(record >> 176) & 0xFF,
        country=(record >> 160) & 0xFFFF,
        kyc_expiry=(record >> 192) & (2**40 - 1),
        flags=(record >> 184) & 0xFF,
    )
