# pragma version ~=0.4.3
"""
@title Keiretsu issuance factory and securities listing
@custom:contract-name IssuanceFactory
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice Takes an SME from "onboarded issuer" to "listed security" in one transaction: clones the
        security token, configures its rules, agents and documents, clones its market (the order
        book, given the token's MARKET_ROLE), lets the platform's dividend and vote contracts take
        record dates, and lists it under its ISIN. Later, `create_offering` clones a primary
        offering for the security and gives it the token's MINTER_ROLE.
        The listing is enumerable (count, by index, by ISIN, by token, by symbol) for the dApp.
        A symbol is 1 to 16 capital letters or digits (keiretsu/rules.json) and names one security.

        The factory keeps the admin role on the tokens and markets it creates, beside the platform
        operator, so that listing status changes reach the market in the same call.
"""

from snekmate.auth import access_control
from snekmate.auth.interfaces import IAccessControl

import lib.identity_record as identity_record
import lib.isin as isin
import interfaces.IIdentityRegistry as IIdentityRegistry

initializes: access_control

exports: (
    access_control.supportsInterface,
    access_control.DEFAULT_ADMIN_ROLE,
    access_control.hasRole,
    access_control.getRoleAdmin,
    access_control.grantRole,
    access_control.revokeRole,
    access_control.renounceRole,
)


# INTERFACES #

struct TokenSetup:
    name: String[64]
    symbol: String[16]
    decimals: uint8
    admin: address
    issuer: address
    agent: address
    lockup_end: uint256
    holder_accounting: bool
    max_holders: uint256
    max_balance: uint256


interface ISecurityTokenSetup:
    def initialize(setup: TokenSetup): nonpayable
    def set_compliance_rules(lockup_end: uint256, max_holders: uint256, max_balance: uint256, country_rule: uint8): nonpayable
    def set_countries(countries: DynArray[uint16, MAX_COUNTRIES], listed: bool): nonpayable
    def setDocument(doc_name: bytes32, uri: String[256], document_hash: bytes32): nonpayable
    def grantRole(role: bytes32, account: address): nonpayable


interface IMarketSetup:
    def initialize(
        token: address,
        cash: address,
        lot_size: uint256,
        tick_size: uint256,
        admin: address,
        issuer: address,
        fee_recipient: address,
        maker_fee_bps: uint256,
        taker_fee_bps: uint256,
    ): nonpayable
    def halt(): nonpayable
    def resume(): nonpayable
    def delist(): nonpayable


struct OfferingSetup:
    security_token: address
    cash_token: address
    issuer: address
    price: uint256
    lot: uint256
    min_per_investor: uint256
    max_per_investor: uint256
    soft_cap: uint256
    hard_cap: uint256
    start_time: uint256
    end_time: uint256


interface ICorporateActions:
    def list_security(token: address): nonpayable


interface IOfferingSetup:
    def initialize(setup: OfferingSetup): nonpayable
    def state() -> uint8: view


# CONSTANTS #

OPERATOR_ROLE: public(constant(bytes32)) = keccak256("OPERATOR_ROLE")
_MARKET_ROLE: constant(bytes32) = keccak256("MARKET_ROLE")
_MINTER_ROLE: constant(bytes32) = keccak256("MINTER_ROLE")
_RECORDER_ROLE: constant(bytes32) = keccak256("RECORDER_ROLE")
_ISSUER_ROLE: constant(bytes32) = keccak256("ISSUER_ROLE")
# Offering.STATE_SUCCEEDED and later: the offering is finished and its security trades.
_OFFERING_FINISHED: constant(uint8) = 3

MAX_COUNTRIES: constant(uint256) = 64
# The symbol rule of keiretsu/rules.json: 1 to 16 capital letters or digits.
MAX_SYMBOL_LENGTH: constant(uint256) = 16
_CASE_OFFSET: constant(uint256) = 32  # "a" - "A" in ASCII
MAX_DOCUMENTS_AT_ISSUANCE: constant(uint256) = 8

STATUS_OFFERING: public(constant(uint8)) = 1
STATUS_LISTED: public(constant(uint8)) = 2
STATUS_HALTED: public(constant(uint8)) = 3
STATUS_DELISTED: public(constant(uint8)) = 4


# STRUCTS #

