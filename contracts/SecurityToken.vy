# pragma version ~=0.4.3
# pragma experimental-codegen
# pragma optimize codesize
"""
@title Keiretsu security token
@custom:contract-name SecurityToken
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice One company's shares. An ERC-20 whose every movement passes compliance (ERC-1404 codes,
        ERC-3643 agent operations), with holds for the order book: shares on a sell order stay in
        the seller's wallet, so the register, dividends and votes see the true owner.

        Each security is an EIP-1167 clone of one implementation, set up by `initialize`. The
        implementation is also the platform's identity registry (lib/identity_registry.vy): a
        clone's call has already warmed the implementation's account, so asking the registry
        about both parties of a transfer is a warm call.

        Compiled by Vyper's venom pipeline for size: token and registry together would not fit
        the 24 KiB limit (EIP-170) with the default pipeline.

        Gas: each account is one storage word (balance, held amount, record-date marker, freeze
        flags) and the registry keeps one word per wallet, so a compliant transfer reads one cold
        word per party in each contract plus one config word. A rule that is off costs no read.
"""

from snekmate.auth import access_control
from ethereum.ercs import IERC20

import lib.identity_record as identity_record
import lib.identity_registry as identity_registry
import lib.restrictions as restrictions

implements: IERC20

initializes: access_control
initializes: identity_registry[access_control := access_control]

exports: (
    access_control.supportsInterface,
    access_control.DEFAULT_ADMIN_ROLE,
    access_control.hasRole,
    access_control.getRoleAdmin,
    access_control.grantRole,
    access_control.revokeRole,
    access_control.renounceRole,
    identity_registry.REGISTRAR_ROLE,
    identity_registry.register_investor,
    identity_registry.batch_register_investors,
    identity_registry.add_wallet,
    identity_registry.update_identity,
    identity_registry.remove_wallet,
    identity_registry.revoke_identity,
    identity_registry.reinstate_identity,
    identity_registry.isVerified,
    identity_registry.contains,
    identity_registry.wallet_record,
    identity_registry.wallet_records,
    identity_registry.identityOf,
    identity_registry.investorCountry,
    identity_registry.investor,
    identity_registry.same_identity,
)


# ROLES #

AGENT_ROLE: public(constant(bytes32)) = keccak256("AGENT_ROLE")
ISSUER_ROLE: public(constant(bytes32)) = keccak256("ISSUER_ROLE")
MARKET_ROLE: public(constant(bytes32)) = keccak256("MARKET_ROLE")
MINTER_ROLE: public(constant(bytes32)) = keccak256("MINTER_ROLE")
# Schedules record dates: the dividend and vote contracts, beside the issuer.
RECORDER_ROLE: public(constant(bytes32)) = keccak256("RECORDER_ROLE")


# CONSTANTS #

MAX_BATCH: constant(uint256) = 100
MAX_DOCUMENTS: constant(uint256) = 32
MAX_COUNTRIES: constant(uint256) = 64
MAX_RECOVERY_HOPS: constant(uint256) = 8
# Record dates scheduled but not yet reached; bounds the catch-up loop in a transfer.
MAX_PENDING_RECORD_DATES: constant(uint256) = 32
# How far ahead a record date may be scheduled, so that a mistyped date cannot block the
# dates after it for years (a pending one can also be cancelled).
MAX_RECORD_DATE_HORIZON: constant(uint256) = 400 * 86400
# Every balance fits 96 bits, so the supply is capped there (7.9e28 base units).
MAX_SUPPLY: constant(uint256) = (1 << 96) - 1

COUNTRY_RULE_NONE: constant(uint8) = 0
COUNTRY_RULE_ALLOW: constant(uint8) = 1
COUNTRY_RULE_BLOCK: constant(uint8) = 2

# Account word.
_BALANCE_MASK: constant(uint256) = (1 << 96) - 1
_HELD_SHIFT: constant(uint256) = 96
_HELD_UNIT: constant(uint256) = 1 << 96
# The last record date whose balance is checkpointed, and how many checkpoints the account has.
_MARKER_SHIFT: constant(uint256) = 192
_CHECKPOINT_COUNT_SHIFT: constant(uint256) = 224
_MASK_32: constant(uint256) = (1 << 32) - 1
_MASK_24: constant(uint256) = (1 << 24) - 1
_MASK_40: constant(uint256) = (1 << 40) - 1
_AMOUNT_FIELDS: constant(uint256) = _BALANCE_MASK | (_BALANCE_MASK << _HELD_SHIFT)
_CHECKPOINT_FIELDS: constant(uint256) = ((1 << 32) - 1) << 192 | ((1 << 24) - 1) << 224
# Set on a wallet whose holdings were recovered to another, so corporate actions refuse it
# without reading `recovered_to`.
_RECOVERED: constant(uint256) = 1 << 253
_PARTIALLY_FROZEN: constant(uint256) = 1 << 254
_WALLET_FROZEN: constant(uint256) = 1 << 255

# Config word.
_PAUSED: constant(uint256) = 1
_RULE_MAX_HOLDERS: constant(uint256) = 2
_RULE_MAX_BALANCE: constant(uint256) = 4
_RULE_COUNTRY_ALLOW: constant(uint256) = 8
_RULE_COUNTRY_BLOCK: constant(uint256) = 16
_HOLDER_ACCOUNTING: constant(uint256) = 32
_ANY_RULE: constant(uint256) = _RULE_MAX_HOLDERS | _RULE_MAX_BALANCE | _RULE_COUNTRY_ALLOW | _RULE_COUNTRY_BLOCK
_IDENTITY_RULES: constant(uint256) = _RULE_MAX_HOLDERS | _RULE_MAX_BALANCE
_LOCKUP_SHIFT: constant(uint256) = 8
_LOCKUP_MASK: constant(uint256) = ((1 << 40) - 1) << 8
# Record dates reached so far (as of the last balance change), and when the next one falls (0: none).
_PASSED_SHIFT: constant(uint256) = 48
_NEXT_RECORD_SHIFT: constant(uint256) = 80
_RECORD_FIELDS: constant(uint256) = ((1 << 32) - 1) << 48 | ((1 << 40) - 1) << 80
# How many record dates were scheduled; their times are packed six to a word.
_RECORD_COUNT_SHIFT: constant(uint256) = 120
_RECORD_DATES_PER_WORD: constant(uint256) = 6


# STRUCTS #

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


struct Document:
    uri: String[256]
    document_hash: bytes32
    timestamp: uint256


# EVENTS #

event Initialized:
    admin: indexed(address)
    issuer: indexed(address)

event AddressFrozen:
    user_address: indexed(address)
    is_frozen: indexed(bool)
    owner: indexed(address)

event TokensFrozen:
    user_address: indexed(address)
    amount: uint256

event TokensUnfrozen:
    user_address: indexed(address)
    amount: uint256

event Paused:
    user_address: address

event Unpaused:
    user_address: address

event RecoverySuccess:
    lost_wallet: indexed(address)
    new_wallet: indexed(address)
    identity: indexed(bytes20)

event ForcedTransfer:
    sender: indexed(address)
    receiver: indexed(address)
    amount: uint256
    agent: indexed(address)

# A recovery moves the lost wallet's holds, partial freeze and wallet freeze to the new wallet.
event HoldingsRecovered:
    lost_wallet: indexed(address)
    new_wallet: indexed(address)
    held: uint256
    frozen: uint256
    wallet_frozen: bool

event HolderIdentityResynced:
    wallet: indexed(address)
    previous_identity: indexed(bytes20)
    identity: indexed(bytes20)
    amount: uint256

