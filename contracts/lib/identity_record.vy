# pragma version ~=0.4.3
"""
@title Packed investor record
@custom:contract-name identity_record
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice The IdentityRegistry keeps one storage word per wallet so that a compliant transfer
        reads each party's eligibility with a single cold SLOAD (2,100 gas) instead of one per
        field. Both the registry (which writes it) and the SecurityToken (which reads it) go
        through these helpers, so the layout lives in one place.

        bits   0..159  identity key: bytes20 taken from the identity's KYC hash; equal keys are
                       one investor, whatever the wallet
        bits 160..175  country, ISO 3166-1 numeric
        bits 176..183  kind: KIND_NATURAL_PERSON or KIND_ENTERPRISE
        bits 184..191  flags: FLAG_QUALIFIED, FLAG_ISSUER, FLAG_REVOKED
        bits 192..231  KYC expiry, unix seconds
        A word of zero is an unregistered wallet.
"""

KIND_NATURAL_PERSON: constant(uint8) = 1
KIND_ENTERPRISE: constant(uint8) = 2

FLAG_QUALIFIED: constant(uint8) = 1
FLAG_ISSUER: constant(uint8) = 2
FLAG_REVOKED: constant(uint8) = 128

_MASK_160: constant(uint256) = (1 << 160) - 1
_MASK_40: constant(uint256) = (1 << 40) - 1


@internal
@pure
def _pack(identity: uint256, country: uint16, kind: uint8, flags: uint8, expiry: uint256) -> uint256:
    return (
        (identity & _MASK_160)
        | (convert(country, uint256) << 160)
        | (convert(kind, uint256) << 176)
        | (convert(flags, uint256) << 184)
        | ((expiry & _MASK_40) << 192)
    )


@internal
@pure
def _identity(record: uint256) -> uint256:
    return record & _MASK_160


@internal
@pure
def _country(record: uint256) -> uint16:
    return convert((record >> 160) & 65535, uint16)


@internal
@pure
def _kind(record: uint256) -> uint8:
    return convert((record >> 176) & 255, uint8)


@internal
@pure
def _flags(record: uint256) -> uint8:
    return convert((record >> 184) & 255, uint8)


@internal
@pure
def _expiry(record: uint256) -> uint256:
    return (record >> 192) & _MASK_40


@internal
@view
def _is_verified(record: uint256) -> bool:
    """
    @dev Registered, KYC not expired, identity not revoked.
    """
    return (record >> 192) & _MASK_40 > block.timestamp and (record >> 184) & 128 == 0
