# pragma version ~=0.4.3
"""
@title Keiretsu identity registry
@custom:contract-name identity_registry
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice The permissioned register of investors the platform has verified (KYC). A wallet maps
        to an investor identity: the identity key (taken from the hash of the off-chain KYC
        file), kind (natural person or enterprise), country (ISO 3166-1 numeric), KYC expiry and
        flags (qualified investor, issuer). One identity may own several wallets; wallets with
        the same key are one investor, as in ERC-3643 where wallets point to one identity.

        Each wallet is one packed storage word (see lib/identity_record.vy), so a security
        token checks both parties of a transfer with one call and two storage reads, and a
        registration costs one new storage slot. The identity's data is therefore repeated in
        the word of each of its wallets; `update_identity` keeps them in step.

        The registry is a module of the SecurityToken implementation: the platform's one token
        implementation contract is also its identity registry. Every security is a clone whose
        calls run the implementation's code, so the implementation's account is already warm
        when a transfer asks the registry about both parties: the check costs a warm call
        (100 gas) instead of a cold one (2,600). The records live in the implementation's own
        storage; every registry function refuses to run in a clone's.
"""

from snekmate.auth import access_control

from . import identity_record
from ..interfaces import IIdentityRegistry

uses: access_control


# CONSTANTS #

REGISTRAR_ROLE: public(constant(bytes32)) = keccak256("REGISTRAR_ROLE")

MAX_BATCH: constant(uint256) = 100
MAX_IDENTITY_WALLETS: constant(uint256) = 16
MAX_COUNTRY: constant(uint16) = 999
_SETTABLE_FLAGS: constant(uint8) = identity_record.FLAG_QUALIFIED | identity_record.FLAG_ISSUER


# EVENTS #

# The identity key is the first 20 bytes of `kyc_hash`; `record` is the packed wallet word
# (kind, country, KYC expiry, flags: lib/identity_record.vy), kept whole to keep registration cheap.
event InvestorRegistered:
    wallet: indexed(address)
    kyc_hash: bytes32
    record: uint256

event WalletAdded:
    wallet: indexed(address)
    identity: indexed(bytes20)
    existing_wallet: address

event IdentityUpdated:
    wallet: indexed(address)
    identity: indexed(bytes20)
    kind: uint8
    country: uint16
    kyc_expiry: uint256
    flags: uint8

event WalletRemoved:
    wallet: indexed(address)
    identity: indexed(bytes20)

event IdentityRevoked:
    wallet: indexed(address)
    identity: indexed(bytes20)

event IdentityReinstated:
    wallet: indexed(address)
    identity: indexed(bytes20)


# STORAGE #

_records: HashMap[address, uint256]

# The contract whose storage holds the register: the token implementation, never a clone.
HOME: immutable(IIdentityRegistry)


@deploy
def __init__():
    """
    @dev The deploying contract's admin grants REGISTRAR_ROLE to the operator's registrars.
    """
    HOME = IIdentityRegistry(self)


# REGISTRATION #


@external
def register_investor(wallet: address, kyc_hash: bytes32, kind: uint8, country: uint16, kyc_expiry: uint256, flags: uint8):
    """
    @notice Registers a verified investor's wallet (registrar only).
    @param wallet The investor's wallet; must not be registered yet.
    @param kyc_hash The hash of the off-chain KYC file; its first 20 bytes are the identity key,
           so registering another wallet with the same hash adds a wallet to the same investor.
    @param kind 1 natural person, 2 enterprise.
    @param country ISO 3166-1 numeric code (1..999).
    @param kyc_expiry Unix time the KYC stops being valid; in the future.
    @param flags FLAG_QUALIFIED (1) and/or FLAG_ISSUER (2).
    """
    self._check_registrar()
    self._register(wallet, kyc_hash, kind, country, kyc_expiry, flags)


@external
def batch_register_investors(
    wallets: DynArray[address, MAX_BATCH],
    kyc_hashes: DynArray[bytes32, MAX_BATCH],
    kinds: DynArray[uint8, MAX_BATCH],
    countries: DynArray[uint16, MAX_BATCH],
    kyc_expiries: DynArray[uint256, MAX_BATCH],
    flags: DynArray[uint8, MAX_BATCH],
):
    """
    @notice `register_investor` for up to 100 wallets, all or nothing (registrar only).
    @param wallets The wallets.
    @param kyc_hashes One KYC hash per wallet.
    @param kinds One kind per wallet.
    @param countries One country per wallet.
    @param kyc_expiries One expiry per wallet.
    @param flags One set of flags per wallet.
    """
    self._check_registrar()
    count: uint256 = len(wallets)
    assert (
        len(kyc_hashes) == count
        and len(kinds) == count
        and len(countries) == count
        and len(kyc_expiries) == count
        and len(flags) == count
    ), "registry: length mismatch"
    for i: uint256 in range(count, bound=MAX_BATCH):
        self._register(wallets[i], kyc_hashes[i], kinds[i], countries[i], kyc_expiries[i], flags[i])