event HoldPlaced:
    holder: indexed(address)
    amount: uint256
    market: indexed(address)

event HoldReleased:
    holder: indexed(address)
    amount: uint256
    market: indexed(address)

event HoldSettled:
    seller: indexed(address)
    buyer: indexed(address)
    amount: uint256
    market: indexed(address)

event DocumentUpdated:
    name: indexed(bytes32)
    uri: String[256]
    document_hash: bytes32

event DocumentRemoved:
    name: indexed(bytes32)
    uri: String[256]
    document_hash: bytes32

event HolderAccountingEnabled:
    sender: indexed(address)

event ComplianceRulesSet:
    lockup_end: uint256
    max_holders: uint256
    max_balance: uint256
    country_rule: uint8

event CountryListed:
    country: indexed(uint16)
    listed: bool

event RecordDateScheduled:
    record_date_id: indexed(uint256)
    timestamp: uint256

event RecordDateCancelled:
    record_date_id: indexed(uint256)


# STORAGE #

name: public(String[64])
symbol: public(String[16])
decimals: public(uint8)
# Laid out as an account word: the supply in the balance field, with its record-date checkpoints.
_supply: uint256
allowance: public(HashMap[address, HashMap[address, uint256]])

# Holders, counted per investor identity; kept only when holder accounting is on.
holder_count: public(uint256)
identity_balance: public(HashMap[bytes20, uint256])
# The identity an account's shares are booked under: the registry's when the account last went from
# no shares to some. Debits go to it whatever the registry says since (a wallet removed or re-keyed).
holder_identity: public(HashMap[address, bytes20])
max_holders: uint256
max_balance: uint256
country_listed: public(HashMap[uint16, bool])

_config: uint256
_accounts: HashMap[address, uint256]
_frozen_amounts: HashMap[address, uint256]
# Where a recovered wallet's holds went, so a market can still release them.
recovered_to: public(HashMap[address, address])

_documents: HashMap[bytes32, Document]
_document_names: DynArray[bytes32, MAX_DOCUMENTS]

_record_date_words: HashMap[uint256, uint256]
# Record date id -> schedulings beyond the first (a dividend and a vote sharing the date).
_record_date_shares: HashMap[uint256, uint256]
# Per account (the zero address for the supply): checkpoint index -> record date id << 96 | balance.
_checkpoints: HashMap[address, HashMap[uint256, uint256]]

_initialized: bool


@deploy
def __init__():
    """
    @dev The implementation is never used as a token itself: it locks itself so that nobody can
         initialise it, and every security is a clone set up through `initialize`. It is the
         identity registry; the deployer is the registry's admin, who appoints the registrars.
    """
    access_control.__init__()
    identity_registry.__init__()
    self._initialized = True


@external
def initialize(setup: TokenSetup):
    """
    @notice Sets up a fresh clone. The caller (the issuance factory, or an operator deploying by
            hand) keeps the admin role beside `setup.admin` until it renounces it, so that it can
            finish the configuration in the same transaction.
    @param setup Name, symbol, decimals, the operator (admin), the issuer, the transfer agent,
           the lock-up end (0 for none) and the holder rules (0 for off).
    """
    assert not self._initialized, "token: already initialized"
    assert setup.admin != empty(address), "token: zero admin"
    assert setup.decimals <= 18, "token: decimals above 18"
    self._check_lockup_end(setup.lockup_end)
    assert setup.holder_accounting or (setup.max_holders == 0 and setup.max_balance == 0), "token: rule needs holder accounting"
    self._initialized = True
    self.name = setup.name
    self.symbol = setup.symbol
    self.decimals = setup.decimals

    config: uint256 = setup.lockup_end << _LOCKUP_SHIFT
    if setup.holder_accounting:
        config |= _HOLDER_ACCOUNTING
    if setup.max_holders != 0:
        config |= _RULE_MAX_HOLDERS
        self.max_holders = setup.max_holders
    if setup.max_balance != 0:
        config |= _RULE_MAX_BALANCE
        self.max_balance = setup.max_balance
    self._config = config
    if setup.holder_accounting:
        log HolderAccountingEnabled(sender=msg.sender)
    log ComplianceRulesSet(
        lockup_end=setup.lockup_end, max_holders=setup.max_holders, max_balance=setup.max_balance, country_rule=COUNTRY_RULE_NONE
    )

    access_control._grant_role(access_control.DEFAULT_ADMIN_ROLE, setup.admin)
    if msg.sender != setup.admin:
        access_control._grant_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    if setup.issuer != empty(address):
        access_control._grant_role(ISSUER_ROLE, setup.issuer)
    if setup.agent != empty(address):
        access_control._grant_role(AGENT_ROLE, setup.agent)
    log Initialized(admin=setup.admin, issuer=setup.issuer)


# ERC-20 #


@view
@external
def balanceOf(holder: address) -> uint256:
    """
    @notice Shares owned, including those held on orders and those frozen.
    @param holder The wallet.
    @return The balance.
    """
    return self._accounts[holder] & _BALANCE_MASK


@view
@external
def totalSupply() -> uint256:
    """
    @notice Shares in existence.
    @return The supply.
    """
    return self._supply & _BALANCE_MASK


@external
def transfer(to: address, amount: uint256) -> bool:
    """
    @notice Moves shares if compliance allows; reverts with the ERC-1404 message otherwise.
    @param to The recipient, a verified investor.
    @param amount The number of shares (base units).
    @return True.
    """
    self._transfer(msg.sender, to, amount)
    return True


