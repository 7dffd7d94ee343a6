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


FLAG_ISSUER, FLAG_REVOKED = 2, 128
KIND_ENTERPRISE = 2


def issuer_problem(record: int, now: int) -> str | None:
    """Why a wallet may not issue securities (the factory's own checks, in words), or None."""
    if record == 0:
        return "is not registered"
    fields = decode_record(record)
    if fields.flags & FLAG_REVOKED:
        return "has a revoked identity"
    if fields.kyc_expiry <= now:
        return "has an expired KYC"
    if not fields.flags & FLAG_ISSUER:
        return "is not flagged as an issuer"
    if fields.kind != KIND_ENTERPRISE:
        return "is not an enterprise"
    return None