struct DocumentInput:
    name: bytes32
    uri: String[256]
    document_hash: bytes32


struct IssuanceRequest:
    isin: String[12]
    name: String[64]
    symbol: String[16]
    decimals: uint8
    issuer: address
    lockup_end: uint256
    holder_accounting: bool
    max_holders: uint256
    max_balance: uint256
    country_rule: uint8
    countries: DynArray[uint16, MAX_COUNTRIES]
    documents: DynArray[DocumentInput, MAX_DOCUMENTS_AT_ISSUANCE]
    lot_size: uint256
    tick_size: uint256


struct OfferingTerms:
    price: uint256
    lot: uint256
    min_per_investor: uint256
    max_per_investor: uint256
    soft_cap: uint256
    hard_cap: uint256
    start_time: uint256
    end_time: uint256


struct Listing:
    isin: String[12]
    token: address
    issuer: address
    market: address
    offering: address
    status: uint8
    listed_at: uint256


# EVENTS #

event SecurityIssued:
    token: indexed(address)
    issuer: indexed(address)
    isin: String[12]
    symbol: String[16]
    index: uint256

event OfferingCreated:
    token: indexed(address)
    offering: indexed(address)
    index: uint256

event ListingStatusChanged:
    token: indexed(address)
    status: uint8
    sender: indexed(address)

event PlatformAgentChanged:
    agent: indexed(address)

event OperatorHaltChanged:
    token: indexed(address)
    operator_halt: bool


# STORAGE #

# The identity registry: the token implementation.
REGISTRY: public(immutable(address))
TOKEN_IMPLEMENTATION: public(immutable(address))
MARKET_IMPLEMENTATION: public(immutable(address))
OFFERING_IMPLEMENTATION: public(immutable(address))
# The platform's settlement stablecoin: every market and offering trades against it.
CASH_TOKEN: public(immutable(address))
# The platform-wide corporate-action contracts: each security gives them its RECORDER_ROLE.
DIVIDENDS: public(immutable(address))
SHAREHOLDER_VOTES: public(immutable(address))
# The platform operator that deployed the factory: admin of every security beside the factory.
PLATFORM_ADMIN: public(immutable(address))

# The operator's transfer agent: AGENT_ROLE (freeze, recovery, forced transfer) on every security.
platform_agent: public(address)
security_count: public(uint256)
# Securities halted by an operator: only an operator resumes them, not their issuer.
halted_by_operator: public(HashMap[address, bool])

_listings: HashMap[uint256, Listing]
# Index + 1, so that 0 means "not listed".
_position_by_token: HashMap[address, uint256]
_position_by_isin: HashMap[bytes32, uint256]
# Keyed by the symbol's bytes as one left-aligned word: the charset has no zero byte, so the word
# names the symbol alone, and costs no hash.
_position_by_symbol: HashMap[bytes32, uint256]


@deploy
def __init__(
    token_implementation_: address,
    market_implementation_: address,
    offering_implementation_: address,
    cash_token_: address,
    dividends_: address,
    shareholder_votes_: address,
    platform_agent_: address,
):
    """
    @param token_implementation_ The SecurityToken implementation that securities are clones of;
           it is also the identity registry every security checks.
    @param market_implementation_ The OrderBook implementation that markets are clones of.
    @param offering_implementation_ The Offering implementation that offerings are clones of.
    @param cash_token_ The settlement stablecoin of every market and offering.
    @param dividends_ The dividend contract, given RECORDER_ROLE on every security.
    @param shareholder_votes_ The vote contract, given RECORDER_ROLE on every security.
    @param platform_agent_ The operator's transfer agent, given AGENT_ROLE on every security.
    """
    access_control.__init__()
    access_control._grant_role(OPERATOR_ROLE, msg.sender)
    REGISTRY = token_implementation_
    PLATFORM_ADMIN = msg.sender
    TOKEN_IMPLEMENTATION = token_implementation_
    MARKET_IMPLEMENTATION = market_implementation_
    OFFERING_IMPLEMENTATION = offering_implementation_
    CASH_TOKEN = cash_token_
    DIVIDENDS = dividends_
    SHAREHOLDER_VOTES = shareholder_votes_
    self.platform_agent = platform_agent_
    log PlatformAgentChanged(agent=platform_agent_)