@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    """
    @notice Moves shares on the owner's behalf, within the allowance, if compliance allows.
    @param owner The sender of the shares.
    @param to The recipient, a verified investor.
    @param amount The number of shares (base units).
    @return True.
    """
    allowed: uint256 = self.allowance[owner][msg.sender]
    if allowed != max_value(uint256):
        assert allowed >= amount, "token: insufficient allowance"
        self.allowance[owner][msg.sender] = unsafe_sub(allowed, amount)
    self._transfer(owner, to, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice Lets `spender` move up to `amount` of the caller's shares (still subject to compliance).
    @param spender The spender.
    @param amount The allowance.
    @return True.
    """
    self._check_security()
    assert spender != empty(address), "token: approve to zero address"
    self.allowance[msg.sender][spender] = amount
    log IERC20.Approval(owner=msg.sender, spender=spender, value=amount)
    return True


# ERC-1404 #


@view
@external
def detectTransferRestriction(sender: address, receiver: address, amount: uint256) -> uint8:
    """
    @notice Why a transfer would be refused, as an ERC-1404 code (0: it would go through).
    @param sender The sender.
    @param receiver The recipient.
    @param amount The number of shares.
    @return The restriction code, explained by `messageForTransferRestriction`.
    """
    config: uint256 = self._config
    sender_record: uint256 = 0
    receiver_record: uint256 = 0
    sender_record, receiver_record = self._records(sender, receiver)
    return self._restriction(
        config, sender, sender_record, self._accounts[sender], receiver, receiver_record, self._accounts[receiver], amount, False
    )


@pure
@external
def messageForTransferRestriction(restriction_code: uint8) -> String[40]:
    """
    @notice The sentence for an ERC-1404 code; a refused transfer reverts with the same text.
    @param restriction_code A code from `detectTransferRestriction`.
    @return The message.
    """
    return restrictions._message(restriction_code)


@view
@external
def restriction_to_send(sender: address, amount: uint256) -> uint8:
    """
    @notice The sender's side of `detectTransferRestriction`: could `sender` part with `amount`
            free shares (pause, verification, freeze, lock-up, free balance)?
    @param sender The wallet.
    @param amount The number of shares.
    @return The restriction code.
    """
    return self._send_code(sender, self._accounts[sender], amount)


@view
@external
def restriction_to_receive(receiver: address, amount: uint256) -> uint8:
    """
    @notice The recipient's side of `detectTransferRestriction`: could `receiver` come to hold
            `amount` more shares (pause, verification, freeze, country, holder and balance caps)?
    @param receiver The wallet.
    @param amount The number of shares.
    @return The restriction code.
    """
    config: uint256 = self._config
    if config & _PAUSED != 0:
        return restrictions.PAUSED
    return self._receive_restriction(
        config, empty(address), 0, 0, receiver, staticcall identity_registry.HOME.wallet_record(receiver), self._accounts[receiver], amount
    )


# HOLDS (the order book) #


@external
def place_hold(holder: address, amount: uint256):
    """
    @notice Earmarks `amount` of the holder's free shares for a sell order. The shares stay in the
            holder's wallet (and count for the register, dividends and votes) until they trade.
            Refused, with the ERC-1404 message, whenever the holder could not send the shares:
            paused, not verified, frozen, recovered, in lock-up, or too few free shares.
    @dev Only a market of this security (MARKET_ROLE).
    @param holder The seller.
    @param amount The number of shares to hold.
    """
    self._check_market()
    assert amount != 0, "token: zero hold"
    account: uint256 = self._accounts[holder]
    self._require(self._send_code(holder, account, amount))
    self._accounts[holder] = account + amount * _HELD_UNIT
    log HoldPlaced(holder=holder, amount=amount, market=msg.sender)


@external
def release_hold(holder: address, amount: uint256) -> uint256:
    """
    @notice Gives held shares back to the holder's free balance (an order cancelled or expired).
            Releases at most what is held, and follows a wallet recovery to the new wallet, so a
            market can always unwind an order.
    @dev Only a market of this security (MARKET_ROLE).
    @param holder The seller the hold was placed for.
    @param amount The number of shares to release.
    @return The number of shares released.
    """
    self._check_market()
    wallet: address = holder
    account: uint256 = self._accounts[wallet]
    # A recovery moves every hold off the lost wallet, so the recovery chain is followed only
    # while the wallet reached holds too little.
    for _: uint256 in range(MAX_RECOVERY_HOPS):
        if amount <= account >> _HELD_SHIFT & _BALANCE_MASK:
            break
        successor: address = self.recovered_to[wallet]
        if successor == empty(address):
            break
        wallet = successor
        account = self._accounts[wallet]
    released: uint256 = min(amount, account >> _HELD_SHIFT & _BALANCE_MASK)
    if released != 0:
        self._accounts[wallet] = account - released * _HELD_UNIT
        log HoldReleased(holder=wallet, amount=released, market=msg.sender)
    return released


@external
def settle_hold(seller: address, buyer: address, amount: uint256) -> uint8:
    """
    @notice Delivers held shares to a buyer: the share leg of a trade. Does not revert when
            compliance refuses; it returns the ERC-1404 code and moves nothing, so the market can
            skip an ineligible maker instead of blocking the book.
    @dev Only a market of this security (MARKET_ROLE).
    @param seller The wallet whose held shares are delivered.
    @param buyer The recipient.
    @param amount The number of shares.
    @return 0 when the shares moved, else the restriction code.
    """
    self._check_market()
    config: uint256 = self._sync_record_dates(self._config)
    seller_record: uint256 = 0
    buyer_record: uint256 = 0
    seller_record, buyer_record = self._records(seller, buyer)
    seller_account: uint256 = self._accounts[seller]
    buyer_account: uint256 = self._accounts[buyer]
    code: uint8 = self._restriction(config, seller, seller_record, seller_account, buyer, buyer_record, buyer_account, amount, True)
    if code != restrictions.SUCCESS:
        return code
    self._move(config, seller, buyer, seller_record, buyer_record, seller_account - amount * _HELD_UNIT, buyer_account, amount)
    log HoldSettled(seller=seller, buyer=buyer, amount=amount, market=msg.sender)
    return restrictions.SUCCESS


@view
@external
def held_balance(holder: address) -> uint256:
    """
    @notice Shares held on sell orders.
    @param holder The wallet.
    @return The held amount.
    """
    return self._accounts[holder] >> _HELD_SHIFT & _BALANCE_MASK


@view
@external
def free_balance(holder: address) -> uint256:
    """
    @notice Shares the holder can transfer now: balance less held and frozen shares.
    @param holder The wallet.
    @return The free amount.
    """
    return self._free(holder, self._accounts[holder])


# AGENT OPERATIONS (ERC-3643) #


@external
def mint(to: address, amount: uint256):
    """
    @notice Issues new shares to a verified investor (agent or an offering of this security).
    @param to The recipient; must be allowed to receive (verified, not frozen, rules).
    @param amount The number of shares.
    """
    self._check_minter()
    self._mint(to, amount)


@external
def batchMint(to_list: DynArray[address, MAX_BATCH], amounts: DynArray[uint256, MAX_BATCH]):
    """
    @notice `mint` for several recipients, all or nothing.
    @param to_list The recipients.
    @param amounts The amounts, one per recipient.
    """
    self._check_minter()
    self._check_lengths(len(to_list), len(amounts))
    for i: uint256 in range(len(to_list), bound=MAX_BATCH):
        self._mint(to_list[i], amounts[i])


@external
def burn(user_address: address, amount: uint256):
    """
    @notice Cancels shares (agent only). Burns free shares first, then frozen ones (unfreezing
            them); shares held on orders cannot be burned until the order is gone.
    @param user_address The holder.
    @param amount The number of shares.
    """
    self._check_agent()
    self._burn(user_address, amount)


@external
def batchBurn(user_addresses: DynArray[address, MAX_BATCH], amounts: DynArray[uint256, MAX_BATCH]):
    """
    @notice `burn` for several holders, all or nothing.
    @param user_addresses The holders.
    @param amounts The amounts, one per holder.
    """
    self._check_agent()
    self._check_lengths(len(user_addresses), len(amounts))
    for i: uint256 in range(len(user_addresses), bound=MAX_BATCH):
        self._burn(user_addresses[i], amounts[i])


@external
def forcedTransfer(sender: address, receiver: address, amount: uint256) -> bool:
    """
    @notice Moves shares without the sender's consent (agent only: a court order, an error).
            The sender's freeze and lock-up do not apply; the recipient must be allowed to receive.
            Takes free shares first, then frozen ones (unfreezing them). Shares held on orders are
            refused: the agent first cancels the holder's orders on the market (`force_cancel`),
            so no order is left on the book without the hold it would settle against.
    @param sender The holder.
    @param receiver The recipient.
    @param amount The number of shares.
    @return True.
    """
    self._check_agent()
    self._forced_transfer(sender, receiver, amount)
    return True


@external
def batchForcedTransfer(
    senders: DynArray[address, MAX_BATCH], receivers: DynArray[address, MAX_BATCH], amounts: DynArray[uint256, MAX_BATCH]
):
    """
    @notice `forcedTransfer` for several movements, all or nothing.
    @param senders The holders.
    @param receivers The recipients.
    @param amounts The amounts.
    """
    self._check_agent()
    self._check_lengths(len(senders), len(receivers))
    self._check_lengths(len(senders), len(amounts))
    for i: uint256 in range(len(senders), bound=MAX_BATCH):
        self._forced_transfer(senders[i], receivers[i], amounts[i])


@external
def setAddressFrozen(user_address: address, freeze: bool):
    """
    @notice Freezes or unfreezes a whole wallet (agent only): a frozen wallet can neither send
            nor receive, and its resting sell orders are skipped by the market.
    @param user_address The wallet.
    @param freeze True to freeze, False to unfreeze.
    """
    self._check_agent()
    self._set_address_frozen(user_address, freeze)


@external
def batchSetAddressFrozen(user_addresses: DynArray[address, MAX_BATCH], freeze: DynArray[bool, MAX_BATCH]):
    """
    @notice `setAddressFrozen` for several wallets.
    @param user_addresses The wallets.
    @param freeze One flag per wallet.
    """
    self._check_agent()
    self._check_lengths(len(user_addresses), len(freeze))
    for i: uint256 in range(len(user_addresses), bound=MAX_BATCH):
        self._set_address_frozen(user_addresses[i], freeze[i])


@external
def freezePartialTokens(user_address: address, amount: uint256):
    """
    @notice Freezes part of a holder's free shares (agent only).
    @param user_address The holder.
    @param amount The number of shares to freeze.
    """
    self._check_agent()
    self._freeze_partial(user_address, amount)


@external
def batchFreezePartialTokens(user_addresses: DynArray[address, MAX_BATCH], amounts: DynArray[uint256, MAX_BATCH]):
    """
    @notice `freezePartialTokens` for several holders.
    @param user_addresses The holders.
    @param amounts The amounts.
    """
    self._check_agent()
    self._check_lengths(len(user_addresses), len(amounts))
    for i: uint256 in range(len(user_addresses), bound=MAX_BATCH):
        self._freeze_partial(user_addresses[i], amounts[i])


@external
def unfreezePartialTokens(user_address: address, amount: uint256):
    """
    @notice Gives frozen shares back to the holder's free balance (agent only).
    @param user_address The holder.
    @param amount The number of shares to unfreeze.
    """
    self._check_agent()
    self._unfreeze_partial(user_address, amount)


@external
def batchUnfreezePartialTokens(user_addresses: DynArray[address, MAX_BATCH], amounts: DynArray[uint256, MAX_BATCH]):
    """
    @notice `unfreezePartialTokens` for several holders.
    @param user_addresses The holders.
    @param amounts The amounts.
    """
    self._check_agent()
    self._check_lengths(len(user_addresses), len(amounts))
    for i: uint256 in range(len(user_addresses), bound=MAX_BATCH):
        self._unfreeze_partial(user_addresses[i], amounts[i])


@external
def recoveryAddress(lost_wallet: address, new_wallet: address) -> bool:
    """
    @notice Moves everything of a lost wallet to a new wallet of the same investor (agent only):
            balance, frozen shares, held shares and the frozen state. Later releases of the lost
            wallet's holds land on the new wallet. The lost wallet can no longer send.
    @param lost_wallet The wallet whose keys are lost.
    @param new_wallet A verified wallet of the same identity, not itself recovered (a recovery
           chain never loops back).
    @return True.
    """
    self._check_agent()
    assert new_wallet != lost_wallet and new_wallet != empty(address), "token: bad new wallet"
    lost_record: uint256 = 0
    new_record: uint256 = 0
    lost_record, new_record = self._records(lost_wallet, new_wallet)
    assert identity_record._is_verified(new_record), "token: new wallet not verified"
    lost_identity: uint256 = identity_record._identity(lost_record)
    assert lost_identity != 0 and lost_identity == identity_record._identity(new_record), "token: not the same identity"
    config: uint256 = self._sync_record_dates(self._config)
    passed: uint256 = self._passed(config)
    lost: uint256 = self._checkpoint(lost_wallet, self._accounts[lost_wallet], passed)
    assert lost & _BALANCE_MASK != 0, "token: nothing to recover"
    new: uint256 = self._checkpoint(new_wallet, self._accounts[new_wallet], passed)
    # Every wallet of a chain but its end is flagged, so this also refuses closing a cycle.
    assert new & _RECOVERED == 0, "token: new wallet recovered"
    frozen: uint256 = self._frozen_amounts[lost_wallet]

    moved: uint256 = lost & _BALANCE_MASK
    # Balance and held amount add field by field; freeze flags carry over.
    self._accounts[new_wallet] = new + (lost & _AMOUNT_FIELDS) | (lost & (_WALLET_FROZEN | _PARTIALLY_FROZEN))
    self._accounts[lost_wallet] = lost & _CHECKPOINT_FIELDS | _RECOVERED
    if frozen != 0:
        self._frozen_amounts[new_wallet] += frozen
        self._frozen_amounts[lost_wallet] = 0
    self.recovered_to[lost_wallet] = new_wallet
    if config & _HOLDER_ACCOUNTING != 0:
        # The lost wallet may be booked under a key the registry no longer gives it.
        self._account_identities(
            self._holder_key(lost_wallet, lost, lost_record), new_wallet, new, self._holder_key(new_wallet, new, new_record), moved
        )
    log IERC20.Transfer(sender=lost_wallet, receiver=new_wallet, value=moved)
    log HoldingsRecovered(
        lost_wallet=lost_wallet,
        new_wallet=new_wallet,
        held=lost >> _HELD_SHIFT & _BALANCE_MASK,
        frozen=frozen,
        wallet_frozen=lost & _WALLET_FROZEN != 0,
    )
    log RecoverySuccess(lost_wallet=lost_wallet, new_wallet=new_wallet, identity=convert(convert(lost_identity, uint160), bytes20))
    return True


@external
def pause():
    """
    @notice Stops every transfer, settlement and hold (agent only).
    """
    self._check_agent()
    config: uint256 = self._config
    assert config & _PAUSED == 0, "token: already paused"
    self._config = config | _PAUSED
    log Paused(user_address=msg.sender)


@external
def unpause():
    """
    @notice Resumes transfers (agent only).
    """
    self._check_agent()
    config: uint256 = self._config
    assert config & _PAUSED != 0, "token: not paused"
    self._config = config & ~_PAUSED
    log Unpaused(user_address=msg.sender)


@view
@external
def paused() -> bool:
    """
    @notice Whether transfers are stopped.
    @return True when paused.
    """
    return self._config & _PAUSED != 0


@view
@external
def isFrozen(user_address: address) -> bool:
    """
    @notice Whether the whole wallet is frozen.
    @param user_address The wallet.
    @return True when frozen.
    """
    return self._accounts[user_address] & _WALLET_FROZEN != 0


@view
@external
def getFrozenTokens(user_address: address) -> uint256:
    """
    @notice Shares frozen by `freezePartialTokens`.
    @param user_address The holder.
    @return The frozen amount.
    """
    return self._frozen_amounts[user_address]


# RULES #


@view
@external
def compliance_rules() -> (uint256, bool, uint256, uint256, uint8):
    """
    @notice The token's optional rules in one read.
    @return lockup_end (unix time, 0: none), holder_accounting (holders counted per identity),
            max_holders (0: off), max_balance per identity (0: off), country_rule
            (COUNTRY_RULE_NONE, COUNTRY_RULE_ALLOW: only listed countries may receive,
            COUNTRY_RULE_BLOCK: listed countries may not receive).
    """
    config: uint256 = self._config
    country_rule: uint8 = COUNTRY_RULE_NONE
    if config & _RULE_COUNTRY_ALLOW != 0:
        country_rule = COUNTRY_RULE_ALLOW
    elif config & _RULE_COUNTRY_BLOCK != 0:
        country_rule = COUNTRY_RULE_BLOCK
    return (
        (config & _LOCKUP_MASK) >> _LOCKUP_SHIFT,
        config & _HOLDER_ACCOUNTING != 0,
        self.max_holders if config & _RULE_MAX_HOLDERS != 0 else 0,
        self.max_balance if config & _RULE_MAX_BALANCE != 0 else 0,
        country_rule,
    )


@view
@external
def registry() -> address:
    """
    @notice The identity registry that decides who is verified.
    @return Its address.
    """
    return identity_registry.HOME.address


@external
def enable_holder_accounting():
    """
    @notice Starts counting holders per identity. Only possible before any share exists, since
            the per-identity balances must be exact from the first share on.
    """
    self._check_rule_setter()
    config: uint256 = self._config
    assert config & _HOLDER_ACCOUNTING == 0, "token: holder accounting on"
    assert self._supply & _BALANCE_MASK == 0, "token: shares already issued"
    self._config = config | _HOLDER_ACCOUNTING
    log HolderAccountingEnabled(sender=msg.sender)


@external
def set_compliance_rules(lockup_end: uint256, max_holders: uint256, max_balance: uint256, country_rule: uint8):
    """
    @notice Sets the optional rules (issuer or admin); 0 turns a rule off. The holder and balance
            caps need holder accounting. Lowering a cap below today's figure only stops growth.
    @param lockup_end Until when (unix time) holders may not transfer.
    @param max_holders How many distinct investors may hold shares.
    @param max_balance How many shares one investor identity may hold across its wallets.
    @param country_rule COUNTRY_RULE_NONE, COUNTRY_RULE_ALLOW or COUNTRY_RULE_BLOCK (see set_countries).
    """
    self._check_rule_setter()
    self._check_lockup_end(lockup_end)
    assert country_rule <= COUNTRY_RULE_BLOCK, "token: bad country rule"
    config: uint256 = self._config
    assert config & _HOLDER_ACCOUNTING != 0 or (max_holders == 0 and max_balance == 0), "token: holder accounting off"
    config &= ~(_LOCKUP_MASK | _ANY_RULE)
    config |= lockup_end << _LOCKUP_SHIFT
    if max_holders != 0:
        config |= _RULE_MAX_HOLDERS
    if max_balance != 0:
        config |= _RULE_MAX_BALANCE
    if country_rule == COUNTRY_RULE_ALLOW:
        config |= _RULE_COUNTRY_ALLOW
    elif country_rule == COUNTRY_RULE_BLOCK:
        config |= _RULE_COUNTRY_BLOCK
    self._config = config
    self.max_holders = max_holders
    self.max_balance = max_balance
    log ComplianceRulesSet(lockup_end=lockup_end, max_holders=max_holders, max_balance=max_balance, country_rule=country_rule)


@external
def set_countries(countries: DynArray[uint16, MAX_COUNTRIES], listed: bool):
    """
    @notice Adds countries to the list (or removes them), used by the country rule.
    @param countries ISO 3166-1 numeric codes.
    @param listed True to add, False to remove.
    """
    self._check_rule_setter()
    for country: uint16 in countries:
        assert country != 0 and country < 1000, "token: bad country"
        self.country_listed[country] = listed
        log CountryListed(country=country, listed=listed)


@external
def resync_holder_identities(wallets: DynArray[address, MAX_BATCH]):
    """
    @notice Books each wallet's shares under the identity the registry gives it now (admin only),
            moving them between identities and correcting the holder count. For an account
            credited before the token kept identity keys (its shares were booked under the
            registry's identity of the time, taken to be today's), and for a wallet the
            registrar re-keyed while it held shares. Caps are not checked.
    @param wallets Registered wallets.
    """
    self._check_role(access_control.DEFAULT_ADMIN_ROLE)
    assert self._config & _HOLDER_ACCOUNTING != 0, "token: holder accounting off"
    for wallet: address in wallets:
        record: uint256 = staticcall identity_registry.HOME.wallet_record(wallet)
        identity: bytes20 = self._identity_key(record)
        assert identity != empty(bytes20), "token: wallet not registered"
        account: uint256 = self._accounts[wallet]
        previous: bytes20 = self._holder_key(wallet, account, record)
        amount: uint256 = account & _BALANCE_MASK
        # An account word of 0 makes the wallet's key be written.
        self._account_identities(previous, wallet, 0, identity, amount)
        log HolderIdentityResynced(wallet=wallet, previous_identity=previous, identity=identity, amount=amount)


# DOCUMENTS (ERC-1643) #


@external
def setDocument(doc_name: bytes32, uri: String[256], document_hash: bytes32):
    """
    @notice Publishes or replaces a document (issuer or admin): prospectus, articles, reports.
    @param doc_name A short unique name.
    @param uri Where the document lives.
    @param document_hash The hash of its content, so anyone can check the copy they read.
    """
    self._check_rule_setter()
    assert doc_name != empty(bytes32), "token: empty document name"
    assert len(uri) != 0, "token: empty document uri"
    if self._documents[doc_name].timestamp == 0:
        assert len(self._document_names) < MAX_DOCUMENTS, "token: too many documents"
        self._document_names.append(doc_name)
    self._documents[doc_name] = Document(uri=uri, document_hash=document_hash, timestamp=block.timestamp)
    log DocumentUpdated(name=doc_name, uri=uri, document_hash=document_hash)


@external
def removeDocument(doc_name: bytes32):
    """
    @notice Withdraws a document (issuer or admin).
    @param doc_name The document's name.
    """
    self._check_rule_setter()
    document: Document = self._document(doc_name)
    assert document.timestamp != 0, "token: no such document"
    count: uint256 = len(self._document_names)
    for i: uint256 in range(MAX_DOCUMENTS):
        if i == count:
            break
        if self._document_names[i] == doc_name:
            self._document_names[i] = self._document_names[count - 1]
            self._document_names.pop()
            break
    self._documents[doc_name] = empty(Document)
    log DocumentRemoved(name=doc_name, uri=document.uri, document_hash=document.document_hash)


@view
@external
def getDocument(doc_name: bytes32) -> (String[256], bytes32, uint256):
    """
    @notice A document's URI, content hash and last update time (all empty if unknown).
    @param doc_name The document's name.
    @return The URI, the hash and the timestamp.
    """
    document: Document = self._document(doc_name)
    return document.uri, document.document_hash, document.timestamp


@view
@external
def getAllDocuments() -> DynArray[bytes32, MAX_DOCUMENTS]:
    """
    @notice The names of every published document.
    @return The names.
    """
    return self._document_names


@internal
@view
def _document(doc_name: bytes32) -> Document:
    return self._documents[doc_name]


# RECORD DATES #


@external
def schedule_record_date(timestamp: uint256) -> uint256:
    """
    @notice Schedules a record date: balances as they stand when the chain's time reaches
            `timestamp` (after every block stamped earlier) stay readable through `balanceOfAt`.
            Nothing is copied now; each balance is written on its first change afterwards.
    @dev Issuer, admin, or RECORDER_ROLE (the dividend and vote contracts). Dates are strictly
         in the future, at most MAX_RECORD_DATE_HORIZON ahead, and in order; scheduling the
         latest date again returns its id and counts one more user of it.
    @param timestamp Unix time of the record date.
    @return The record date's id, from 1.
    """
    if not access_control.hasRole[RECORDER_ROLE][msg.sender]:
        self._check_rule_setter()
    assert timestamp > block.timestamp, "token: record date not in the future"
    assert timestamp <= block.timestamp + MAX_RECORD_DATE_HORIZON, "token: record date too far"
    config: uint256 = self._sync_record_dates(self._config)
    count: uint256 = (config >> _RECORD_COUNT_SHIFT) & _MASK_32
    if count != 0:
        latest: uint256 = self._record_time(count)
        if latest == timestamp:
            self._record_date_shares[count] += 1
            return count
        assert timestamp > latest, "token: record dates out of order"
    assert count - self._passed(config) < MAX_PENDING_RECORD_DATES, "token: too many pending record dates"
    slot: uint256 = count // _RECORD_DATES_PER_WORD
    self._record_date_words[slot] |= timestamp << (count % _RECORD_DATES_PER_WORD * 40)
    count += 1
    config = (config & ~(_MASK_32 << _RECORD_COUNT_SHIFT)) | (count << _RECORD_COUNT_SHIFT)
    if (config >> _NEXT_RECORD_SHIFT) & _MASK_40 == 0:
        config |= timestamp << _NEXT_RECORD_SHIFT
    self._config = config
    log RecordDateScheduled(record_date_id=count, timestamp=timestamp)
    return count


@external
def cancel_record_date(record_date_id: uint256):
    """
    @notice Drops one user of the latest record date, and the date itself with its last user,
            so that a cancelled dividend or vote frees its date.
    @dev RECORDER_ROLE only (the dividend and vote contracts, for a dividend or vote they
         cancel). Only the latest date, before it is reached: no balance was recorded for it.
    @param record_date_id The latest record date's id.
    """
    access_control._check_role(RECORDER_ROLE, msg.sender)
    config: uint256 = self._config
    timestamp: uint256 = self._record_time(record_date_id)
    assert record_date_id == (config >> _RECORD_COUNT_SHIFT) & _MASK_32 and timestamp > block.timestamp, "token: not the latest pending date"
    shares: uint256 = self._record_date_shares[record_date_id]
    if shares != 0:
        self._record_date_shares[record_date_id] = shares - 1
        return
    index: uint256 = record_date_id - 1
    self._record_date_words[index // _RECORD_DATES_PER_WORD] ^= timestamp << (index % _RECORD_DATES_PER_WORD * 40)
    config -= 1 << _RECORD_COUNT_SHIFT
    # Dates are in order, so the next pending date's time names it.
    if (config >> _NEXT_RECORD_SHIFT) & _MASK_40 == timestamp:
        config ^= timestamp << _NEXT_RECORD_SHIFT
    self._config = config
    log RecordDateCancelled(record_date_id=record_date_id)


@view
@external
def record_date(record_date_id: uint256) -> uint256:
    """
    @notice When a record date falls.
    @param record_date_id From 1 to record_date_count.
    @return Its unix time (0 for an unknown id).
    """
    if record_date_id == 0 or record_date_id > (self._config >> _RECORD_COUNT_SHIFT) & _MASK_32:
        return 0
    return self._record_time(record_date_id)


@view
@external
def record_date_count() -> uint256:
    """
    @notice How many record dates were scheduled (ids run from 1 to this).
    @return The count.
    """
    return (self._config >> _RECORD_COUNT_SHIFT) & _MASK_32


@view
@external
def balanceOfAt(holder: address, record_date_id: uint256) -> uint256:
    """
    @notice A holder's balance at a reached record date, shares held on orders included.
    @param holder The wallet.
    @param record_date_id The record date.
    @return The balance then.
    """
    self._check_reached(record_date_id)
    return self._balance_at(holder, self._accounts[holder], record_date_id)


@view
@external
def record_position(holder: address, record_date_id: uint256) -> (uint256, bool, bool):
    """
    @notice What a dividend or a vote needs of a holder, in one call.
    @param holder The wallet.
    @param record_date_id A reached record date.
    @return The balance at the record date, whether the wallet is frozen now, and whether its
            holdings were recovered to another wallet.
    """
    self._check_reached(record_date_id)
    account: uint256 = self._accounts[holder]
    return self._balance_at(holder, account, record_date_id), account & _WALLET_FROZEN != 0, account & _RECOVERED != 0


@view
@external
def totalSupplyAt(record_date_id: uint256) -> uint256:
    """
    @notice The supply at a reached record date.
    @param record_date_id The record date.
    @return The supply then.
    """
    self._check_reached(record_date_id)
    return self._balance_at(empty(address), self._supply, record_date_id)


# INTERNALS #


@internal
@pure
def _passed(config: uint256) -> uint256:
    return (config >> _PASSED_SHIFT) & _MASK_32


@internal
@view
def _record_time(record_date_id: uint256) -> uint256:
    """
    @dev 0 past the last scheduled date (its word's slot is empty).
    """
    index: uint256 = record_date_id - 1
    return (self._record_date_words[index // _RECORD_DATES_PER_WORD] >> (index % _RECORD_DATES_PER_WORD * 40)) & _MASK_40


@internal
def _sync_record_dates(config: uint256) -> uint256:
    """
    @dev Counts the record dates reached since the last balance change; free when none is due.
    @return The config word with the count up to date.
    """
    next_time: uint256 = (config >> _NEXT_RECORD_SHIFT) & _MASK_40
    if next_time == 0 or next_time > block.timestamp:
        return config
    passed: uint256 = self._passed(config)
    for _: uint256 in range(MAX_PENDING_RECORD_DATES):
        passed += 1
        next_time = self._record_time(passed + 1)
        if next_time == 0 or next_time > block.timestamp:
            break
    updated: uint256 = (config & ~_RECORD_FIELDS) | (passed << _PASSED_SHIFT) | (next_time << _NEXT_RECORD_SHIFT)
    self._config = updated
    return updated


@internal
def _checkpoint(account: address, word: uint256, passed: uint256) -> uint256:
    """
    @dev Before an account's first change after record dates were reached, keeps its balance as
         the balance at all of them.
    @return The word with the marker and checkpoint count moved on.
    """
    if (word >> _MARKER_SHIFT) & _MASK_32 >= passed:
        return word
    count: uint256 = (word >> _CHECKPOINT_COUNT_SHIFT) & _MASK_24
    self._checkpoints[account][count] = (passed << 96) | (word & _BALANCE_MASK)
    return (word & ~_CHECKPOINT_FIELDS) | (passed << _MARKER_SHIFT) | ((count + 1) << _CHECKPOINT_COUNT_SHIFT)


@internal
@view
def _balance_at(account: address, word: uint256, record_date_id: uint256) -> uint256:
    """
    @dev The first checkpoint tagged at or after the record date holds the balance then; with
         none, the balance has not changed since.
    """
    count: uint256 = (word >> _CHECKPOINT_COUNT_SHIFT) & _MASK_24
    low: uint256 = 0
    high: uint256 = count
    for _: uint256 in range(25):
        if low >= high:
            break
        middle: uint256 = (low + high) // 2
        if self._checkpoints[account][middle] >> 96 < record_date_id:
            low = middle + 1
        else:
            high = middle
    if low == count:
        return word & _BALANCE_MASK
    return self._checkpoints[account][low] & _BALANCE_MASK


@internal
@view
def _check_reached(record_date_id: uint256):
    """
    @dev Record dates are in time order, so the config word alone settles every date up to the
         next pending one; only a later date costs a read of its time.
    """
    config: uint256 = self._config
    assert record_date_id != 0 and record_date_id <= (config >> _RECORD_COUNT_SHIFT) & _MASK_32, "token: unknown record date"
    passed: uint256 = self._passed(config)
    if record_date_id <= passed:
        return
    next_time: uint256 = (config >> _NEXT_RECORD_SHIFT) & _MASK_40
    if record_date_id == passed + 1 and next_time != 0 and next_time <= block.timestamp:
        return
    assert self._record_time(record_date_id) <= block.timestamp, "token: record date not reached"



@internal
@view
def _lockup_active(config: uint256) -> bool:
    return (config & _LOCKUP_MASK) >> _LOCKUP_SHIFT > block.timestamp


@internal
@view
def _records(first: address, second: address) -> (uint256, uint256):
    return staticcall identity_registry.HOME.wallet_records(first, second)


@internal
@view
def _free(holder: address, account: uint256) -> uint256:
    locked: uint256 = account >> _HELD_SHIFT & _BALANCE_MASK
    if account & _PARTIALLY_FROZEN != 0:
        locked += self._frozen_amounts[holder]
    balance: uint256 = account & _BALANCE_MASK
    if locked >= balance:
        return 0
    return unsafe_sub(balance, locked)


@internal
@view
def _restriction(
    config: uint256,
    sender: address,
    sender_record: uint256,
    sender_account: uint256,
    receiver: address,
    receiver_record: uint256,
    receiver_account: uint256,
    amount: uint256,
    from_held: bool,
) -> uint8:
    code: uint8 = self._send_restriction(config, sender, sender_record, sender_account, amount, from_held)
    if code != restrictions.SUCCESS:
        return code
    return self._receive_restriction(config, sender, sender_record, sender_account, receiver, receiver_record, receiver_account, amount)


@internal
@view
def _send_code(sender: address, account: uint256, amount: uint256) -> uint8:
    return self._send_restriction(self._config, sender, staticcall identity_registry.HOME.wallet_record(sender), account, amount, False)


@internal
@view
def _send_restriction(
    config: uint256, sender: address, sender_record: uint256, sender_account: uint256, amount: uint256, from_held: bool
) -> uint8:
    """
    @dev `from_held`: the shares come out of the sender's holds (a trade settling), not its free balance.
    """
    if config & _PAUSED != 0:
        return restrictions.PAUSED
    # A recovered wallet is treated as one the register no longer knows (ERC-3643 removes it).
    if not identity_record._is_verified(sender_record) or sender_account & _RECOVERED != 0:
        return restrictions.SENDER_NOT_VERIFIED
    if sender_account & _WALLET_FROZEN != 0:
        return restrictions.SENDER_FROZEN
    if config & _LOCKUP_MASK != 0 and self._lockup_active(config):
        return restrictions.LOCKUP_ACTIVE
    if from_held:
        if amount > sender_account >> _HELD_SHIFT & _BALANCE_MASK:
            return restrictions.INSUFFICIENT_HELD_BALANCE
    elif amount > self._free(sender, sender_account):
        return restrictions.INSUFFICIENT_FREE_BALANCE
    return restrictions.SUCCESS


@internal
@view
def _receive_restriction(
    config: uint256,
    sender: address,
    sender_record: uint256,
    sender_account: uint256,
    receiver: address,
    receiver_record: uint256,
    receiver_account: uint256,
    amount: uint256,
) -> uint8:
    """
    @dev The sender's record and account are 0 for a mint. The holder cap counts a sender who
         parts with all its shares as leaving, so a full sale to a new investor is allowed at the cap.
    """
    if not identity_record._is_verified(receiver_record):
        return restrictions.RECIPIENT_NOT_VERIFIED
    if receiver_account & (_RECOVERED | _WALLET_FROZEN) != 0:
        # A recovered wallet's keys are lost: what it received would sit where nobody can move it.
        if receiver_account & _RECOVERED != 0:
            return restrictions.RECIPIENT_NOT_VERIFIED
        return restrictions.RECIPIENT_FROZEN
    if config & _ANY_RULE == 0:
        return restrictions.SUCCESS
    if config & (_RULE_COUNTRY_ALLOW | _RULE_COUNTRY_BLOCK) != 0:
        if self.country_listed[identity_record._country(receiver_record)] != (config & _RULE_COUNTRY_ALLOW != 0):
            return restrictions.COUNTRY_NOT_ALLOWED
    if config & _IDENTITY_RULES == 0:
        return restrictions.SUCCESS
    sender_identity: bytes20 = self._holder_key(sender, sender_account, sender_record)
    receiver_identity: bytes20 = self._holder_key(receiver, receiver_account, receiver_record)
    if sender_identity == receiver_identity:
        return restrictions.SUCCESS
    receiver_holding: uint256 = self.identity_balance[receiver_identity]
    if config & _RULE_MAX_BALANCE != 0 and receiver_holding + amount > self.max_balance:
        return restrictions.BALANCE_LIMIT_EXCEEDED
    if config & _RULE_MAX_HOLDERS != 0 and receiver_holding == 0 and amount != 0:
        holders: uint256 = self.holder_count + 1
        if sender_identity != empty(bytes20) and self.identity_balance[sender_identity] <= amount:
            holders -= 1
        if holders > self.max_holders:
            return restrictions.HOLDER_LIMIT_REACHED
    return restrictions.SUCCESS


@internal
@pure
def _identity_key(record: uint256) -> bytes20:
    return convert(convert(identity_record._identity(record), uint160), bytes20)


@internal
@view
def _holder_key(wallet: address, account: uint256, record: uint256) -> bytes20:
    """
    @dev The identity the account's shares are booked under; an account without shares takes
         the registry's (0 for a wallet not registered: the mint or burn side). An account
         credited before the token kept keys has none stored and was booked under the registry's.
    """
    if account & _BALANCE_MASK != 0:
        key: bytes20 = self.holder_identity[wallet]
        if key != empty(bytes20):
            return key
    return self._identity_key(record)


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    self._check_security()
    config: uint256 = self._config
    if config & (_MASK_40 << _NEXT_RECORD_SHIFT) != 0:
        config = self._sync_record_dates(config)
    sender_record: uint256 = 0
    receiver_record: uint256 = 0
    sender_record, receiver_record = self._records(sender, receiver)
    sender_account: uint256 = self._accounts[sender]
    receiver_account: uint256 = self._accounts[receiver]
    self._require(self._restriction(config, sender, sender_record, sender_account, receiver, receiver_record, receiver_account, amount, False))
    self._move(config, sender, receiver, sender_record, receiver_record, sender_account, receiver_account, amount)


@internal
def _move(
    config: uint256,
    sender: address,
    receiver: address,
    sender_record: uint256,
    receiver_record: uint256,
    sender_account: uint256,
    receiver_account: uint256,
    amount: uint256,
):
    """
    @dev Balances sit in the low 96 bits of the account word and the supply never exceeds 2^96-1,
         so adding to or subtracting from the whole word only touches the balance field.
         `sender_account` already has any hold taken off.
    """
    passed: uint256 = self._passed(config)
    debited: uint256 = sender_account
    if (sender_account >> _MARKER_SHIFT) & _MASK_32 < passed:
        debited = self._checkpoint(sender, sender_account, passed)
    if receiver == sender:
        self._accounts[sender] = debited
        log IERC20.Transfer(sender=sender, receiver=receiver, value=amount)
        return
    self._accounts[sender] = unsafe_sub(debited, amount)
    credited: uint256 = receiver_account
    if (receiver_account >> _MARKER_SHIFT) & _MASK_32 < passed:
        credited = self._checkpoint(receiver, receiver_account, passed)
    self._accounts[receiver] = unsafe_add(credited, amount)
    if config & _HOLDER_ACCOUNTING != 0:
        self._account_identities(
            self._holder_key(sender, sender_account, sender_record),
            receiver,
            receiver_account,
            self._holder_key(receiver, receiver_account, receiver_record),
            amount,
        )
    log IERC20.Transfer(sender=sender, receiver=receiver, value=amount)


@internal
def _account_identities(sender_identity: bytes20, receiver: address, receiver_account: uint256, receiver_identity: bytes20, amount: uint256):
    """
    @dev A zero identity is the mint or burn side. A receiver that had no shares is booked under
         `receiver_identity` from now on. Subtraction saturates, so books drifted before the
         token kept keys cannot make a transfer revert.
    """
    if amount == 0:
        return
    if receiver_account & _BALANCE_MASK == 0 and receiver_identity != empty(bytes20):
        self.holder_identity[receiver] = receiver_identity
    if sender_identity == receiver_identity:
        return
    if sender_identity != empty(bytes20):
        held_before: uint256 = self.identity_balance[sender_identity]
        if held_before != 0:
            held_after: uint256 = held_before - min(held_before, amount)
            self.identity_balance[sender_identity] = held_after
            if held_after == 0:
                self.holder_count -= 1
    if receiver_identity != empty(bytes20):
        held_before: uint256 = self.identity_balance[receiver_identity]
        if held_before == 0:
            self.holder_count += 1
        self.identity_balance[receiver_identity] = held_before + amount


@internal
@pure
def _check_lengths(first: uint256, second: uint256):
    assert first == second, "token: length mismatch"


@internal
@pure
def _check_lockup_end(lockup_end: uint256):
    assert lockup_end < 1 << 40, "token: lock-up end too far"


@internal
@pure
def _check_amount(amount: uint256):
    assert amount != 0, "token: zero amount"


@internal
@pure
def _require(code: uint8):
    if code != restrictions.SUCCESS:
        raise restrictions._message(code)


@internal
@view
def _check_security():
    # The implementation is the registry: its roles and storage are the register's, never a security's.
    assert self != identity_registry.HOME.address, "token: not a security"


@internal
@view
def _check_role(role: bytes32):
    self._check_security()
    access_control._check_role(role, msg.sender)


@internal
@view
def _check_agent():
    self._check_role(AGENT_ROLE)


@internal
@view
def _check_market():
    self._check_role(MARKET_ROLE)


@internal
@view
def _check_minter():
    self._check_security()
    if not access_control.hasRole[MINTER_ROLE][msg.sender]:
        access_control._check_role(AGENT_ROLE, msg.sender)


@internal
@view
def _check_rule_setter():
    self._check_security()
    if not access_control.hasRole[ISSUER_ROLE][msg.sender]:
        access_control._check_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)


@internal
def _mint(to: address, amount: uint256):
    self._check_amount(amount)
    supply: uint256 = self._supply
    assert (supply & _BALANCE_MASK) + amount <= MAX_SUPPLY, "token: supply cap"
    config: uint256 = self._sync_record_dates(self._config)
    receiver_record: uint256 = staticcall identity_registry.HOME.wallet_record(to)
    account: uint256 = self._accounts[to]
    self._require(self._receive_restriction(config, empty(address), 0, 0, to, receiver_record, account, amount))
    passed: uint256 = self._passed(config)
    self._supply = self._checkpoint(empty(address), supply, passed) + amount
    self._accounts[to] = self._checkpoint(to, account, passed) + amount
    if config & _HOLDER_ACCOUNTING != 0:
        self._account_identities(empty(bytes20), to, account, self._holder_key(to, account, receiver_record), amount)
    log IERC20.Transfer(sender=empty(address), receiver=to, value=amount)


@internal
def _burn(holder: address, amount: uint256):
    account: uint256 = self._take_unheld(holder, self._accounts[holder], amount)
    config: uint256 = self._sync_record_dates(self._config)
    passed: uint256 = self._passed(config)
    self._accounts[holder] = self._checkpoint(holder, account, passed) - amount
    self._supply = self._checkpoint(empty(address), self._supply, passed) - amount
    if config & _HOLDER_ACCOUNTING != 0:
        record: uint256 = staticcall identity_registry.HOME.wallet_record(holder)
        self._account_identities(self._holder_key(holder, account, record), empty(address), 0, empty(bytes20), amount)
    log IERC20.Transfer(sender=holder, receiver=empty(address), value=amount)


@internal
def _take_unheld(holder: address, account: uint256, amount: uint256) -> uint256:
    """
    @dev The agent's burn and forced transfer never take shares held on orders: an order whose
         hold was taken would later settle against the seller's next hold.
    @return The account word after `_take_from_frozen`.
    """
    self._check_amount(amount)
    balance: uint256 = account & _BALANCE_MASK
    unheld: uint256 = balance - min(balance, account >> _HELD_SHIFT & _BALANCE_MASK)
    assert amount <= unheld, "token: exceeds unheld balance; force_cancel orders first"
    return self._take_from_frozen(holder, account, unheld, amount)


@internal
def _take_from_frozen(holder: address, account: uint256, unheld: uint256, amount: uint256) -> uint256:
    """
    @dev Unfreezes just enough partially frozen shares for `amount` to come out of `unheld`.
    @return The account word with the partial-freeze flag cleared if nothing stays frozen.
    """
    if account & _PARTIALLY_FROZEN == 0:
        return account
    frozen: uint256 = self._frozen_amounts[holder]
    free: uint256 = unheld - min(unheld, frozen)
    if amount <= free:
        return account
    unfrozen: uint256 = min(amount - free, frozen)
    frozen = unsafe_sub(frozen, unfrozen)
    self._frozen_amounts[holder] = frozen
    log TokensUnfrozen(user_address=holder, amount=unfrozen)
    if frozen == 0:
        return account & ~_PARTIALLY_FROZEN
    return account


@internal
def _forced_transfer(sender: address, receiver: address, amount: uint256):
    assert sender != receiver, "token: same wallet"
    config: uint256 = self._sync_record_dates(self._config)
    sender_record: uint256 = 0
    receiver_record: uint256 = 0
    sender_record, receiver_record = self._records(sender, receiver)
    receiver_account: uint256 = self._accounts[receiver]
    account: uint256 = self._accounts[sender]
    self._require(self._receive_restriction(config, sender, sender_record, account, receiver, receiver_record, receiver_account, amount))
    account = self._take_unheld(sender, account, amount)
    self._move(config, sender, receiver, sender_record, receiver_record, account, receiver_account, amount)
    log ForcedTransfer(sender=sender, receiver=receiver, amount=amount, agent=msg.sender)


@internal
def _set_address_frozen(user_address: address, freeze: bool):
    account: uint256 = self._accounts[user_address]
    if freeze:
        self._accounts[user_address] = account | _WALLET_FROZEN
    else:
        self._accounts[user_address] = account & ~_WALLET_FROZEN
    log AddressFrozen(user_address=user_address, is_frozen=freeze, owner=msg.sender)


@internal
def _freeze_partial(holder: address, amount: uint256):
    self._check_amount(amount)
    account: uint256 = self._accounts[holder]
    assert amount <= self._free(holder, account), "token: freeze exceeds free balance"
    self._frozen_amounts[holder] += amount
    self._accounts[holder] = account | _PARTIALLY_FROZEN
    log TokensFrozen(user_address=holder, amount=amount)


@internal
def _unfreeze_partial(holder: address, amount: uint256):
    self._check_amount(amount)
    frozen: uint256 = self._frozen_amounts[holder]
    assert amount <= frozen, "token: unfreeze exceeds frozen"
    frozen = unsafe_sub(frozen, amount)
    self._frozen_amounts[holder] = frozen
    if frozen == 0:
        self._accounts[holder] = self._accounts[holder] & ~_PARTIALLY_FROZEN
    log TokensUnfrozen(user_address=holder, amount=amount)
