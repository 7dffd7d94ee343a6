# pragma version ~=0.4.3
"""
@title Keiretsu issuance factory and securities listing
@custom:contract-name IssuanceFactory
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice Takes an SME from "onboarded issuer" to "listed security" in one transaction: clones the
        security token, configures its rules, agents and documents, and lists it under its ISIN.
        The listing is enumerable (count, by index, by ISIN, by token) for the dApp.

        The factory keeps the admin role on the tokens it creates, beside the platform operator,
        so that later steps (an offering's minter role, the market's hold role) are one call.
"""

from snekmate.auth import access_control

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


# CONSTANTS #

OPERATOR_ROLE: public(constant(bytes32)) = keccak256("OPERATOR_ROLE")

MAX_COUNTRIES: constant(uint256) = 64
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

event ListingStatusChanged:
    token: indexed(address)
    status: uint8
    sender: indexed(address)

event PlatformAgentChanged:
    agent: indexed(address)


# STORAGE #

REGISTRY: public(immutable(address))
TOKEN_IMPLEMENTATION: public(immutable(address))
# The platform operator that deployed the factory: admin of every security beside the factory.
PLATFORM_ADMIN: public(immutable(address))

# The operator's transfer agent: AGENT_ROLE (freeze, recovery, forced transfer) on every security.
platform_agent: public(address)
security_count: public(uint256)

_listings: HashMap[uint256, Listing]
# Index + 1, so that 0 means "not listed".
_position_by_token: HashMap[address, uint256]
_position_by_isin: HashMap[bytes32, uint256]


@deploy
def __init__(registry_: address, token_implementation_: address, platform_agent_: address):
    """
    @param registry_ The identity registry every security checks.
    @param token_implementation_ The SecurityToken implementation that securities are clones of.
    @param platform_agent_ The operator's transfer agent, given AGENT_ROLE on every security.
    """
    access_control.__init__()
    access_control._grant_role(OPERATOR_ROLE, msg.sender)
    REGISTRY = registry_
    PLATFORM_ADMIN = msg.sender
    TOKEN_IMPLEMENTATION = token_implementation_
    self.platform_agent = platform_agent_
    log PlatformAgentChanged(agent=platform_agent_)


@external
def issue_security(request: IssuanceRequest) -> address:
    """
    @notice Issues a security: clones the token, configures it and lists it.
    @dev Only a verified issuer (an enterprise with the issuer flag) for itself, or an account
         with OPERATOR_ROLE on the issuer's behalf.
    @param request The ISIN, name, symbol, decimals, issuer, lock-up, holder rules, country rule
           and list, and the documents to publish.
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

    index: uint256 = self.security_count
    self._listings[index] = Listing(
        isin=request.isin,
        token=token,
        issuer=request.issuer,
        market=empty(address),
        offering=empty(address),
        status=STATUS_LISTED,
        listed_at=block.timestamp,
    )
    self.security_count = index + 1
    self._position_by_token[token] = index + 1
    self._position_by_isin[isin_key] = index + 1
    log SecurityIssued(token=token, issuer=request.issuer, isin=request.isin, symbol=request.symbol, index=index)
    return token


@external
def halt(token: address):
    """
    @notice Suspends trading in a listed security (its issuer or an operator).
    @param token The security.
    """
    index: uint256 = self._index_of(token)
    self._check_issuer_or_operator(index)
    assert self._listings[index].status == STATUS_LISTED, "factory: not trading"
    self._set_status(index, token, STATUS_HALTED)


@external
def resume(token: address):
    """
    @notice Resumes trading in a halted security (its issuer or an operator).
    @param token The security.
    """
    index: uint256 = self._index_of(token)
    self._check_issuer_or_operator(index)
    assert self._listings[index].status == STATUS_HALTED, "factory: not halted"
    self._set_status(index, token, STATUS_LISTED)


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
    return self._listings[index]


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
    return self._listings[position - 1]


@view
@external
def security_by_token(token: address) -> Listing:
    """
    @notice The listing of a token.
    @param token The security token.
    @return The listing.
    """
    return self._listings[self._index_of(token)]


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
@view
def _index_of(token: address) -> uint256:
    position: uint256 = self._position_by_token[token]
    assert position != 0, "factory: unknown security"
    return position - 1


@internal
@view
def _check_issuer_or_operator(index: uint256):
    if msg.sender != self._listings[index].issuer:
        access_control._check_role(OPERATOR_ROLE, msg.sender)


@internal
def _set_status(index: uint256, token: address, status: uint8):
    self._listings[index].status = status
    log ListingStatusChanged(token=token, status=status, sender=msg.sender)