@external
def issue_security(request: IssuanceRequest) -> address:
    """
    @notice Issues a security: clones the token, configures it, creates its market and lists it.
    @dev Only a verified issuer (an enterprise with the issuer flag) for itself, or an account
         with OPERATOR_ROLE on the issuer's behalf.
    @param request The ISIN, name, symbol, decimals, issuer, lock-up, holder rules, country rule
           and list, the documents to publish, and the market's lot size (token base units per
           lot) and tick size (cash base units per lot per tick).
    @return The security token's address.
    """
    if msg.sender != request.issuer:
        access_control._check_role(OPERATOR_ROLE, msg.sender)
    record: uint256 = staticcall IIdentityRegistry(REGISTRY).wallet_record(request.issuer)
    assert identity_record._is_verified(record), "factory: issuer not verified"
    assert identity_record._flags(record) & identity_record.FLAG_ISSUER != 0, "factory: not an issuer"
    assert identity_record._kind(record) == identity_record.KIND_ENTERPRISE, "factory: issuer not an enterprise"
    assert isin._is_valid(request.isin), "factory: invalid isin"
    isin_key: bytes32 = keccak256(request.isin)
    assert self._position_by_isin[isin_key] == 0, "factory: isin already listed"
    assert len(request.symbol) != 0 and len(request.name) != 0, "factory: empty name or symbol"
    symbol_key: bytes32 = self._symbol_key(request.symbol, False)
    assert symbol_key != empty(bytes32), "factory: invalid symbol"
    assert self._position_by_symbol[symbol_key] == 0, "factory: symbol already listed"

    token: address = create_minimal_proxy_to(TOKEN_IMPLEMENTATION)
    extcall ISecurityTokenSetup(token).initialize(
        TokenSetup(
            name=request.name,
            symbol=request.symbol,
            decimals=request.decimals,
            admin=PLATFORM_ADMIN,
            issuer=request.issuer,
            agent=self.platform_agent,
            lockup_end=request.lockup_end,
            holder_accounting=request.holder_accounting,
            max_holders=request.max_holders,
            max_balance=request.max_balance,
        )
    )
    if len(request.countries) != 0:
        extcall ISecurityTokenSetup(token).set_countries(request.countries, True)
    if request.country_rule != 0:
        extcall ISecurityTokenSetup(token).set_compliance_rules(
            request.lockup_end, request.max_holders, request.max_balance, request.country_rule
        )
    for document: DocumentInput in request.documents:
        extcall ISecurityTokenSetup(token).setDocument(document.name, document.uri, document.document_hash)
    extcall ISecurityTokenSetup(token).grantRole(_RECORDER_ROLE, DIVIDENDS)
    extcall ISecurityTokenSetup(token).grantRole(_RECORDER_ROLE, SHAREHOLDER_VOTES)
    extcall ICorporateActions(DIVIDENDS).list_security(token)
    extcall ICorporateActions(SHAREHOLDER_VOTES).list_security(token)

    market: address = create_minimal_proxy_to(MARKET_IMPLEMENTATION)
    # Trading halts go through the listing (halt/resume), so the market has no issuer role of its own.
    extcall IMarketSetup(market).initialize(
        token, CASH_TOKEN, request.lot_size, request.tick_size, PLATFORM_ADMIN, empty(address), empty(address), 0, 0
    )
    extcall ISecurityTokenSetup(token).grantRole(_MARKET_ROLE, market)

    index: uint256 = self.security_count
    self._listings[index] = Listing(
        isin=request.isin,
        token=token,
        issuer=request.issuer,
        market=market,
        offering=empty(address),
        status=STATUS_LISTED,
        listed_at=block.timestamp,
    )
    self.security_count = index + 1
    self._position_by_token[token] = index + 1
    self._position_by_isin[isin_key] = index + 1
    self._position_by_symbol[symbol_key] = index + 1
    log SecurityIssued(token=token, issuer=request.issuer, isin=request.isin, symbol=request.symbol, index=index)
    return token