@external
def add_wallet(existing_wallet: address, new_wallet: address):
    """
    @notice Gives an investor another wallet, with the same identity and KYC data (registrar only).
    @param existing_wallet A registered wallet of the investor.
    @param new_wallet The wallet to add; must not be registered yet.
    """
    self._check_registrar()
    record: uint256 = self._records[existing_wallet]
    assert record != 0, "registry: wallet not registered"
    self._check_new_wallet(new_wallet)
    self._records[new_wallet] = record
    log WalletAdded(wallet=new_wallet, identity=self._key(record), existing_wallet=existing_wallet)


@external
def update_identity(wallets: DynArray[address, MAX_IDENTITY_WALLETS], kind: uint8, country: uint16, kyc_expiry: uint256, flags: uint8):
    """
    @notice Updates an investor's KYC data on the wallets given, which must all be registered
            and belong to one identity (registrar only). A revoked identity stays revoked.
    @param wallets The investor's wallets.
    @param kind 1 natural person, 2 enterprise.
    @param country ISO 3166-1 numeric code.
    @param kyc_expiry The new KYC expiry; in the future.
    @param flags FLAG_QUALIFIED and/or FLAG_ISSUER.
    """
    self._check_registrar()
    self._check_profile(kind, country, kyc_expiry, flags)
    identity: uint256 = self._identity_of_all(wallets)
    for wallet: address in wallets:
        revoked: uint8 = identity_record._flags(self._records[wallet]) & identity_record.FLAG_REVOKED
        self._records[wallet] = identity_record._pack(identity, country, kind, flags | revoked, kyc_expiry)
        log IdentityUpdated(
            wallet=wallet, identity=self._key_of(identity), kind=kind, country=country, kyc_expiry=kyc_expiry, flags=flags | revoked
        )


@external
def remove_wallet(wallet: address):
    """
    @notice Removes a wallet from the register (registrar only); it can no longer send or
            receive shares. Recover its shares to another wallet of the investor first.
    @param wallet The wallet.
    """
    self._check_registrar()
    record: uint256 = self._records[wallet]
    assert record != 0, "registry: wallet not registered"
    self._records[wallet] = 0
    log WalletRemoved(wallet=wallet, identity=self._key(record))


@external
def revoke_identity(wallets: DynArray[address, MAX_IDENTITY_WALLETS]):
    """
    @notice Revokes an investor's verification on the wallets given, keeping the data so that
            it can be reinstated (registrar only).
    @param wallets The investor's wallets (one identity).
    """
    self._check_registrar()
    identity: uint256 = self._identity_of_all(wallets)
    for wallet: address in wallets:
        record: uint256 = self._records[wallet]
        assert identity_record._flags(record) & identity_record.FLAG_REVOKED == 0, "registry: already revoked"
        self._records[wallet] = record | (convert(identity_record.FLAG_REVOKED, uint256) << 184)
        log IdentityRevoked(wallet=wallet, identity=self._key_of(identity))


@external
def reinstate_identity(wallets: DynArray[address, MAX_IDENTITY_WALLETS]):
    """
    @notice Lifts a revocation (registrar only).
    @param wallets The investor's wallets (one identity).
    """
    self._check_registrar()
    identity: uint256 = self._identity_of_all(wallets)
    for wallet: address in wallets:
        record: uint256 = self._records[wallet]
        assert identity_record._flags(record) & identity_record.FLAG_REVOKED != 0, "registry: not revoked"
        self._records[wallet] = record & ~(convert(identity_record.FLAG_REVOKED, uint256) << 184)
        log IdentityReinstated(wallet=wallet, identity=self._key_of(identity))


# VIEWS #


@view
@external
def isVerified(wallet: address) -> bool:
    """
    @notice True only for a registered wallet whose identity's KYC is unexpired and unrevoked.
    @param wallet The wallet.
    @return Whether the wallet may hold and trade securities.
    """
    self._check_home()
    return identity_record._is_verified(self._records[wallet])


@view
@external
def contains(wallet: address) -> bool:
    """
    @notice Whether the wallet is registered at all (verified or not).
    @param wallet The wallet.
    @return True when registered.
    """
    self._check_home()
    return self._records[wallet] != 0