@external
def halt(token: address):
    """
    @notice Suspends trading in a listed security (a holder of the token's ISSUER_ROLE or an
            operator). Only an operator lifts a halt an operator imposed; an operator may also
            take over a halt the issuer imposed, which the issuer then no longer lifts.
    @param token The security.
    """
    index: uint256 = self._index_of(token)
    by_operator: bool = self._check_issuer_or_operator(token)
    status: uint8 = self._status(index)
    if status == STATUS_HALTED and by_operator and not self.halted_by_operator[token]:
        self._set_operator_halt(token, True)
        return
    assert status in [STATUS_OFFERING, STATUS_LISTED], "factory: not trading"
    if by_operator:
        self._set_operator_halt(token, True)
    self._set_status(index, token, STATUS_HALTED)
    extcall IMarketSetup(self._listings[index].market).halt()


@external
def resume(token: address):
    """
    @notice Resumes trading in a halted security: an operator, or a holder of the token's
            ISSUER_ROLE when the issuer imposed the halt.
    @param token The security.
    """
    index: uint256 = self._index_of(token)
    if self.halted_by_operator[token]:
        assert access_control.hasRole[OPERATOR_ROLE][msg.sender], "factory: halted by the operator"
        self._set_operator_halt(token, False)
    else:
        self._check_issuer_or_operator(token)
    assert self._listings[index].status == STATUS_HALTED, "factory: not halted"
    self._set_status(index, token, STATUS_OFFERING if self._offering_running(self._listings[index].offering) else STATUS_LISTED)
    extcall IMarketSetup(self._listings[index].market).resume()


@external
def delist(token: address):
    """
    @notice Ends the listing for good (operator only); a delisted security cannot trade.
    @param token The security.
    """
    access_control._check_role(OPERATOR_ROLE, msg.sender)
    index: uint256 = self._index_of(token)
    assert self._listings[index].status != STATUS_DELISTED, "factory: already delisted"
    self._set_status(index, token, STATUS_DELISTED)
    extcall IMarketSetup(self._listings[index].market).delist()


@external
def create_offering(token: address, terms: OfferingTerms) -> address:
    """
    @notice Opens a primary offering of a listed security: clones the offering, gives it the
            token's MINTER_ROLE and records it in the listing, whose status is STATUS_OFFERING
            until the offering is finished (succeeded, failed or cancelled).
    @dev Only a holder of the token's ISSUER_ROLE, who then receives the proceeds, or an account
         with OPERATOR_ROLE on behalf of the issuer recorded in the listing, which must still hold
         the role; one offering at a time.
    @param token The security.
    @param terms Price in cash base units per lot, lot in share base units, minimum and maximum
           per investor, soft and hard cap (share base units, whole lots), start and end time.
    @return The offering's address.
    """
    index: uint256 = self._index_of(token)
    issuer: address = msg.sender
    if self._check_issuer_or_operator(token):
        # The listing's issuer may have been revoked since: its key must not receive the cash.
        issuer = self._listings[index].issuer
        assert staticcall IAccessControl(token).hasRole(_ISSUER_ROLE, issuer), "factory: issuer revoked"
    status: uint8 = self._status(index)
    assert status != STATUS_OFFERING, "factory: offering in progress"
    assert status == STATUS_LISTED, "factory: not trading"

    offering: address = create_minimal_proxy_to(OFFERING_IMPLEMENTATION)
    self._listings[index].offering = offering
    self._set_status(index, token, STATUS_OFFERING)
    log OfferingCreated(token=token, offering=offering, index=index)
    extcall IOfferingSetup(offering).initialize(
        OfferingSetup(
            security_token=token,
            cash_token=CASH_TOKEN,
            issuer=issuer,
            price=terms.price,
            lot=terms.lot,
            min_per_investor=terms.min_per_investor,
            max_per_investor=terms.max_per_investor,
            soft_cap=terms.soft_cap,
            hard_cap=terms.hard_cap,
            start_time=terms.start_time,
            end_time=terms.end_time,
        )
    )
    extcall ISecurityTokenSetup(token).grantRole(_MINTER_ROLE, offering)
    return offering


@external
def set_platform_agent(agent: address):
    """
    @notice Changes the transfer agent given to securities issued from now on (admin only).
    @param agent The new agent.
    """
    access_control._check_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    assert agent != empty(address), "factory: zero agent"
    self.platform_agent = agent
    log PlatformAgentChanged(agent=agent)


@view
@external
def security_at(index: uint256) -> Listing:
    """
    @notice The listing at a position, in issuance order.
    @param index From 0 to security_count - 1.
    @return The listing.
    """
    assert index < self.security_count, "factory: index out of range"
    return self._listing(index)


@view
@external
def security_by_isin(code: String[12]) -> Listing:
    """
    @notice The listing of an ISIN.
    @param code The ISIN.
    @return The listing.
    """
    position: uint256 = self._position_by_isin[keccak256(code)]
    assert position != 0, "factory: unknown isin"
    return self._listing(position - 1)


@view
@external
def security_by_token(token: address) -> Listing:
    """
    @notice The listing of a token.
    @param token The security token.
    @return The listing.
    """
    return self._listing(self._index_of(token))


@view
@external
def security_by_symbol(symbol: String[MAX_SYMBOL_LENGTH]) -> address:
    """
    @notice The security listed under a symbol, in any case: "andes" finds ANDES.
    @param symbol The ticker symbol.
    @return The security token, or the zero address when no security has this symbol.
    """
    position: uint256 = self._position_by_symbol[self._symbol_key(symbol, True)]
    if position == 0:
        return empty(address)
    return self._listings[position - 1].token


@pure
@external
def is_valid_isin(code: String[12]) -> bool:
    """
    @notice Checks an ISIN's format and check digit.
    @param code The candidate ISIN.
    @return True when valid.
    """
    return isin._is_valid(code)


@internal
@pure
def _symbol_key(symbol: String[MAX_SYMBOL_LENGTH], fold_case: bool) -> bytes32:
    """
    @dev The symbol's bytes as one left-aligned word, its lower-case letters made capitals when
         `fold_case`; the zero word when a byte is not a capital letter or a digit (nor a small
         letter, when folding), so that the zero word never keys a listing.
    """
    word: uint256 = convert(convert(convert(symbol, Bytes[MAX_SYMBOL_LENGTH]), bytes32), uint256)
    for position: uint256 in range(MAX_SYMBOL_LENGTH):
        if position == len(symbol):
            break
        bit: uint256 = 248 - 8 * position
        char: uint256 = (word >> bit) & 255
        if fold_case and char >= 97 and char <= 122:
            word -= _CASE_OFFSET << bit
        elif not ((char >= 65 and char <= 90) or (char >= 48 and char <= 57)):
            return empty(bytes32)
    return convert(word, bytes32)


@internal
@view
def _index_of(token: address) -> uint256:
    position: uint256 = self._position_by_token[token]
    assert position != 0, "factory: unknown security"
    return position - 1


@internal
@view
def _status(index: uint256) -> uint8:
    return self._effective_status(self._listings[index].status, self._listings[index].offering)


@internal
@view
def _effective_status(stored: uint8, offering: address) -> uint8:
    """
    @dev STATUS_OFFERING is stored when an offering opens and read as STATUS_LISTED once the
         offering has finished, so that nobody has to call back into the factory at its close.
    """
    if stored == STATUS_OFFERING and not self._offering_running(offering):
        return STATUS_LISTED
    return stored


@internal
@view
def _offering_running(offering: address) -> bool:
    return offering != empty(address) and staticcall IOfferingSetup(offering).state() < _OFFERING_FINISHED


@internal
@view
def _listing(index: uint256) -> Listing:
    listing: Listing = self._listings[index]
    listing.status = self._effective_status(listing.status, listing.offering)
    return listing


@internal
@view
def _check_issuer_or_operator(token: address) -> bool:
    """
    @dev Returns whether the caller acts as an operator. An issuer is whoever holds the token's
         ISSUER_ROLE now, so a key the operator revoked on the token loses its powers here too.
    """
    if access_control.hasRole[OPERATOR_ROLE][msg.sender]:
        return True
    assert staticcall IAccessControl(token).hasRole(_ISSUER_ROLE, msg.sender), "factory: not issuer or operator"
    return False


@internal
def _set_operator_halt(token: address, operator_halt: bool):
    self.halted_by_operator[token] = operator_halt
    log OperatorHaltChanged(token=token, operator_halt=operator_halt)


@internal
def _set_status(index: uint256, token: address, status: uint8):
    self._listings[index].status = status
    log ListingStatusChanged(token=token, status=status, sender=msg.sender)