@view
@external
def wallet_record(wallet: address) -> uint256:
    """
    @notice The wallet's packed record (layout in lib/identity_record.vy); 0 when unregistered.
    @param wallet The wallet.
    @return The record.
    """
    self._check_home()
    return self._records[wallet]


@view
@external
def wallet_records(first: address, second: address) -> (uint256, uint256):
    """
    @notice Both parties' packed records in one call: the security token's transfer check.
    @param first The sender.
    @param second The recipient.
    @return The two records.
    """
    self._check_home()
    return self._records[first], self._records[second]


@view
@external
def identityOf(wallet: address) -> bytes20:
    """
    @notice The investor identity a wallet belongs to (zero when unregistered).
    @param wallet The wallet.
    @return The identity key.
    """
    self._check_home()
    return self._key(self._records[wallet])


@view
@external
def investorCountry(wallet: address) -> uint16:
    """
    @notice The investor's country, ISO 3166-1 numeric (0 when unregistered).
    @param wallet The wallet.
    @return The country code.
    """
    self._check_home()
    return identity_record._country(self._records[wallet])


@view
@external
def investor(wallet: address) -> (bytes20, uint8, uint16, uint256, uint8, bool):
    """
    @notice Everything the register knows about a wallet.
    @param wallet The wallet.
    @return identity key, kind, country, KYC expiry, flags, verified now.
    """
    self._check_home()
    record: uint256 = self._records[wallet]
    return (
        self._key(record),
        identity_record._kind(record),
        identity_record._country(record),
        identity_record._expiry(record),
        identity_record._flags(record),
        identity_record._is_verified(record),
    )


@view
@external
def same_identity(first: address, second: address) -> bool:
    """
    @notice Whether two registered wallets belong to one investor.
    @param first A wallet.
    @param second Another wallet.
    @return True when both are registered to the same identity.
    """
    self._check_home()
    first_record: uint256 = self._records[first]
    return first_record != 0 and identity_record._identity(first_record) == identity_record._identity(self._records[second])


# INTERNALS #


@internal
def _register(wallet: address, kyc_hash: bytes32, kind: uint8, country: uint16, kyc_expiry: uint256, flags: uint8):
    self._check_new_wallet(wallet)
    assert kyc_hash != empty(bytes32), "registry: empty kyc hash"
    self._check_profile(kind, country, kyc_expiry, flags)
    identity: uint256 = convert(kyc_hash, uint256) >> 96
    assert identity != 0, "registry: empty identity key"
    record: uint256 = identity_record._pack(identity, country, kind, flags, kyc_expiry)
    self._records[wallet] = record
    log InvestorRegistered(wallet=wallet, kyc_hash=kyc_hash, record=record)


@internal
@view
def _check_registrar():
    self._check_home()
    access_control._check_role(REGISTRAR_ROLE, msg.sender)


@internal
@view
def _check_home():
    # In a clone the register's storage is the token's own, empty and never written.
    assert self == HOME.address, "registry: not the registry"


@internal
@view
def _check_new_wallet(wallet: address):
    assert wallet != empty(address), "registry: zero wallet"
    assert self._records[wallet] == 0, "registry: wallet already registered"


@internal
@view
def _check_profile(kind: uint8, country: uint16, kyc_expiry: uint256, flags: uint8):
    assert kind == identity_record.KIND_NATURAL_PERSON or kind == identity_record.KIND_ENTERPRISE, "registry: bad kind"
    assert country != 0 and country <= MAX_COUNTRY, "registry: bad country"
    assert kyc_expiry > block.timestamp, "registry: kyc already expired"
    assert kyc_expiry < 1 << 40, "registry: kyc expiry too far"
    assert flags | _SETTABLE_FLAGS == _SETTABLE_FLAGS, "registry: bad flags"


@internal
@view
def _identity_of_all(wallets: DynArray[address, MAX_IDENTITY_WALLETS]) -> uint256:
    """
    @dev The one identity all the wallets are registered to; refuses an empty list, an
         unregistered wallet or a mix of investors.
    """
    assert len(wallets) != 0, "registry: no wallets"
    identity: uint256 = identity_record._identity(self._records[wallets[0]])
    for wallet: address in wallets:
        record: uint256 = self._records[wallet]
        assert record != 0, "registry: wallet not registered"
        assert identity_record._identity(record) == identity, "registry: wallets of several identities"
    return identity


@internal
@pure
def _key(record: uint256) -> bytes20:
    return self._key_of(identity_record._identity(record))


@internal
@pure
def _key_of(identity: uint256) -> bytes20:
    return convert(convert(identity, uint160), bytes20)
