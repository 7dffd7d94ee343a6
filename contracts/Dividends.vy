# pragma version ~=0.4.3
# pragma experimental-codegen
"""
@title Cash dividends on a record date
@custom:contract-name Dividends
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice One contract for every security of the platform; dividends are keyed by (token, id).
        A token's issuer declares a dividend: the cash is pulled at once and the token records
        balances at the record date. From the payment date until the expiry each holder is due
        floor(balance at the record date * amount / eligible supply), where the eligible supply is
        the supply at the record date less the excluded wallets' balances. Holders claim, or the
        token's agent pushes payments in batches; a holder is paid at most once either way. After
        the expiry the issuer takes back what is unclaimed plus the rounding dust, so the cash
        paid out and taken back always adds up to the amount declared.

        Gas: a dividend is one storage word, written once at declaration; the eligible supply and
        the claimed total share a second word, written at the first payment. A holder's claimed
        flags are bits of one word per 256 dividends of a token. No call costs more with more
        holders.
        Only securities the platform's factory listed are served, and only cash tokens the
        platform admin listed are paid out: a token or cash address passed in is never trusted
        for what it says of itself.
@dev This contract must hold the RECORDER_ROLE of every token it serves.
"""

from ethereum.ercs import IERC20

import interfaces.IRecordDateToken as IRecordDateToken
import lib.corporate_action as corporate_action

# CONSTANTS #

MAX_EXCLUDED: constant(uint256) = 8
MAX_BATCH: constant(uint256) = 100
MAX_CASH_TOKENS: constant(uint256) = 255
MAX_TIMESTAMP: constant(uint256) = (1 << 40) - 1

# Why a holder was skipped by `pay`.
SKIP_ALREADY_PAID: public(constant(uint8)) = 1
SKIP_FROZEN: public(constant(uint8)) = 2
SKIP_EXCLUDED: public(constant(uint8)) = 3
SKIP_NOTHING_DUE: public(constant(uint8)) = 4

# Dividend word: amount (0..127), record date id (128..159), payment date (160..199),
# expiry (200..239), cash token index (240..247), excluded-wallet count (248..251).
_MASK_128: constant(uint256) = (1 << 128) - 1
_MASK_40: constant(uint256) = (1 << 40) - 1
_MASK_32: constant(uint256) = (1 << 32) - 1
_RECORD_SHIFT: constant(uint256) = 128
_PAYMENT_SHIFT: constant(uint256) = 160
_EXPIRY_SHIFT: constant(uint256) = 200
_CASH_SHIFT: constant(uint256) = 240
_EXCLUDED_SHIFT: constant(uint256) = 248

# Per-token word: dividends declared so far (0..254), listed by the factory (255).
_LISTED: constant(uint256) = 1 << 255

# Settlement word: eligible supply (0..95), claimed total (96..223), reclaimed (254), settled (255).
_MASK_96: constant(uint256) = (1 << 96) - 1
_CLAIMED_SHIFT: constant(uint256) = 96
_RECLAIMED: constant(uint256) = 1 << 254
_SETTLED: constant(uint256) = 1 << 255


# TYPES #

struct Dividend:
    cash: address
    amount: uint256
    record_date_id: uint256
    record_timestamp: uint256
    payment_date: uint256
    expiry: uint256
    excluded: DynArray[address, MAX_EXCLUDED]
    settled: bool
    eligible_supply: uint256
    claimed: uint256
    reclaimed: bool


# EVENTS #

event FactorySet:
    factory: indexed(address)

event SecurityListed:
    token: indexed(address)

event CashTokenListed:
    cash: indexed(address)
    index: uint256

event DividendDeclared:
    token: indexed(address)
    dividend_id: indexed(uint256)
    cash: indexed(address)
    amount: uint256
    record_date_id: uint256
    record_timestamp: uint256
    payment_date: uint256
    expiry: uint256
    excluded: DynArray[address, MAX_EXCLUDED]

event DividendSettled:
    token: indexed(address)
    dividend_id: indexed(uint256)
    eligible_supply: uint256

event DividendPaid:
    token: indexed(address)
    dividend_id: indexed(uint256)
    holder: indexed(address)
    receiver: address
    amount: uint256
    pushed: bool

event DividendPaymentSkipped:
    token: indexed(address)
    dividend_id: indexed(uint256)
    holder: indexed(address)
    reason: uint8

event DividendCancelled:
    token: indexed(address)
    dividend_id: indexed(uint256)
    receiver: indexed(address)
    amount: uint256

event DividendReclaimed:
    token: indexed(address)
    dividend_id: indexed(uint256)
    receiver: indexed(address)
    amount: uint256


# STORAGE #

# The platform admin: sets the factory once and lists cash tokens.
ADMIN: public(immutable(address))
# The issuance factory, the only one that lists securities.
factory: public(address)

# The platform's stablecoin is cash token 0 and costs no storage read; others are listed from 1.
PLATFORM_CASH: public(immutable(address))
cash_token_count: public(uint256)
_cash_tokens: HashMap[uint256, address]
_cash_index: HashMap[address, uint256]

_dividend_counts: HashMap[address, uint256]
_dividends: HashMap[address, HashMap[uint256, uint256]]
_settlements: HashMap[address, HashMap[uint256, uint256]]
_excluded_list: HashMap[address, HashMap[uint256, HashMap[uint256, address]]]
_excluded: HashMap[address, HashMap[uint256, HashMap[address, bool]]]
# token -> holder -> dividend id // 256 -> one bit per dividend paid.
_paid_bits: HashMap[address, HashMap[address, HashMap[uint256, uint256]]]


@deploy
def __init__(platform_cash: address):
    """
    @param platform_cash The platform's settlement stablecoin, cash token 0.
    """
    assert platform_cash.is_contract, "dividends: cash is not a contract"
    PLATFORM_CASH = platform_cash
    ADMIN = msg.sender


# LISTINGS #


@external
def set_factory(factory_: address):
    """
    @notice Names the issuance factory whose securities this contract serves; once.
    @dev The deployer (ADMIN) only.
    @param factory_ The factory, which calls `list_security` for each security it issues.
    """
    assert msg.sender == ADMIN, "dividends: caller is not the admin"
    assert self.factory == empty(address), "dividends: factory already set"
    assert factory_ != empty(address), "dividends: zero factory"
    self.factory = factory_
    log FactorySet(factory=factory_)


@external
def list_security(token: address):
    """
    @notice Lets dividends be declared on a security the factory just issued.
    @dev The factory only.
    @param token The security.
    """
    assert msg.sender == self.factory, "dividends: caller is not the factory"
    self._dividend_counts[token] |= _LISTED
    log SecurityListed(token=token)


@external
def list_cash_token(cash: address) -> uint256:
    """
    @notice Lists a cash token that dividends may be declared in, besides the platform's
            stablecoin (cash token 0).
    @dev ADMIN only: a cash token can pay itself out to anyone, so whoever declares must not
         pick an unvetted one. Fee-on-transfer tokens are still refused at each declaration.
    @param cash The ERC-20.
    @return Its index (the existing one when it is already listed).
    """
    assert msg.sender == ADMIN, "dividends: caller is not the admin"
    if cash == PLATFORM_CASH:
        return 0
    index: uint256 = self._cash_index[cash]
    if index != 0:
        return index
    assert cash.is_contract, "dividends: cash is not a contract"
    index = self.cash_token_count + 1
    assert index <= MAX_CASH_TOKENS, "dividends: too many cash tokens"
    self.cash_token_count = index
    self._cash_tokens[index] = cash
    self._cash_index[cash] = index
    log CashTokenListed(cash=cash, index=index)
    return index


# DECLARATION #


@external
@nonreentrant
def declare(
    token: IRecordDateToken,
    cash: IERC20,
    amount: uint256,
    record_timestamp: uint256,
    payment_date: uint256,
    expiry: uint256,
    excluded: DynArray[address, MAX_EXCLUDED],
) -> uint256:
    """
    @notice Declares a cash dividend on `token` and pulls `amount` of `cash` from the caller,
            who must have approved this contract for it.
    @dev The token's issuer only (ISSUER_ROLE), on a security the factory listed. The record
         date is scheduled on the token (the same timestamp as its latest record date shares
         that date). Fee-on-transfer cash tokens are refused.
    @param token The security.
    @param cash The ERC-20 paid out: the platform's stablecoin or a listed cash token.
    @param amount The whole dividend, in cash base units (below 2**128).
    @param record_timestamp When balances are recorded (strictly in the future).
    @param payment_date From when holders are paid (not before the record date).
    @param expiry From when the issuer may take back what is unclaimed (after the payment date).
    @param excluded Wallets that get nothing and do not count in the eligible supply
           (treasury, platform accounts); at most 8, no duplicates.
    @return The dividend's id for this token, from 1.
    """
    # Listed first: an unlisted token is not even asked who its issuer is.
    count_word: uint256 = self._dividend_counts[token.address]
    assert count_word & _LISTED != 0, "dividends: token not listed"
    assert corporate_action._is_issuer(token, msg.sender), "dividends: caller is not the issuer"
    assert amount != 0, "dividends: zero amount"
    assert amount <= _MASK_128, "dividends: amount too large"
    assert payment_date >= record_timestamp, "dividends: payment before record date"
    assert expiry > payment_date, "dividends: expiry not after payment"
    assert expiry <= MAX_TIMESTAMP, "dividends: expiry too far"
    record_date_id: uint256 = corporate_action._schedule(token, record_timestamp)
    cash_index: uint256 = self._cash_index_of(cash)

    dividend_id: uint256 = (count_word & ~_LISTED) + 1
    self._dividend_counts[token.address] = count_word + 1
    self._dividends[token.address][dividend_id] = (
        amount
        | record_date_id << _RECORD_SHIFT
        | payment_date << _PAYMENT_SHIFT
        | expiry << _EXPIRY_SHIFT
        | cash_index << _CASH_SHIFT
        | len(excluded) << _EXCLUDED_SHIFT
    )
    for i: uint256 in range(len(excluded), bound=MAX_EXCLUDED):
        wallet: address = excluded[i]
        assert wallet != empty(address), "dividends: zero excluded wallet"
        assert not self._excluded[token.address][dividend_id][wallet], "dividends: duplicate excluded wallet"
        self._excluded[token.address][dividend_id][wallet] = True
        self._excluded_list[token.address][dividend_id][i] = wallet

    balance_before: uint256 = staticcall cash.balanceOf(self)
    assert extcall cash.transferFrom(msg.sender, self, amount, default_return_value=True), "dividends: cash transfer failed"
    assert staticcall cash.balanceOf(self) - balance_before == amount, "dividends: cash token took a fee"
    log DividendDeclared(
        token=token.address,
        dividend_id=dividend_id,
        cash=cash.address,
        amount=amount,
        record_date_id=record_date_id,
        record_timestamp=record_timestamp,
        payment_date=payment_date,
        expiry=expiry,
        excluded=excluded,
    )
    return dividend_id


@external
@nonreentrant
def settle(token: IRecordDateToken, dividend_id: uint256) -> uint256:
    """
    @notice Fixes the eligible supply once the record date is reached. The first payment does it
            anyway; anyone may call this earlier so that the first claimant does not pay for it.
    @param token The security.
    @param dividend_id The dividend.
    @return The eligible supply.
    """
    word: uint256 = self._dividend(token, dividend_id)
    settlement: uint256 = self._settlements[token.address][dividend_id]
    assert settlement & _SETTLED == 0, "dividends: already settled"
    assert staticcall token.record_date(self._record_date_id(word)) <= block.timestamp, "dividends: record date not reached"
    return self._settle(token, dividend_id, word, settlement) & _MASK_96


# PAYMENT #


@external
@nonreentrant
def claim(token: IRecordDateToken, dividend_id: uint256) -> uint256:
    """
    @notice Pays the caller's dividend to the caller.
    @dev Between the payment date and the expiry; not to a frozen, excluded or recovered wallet
         (the new wallet of a recovered one uses `claim_recovered`).
    @param token The security.
    @param dividend_id The dividend.
    @return The amount paid.
    """
    word: uint256 = self._payable_dividend(token, dividend_id)
    balance: uint256 = 0
    frozen: bool = False
    recovered: bool = False
    balance, frozen, recovered = staticcall token.record_position(msg.sender, self._record_date_id(word))
    assert not frozen, "dividends: holder frozen"
    assert not recovered, "dividends: wallet recovered"
    return self._claim(token, dividend_id, word, msg.sender, balance)


@external
@nonreentrant
def claim_recovered(token: IRecordDateToken, dividend_id: uint256, lost_wallet: address) -> uint256:
    """
    @notice Pays a recovered wallet's dividend to the wallet its shares were recovered to.
    @dev The caller must be the end of `lost_wallet`'s recovery chain on the token.
    @param token The security.
    @param dividend_id The dividend.
    @param lost_wallet The wallet that held the shares at the record date.
    @return The amount paid.
    """
    word: uint256 = self._payable_dividend(token, dividend_id)
    assert lost_wallet != msg.sender, "dividends: wallet not recovered"
    assert corporate_action._current_wallet(token, lost_wallet) == msg.sender, "dividends: not the recovered wallet"
    assert not staticcall token.isFrozen(msg.sender), "dividends: holder frozen"
    return self._claim(token, dividend_id, word, lost_wallet, staticcall token.balanceOfAt(lost_wallet, self._record_date_id(word)))


@external
@nonreentrant
def pay(token: IRecordDateToken, dividend_id: uint256, holders: DynArray[address, MAX_BATCH]) -> uint256:
    """
    @notice Pushes the dividend to a batch of holders (the token's agent only). Holders already
            paid, frozen, excluded or with nothing due are skipped with an event, not reverted
            on; a recovered wallet's dividend goes to its new wallet.
    @param token The security.
    @param dividend_id The dividend.
    @param holders Wallets that held shares at the record date.
    @return The total paid by this call.
    """
    assert corporate_action._is_agent(token, msg.sender), "dividends: caller is not the agent"
    word: uint256 = self._payable_dividend(token, dividend_id)
    settlement: uint256 = self._settlement(token, dividend_id, word)
    record_date_id: uint256 = self._record_date_id(word)
    cash: address = self._cash(word)
    total: uint256 = 0
    for holder: address in holders:
        receiver: address = corporate_action._current_wallet(token, holder)
        reason: uint8 = 0
        due: uint256 = 0
        if self._excluded[token.address][dividend_id][holder]:
            reason = SKIP_EXCLUDED
        elif self._is_paid(token, dividend_id, holder):
            reason = SKIP_ALREADY_PAID
        elif staticcall token.isFrozen(receiver):
            reason = SKIP_FROZEN
        else:
            due = self._entitlement(word, settlement, staticcall token.balanceOfAt(holder, record_date_id))
            if due == 0:
                reason = SKIP_NOTHING_DUE
        if reason != 0:
            log DividendPaymentSkipped(token=token.address, dividend_id=dividend_id, holder=holder, reason=reason)
            continue
        total += due
        # The settlement word does not overflow into its flags: claimed <= amount < 2**128.
        assert ((settlement >> _CLAIMED_SHIFT) & _MASK_128) + total <= word & _MASK_128, "dividends: payout above the dividend"
        self._mark_paid(token, dividend_id, holder)
        self._settlements[token.address][dividend_id] = settlement + (total << _CLAIMED_SHIFT)
        self._send_cash(cash, receiver, due)
        log DividendPaid(token=token.address, dividend_id=dividend_id, holder=holder, receiver=receiver, amount=due, pushed=True)
    return total


@external
@nonreentrant
def cancel(token: IRecordDateToken, dividend_id: uint256) -> uint256:
    """
    @notice Cancels a dividend before its record date and refunds its cash to the caller (the
            token's issuer); the record date goes with it unless a vote or another dividend
            shares it. The dividend then reads as an amount of 0, settled and reclaimed.
    @dev Only the latest record date of the token can be cancelled (the token refuses others).
    @param token The security.
    @param dividend_id The dividend.
    @return The amount refunded.
    """
    word: uint256 = self._dividend(token, dividend_id)
    assert corporate_action._is_issuer(token, msg.sender), "dividends: caller is not the issuer"
    amount: uint256 = word & _MASK_128
    assert amount != 0, "dividends: dividend cancelled"
    record_date_id: uint256 = self._record_date_id(word)
    assert staticcall token.record_date(record_date_id) > block.timestamp, "dividends: record date reached"
    # The terms stay readable; an amount of 0, settled and reclaimed, pays nobody anything.
    self._dividends[token.address][dividend_id] = word ^ amount
    self._settlements[token.address][dividend_id] = _SETTLED | _RECLAIMED
    extcall token.cancel_record_date(record_date_id)
    self._send_cash(self._cash(word), msg.sender, amount)
    log DividendCancelled(token=token.address, dividend_id=dividend_id, receiver=msg.sender, amount=amount)
    return amount


@external
@nonreentrant
def reclaim(token: IRecordDateToken, dividend_id: uint256) -> uint256:
    """
    @notice After the expiry, pays the caller (the token's issuer) what was not claimed plus
            the rounding dust; once.
    @param token The security.
    @param dividend_id The dividend.
    @return The amount taken back.
    """
    assert corporate_action._is_issuer(token, msg.sender), "dividends: caller is not the issuer"
    word: uint256 = self._dividend(token, dividend_id)
    assert block.timestamp >= (word >> _EXPIRY_SHIFT) & _MASK_40, "dividends: not expired"
    settlement: uint256 = self._settlements[token.address][dividend_id]
    assert settlement & _RECLAIMED == 0, "dividends: already reclaimed"
    self._settlements[token.address][dividend_id] = settlement | _RECLAIMED
    remainder: uint256 = (word & _MASK_128) - ((settlement >> _CLAIMED_SHIFT) & _MASK_128)
    if remainder != 0:
        cash: address = self._cash(word)
        self._send_cash(cash, msg.sender, remainder)
    log DividendReclaimed(token=token.address, dividend_id=dividend_id, receiver=msg.sender, amount=remainder)
    return remainder


# VIEWS #


@view
@external
def dividend(token: address, dividend_id: uint256) -> Dividend:
    """
    @notice A dividend, decoded.
    @param token The security.
    @param dividend_id The dividend.
    @return Its terms and its state; `eligible_supply` is 0 until it is settled.
    """
    word: uint256 = self._dividends[token][dividend_id]
    assert word != 0, "dividends: unknown dividend"
    settlement: uint256 = self._settlements[token][dividend_id]
    record_date_id: uint256 = self._record_date_id(word)
    return Dividend(
        cash=self._cash(word),
        amount=word & _MASK_128,
        record_date_id=record_date_id,
        record_timestamp=staticcall IRecordDateToken(token).record_date(record_date_id),
        payment_date=(word >> _PAYMENT_SHIFT) & _MASK_40,
        expiry=(word >> _EXPIRY_SHIFT) & _MASK_40,
        excluded=self._excluded_wallets(token, dividend_id, word),
        settled=settlement & _SETTLED != 0,
        eligible_supply=settlement & _MASK_96,
        claimed=(settlement >> _CLAIMED_SHIFT) & _MASK_128,
        reclaimed=settlement & _RECLAIMED != 0,
    )


@view
@external
def entitlement(token: IRecordDateToken, dividend_id: uint256, holder: address) -> uint256:
    """
    @notice What a wallet is due (paid or not), once the record date is reached.
    @param token The security.
    @param dividend_id The dividend.
    @param holder The wallet that held shares at the record date.
    @return The amount; 0 before the record date, for an excluded wallet or no shares.
    """
    word: uint256 = self._dividend(token, dividend_id)
    record_date_id: uint256 = self._record_date_id(word)
    if staticcall token.record_date(record_date_id) > block.timestamp:
        return 0
    if self._excluded[token.address][dividend_id][holder]:
        return 0
    settlement: uint256 = self._settlements[token.address][dividend_id]
    if settlement & _SETTLED == 0:
        settlement = self._eligible_supply(token, dividend_id, word, record_date_id)
    return self._entitlement(word, settlement, staticcall token.balanceOfAt(holder, record_date_id))


@view
@external
def claimed(token: address, dividend_id: uint256, holder: address) -> bool:
    """
    @notice Whether a wallet's dividend was paid (claimed or pushed).
    @param token The security.
    @param dividend_id The dividend.
    @param holder The wallet that held shares at the record date.
    @return True when paid.
    """
    return self._is_paid(IRecordDateToken(token), dividend_id, holder)


@view
@external
def dividend_count(token: address) -> uint256:
    """
    @notice How many dividends were declared on a security (ids run from 1 to this).
    @param token The security.
    @return The count.
    """
    return self._dividend_counts[token] & ~_LISTED


@view
@external
def listed(token: address) -> bool:
    """
    @notice Whether the factory listed a security, so that dividends may be declared on it.
    @param token The security.
    @return True when listed.
    """
    return self._dividend_counts[token] & _LISTED != 0


@view
@external
def cash_tokens(index: uint256) -> address:
    """
    @notice A cash token by its index: 0 is the platform's stablecoin.
    @param index The index stored in dividends.
    @return Its address (empty for an index not listed).
    """
    if index == 0:
        return PLATFORM_CASH
    return self._cash_tokens[index]


# INTERNALS #


@internal
@view
def _dividend(token: IRecordDateToken, dividend_id: uint256) -> uint256:
    word: uint256 = self._dividends[token.address][dividend_id]
    assert word != 0, "dividends: unknown dividend"
    return word


@internal
@view
def _payable_dividend(token: IRecordDateToken, dividend_id: uint256) -> uint256:
    word: uint256 = self._dividend(token, dividend_id)
    assert block.timestamp >= (word >> _PAYMENT_SHIFT) & _MASK_40, "dividends: payment date not reached"
    assert block.timestamp < (word >> _EXPIRY_SHIFT) & _MASK_40, "dividends: expired"
    return word


@internal
@pure
def _record_date_id(word: uint256) -> uint256:
    return (word >> _RECORD_SHIFT) & _MASK_32


@internal
@view
def _excluded_wallets(token: address, dividend_id: uint256, word: uint256) -> DynArray[address, MAX_EXCLUDED]:
    wallets: DynArray[address, MAX_EXCLUDED] = []
    for i: uint256 in range((word >> _EXCLUDED_SHIFT) & 15, bound=MAX_EXCLUDED):
        wallets.append(self._excluded_list[token][dividend_id][i])
    return wallets


@internal
@view
def _eligible_supply(token: IRecordDateToken, dividend_id: uint256, word: uint256, record_date_id: uint256) -> uint256:
    """
    @return A settlement word with the eligible supply and the settled flag.
    """
    eligible: uint256 = staticcall token.totalSupplyAt(record_date_id)
    excluded: DynArray[address, MAX_EXCLUDED] = self._excluded_wallets(token.address, dividend_id, word)
    for wallet: address in excluded:
        eligible -= staticcall token.balanceOfAt(wallet, record_date_id)
    return eligible | _SETTLED


@internal
def _settle(token: IRecordDateToken, dividend_id: uint256, word: uint256, settlement: uint256) -> uint256:
    settled: uint256 = settlement | self._eligible_supply(token, dividend_id, word, self._record_date_id(word))
    self._settlements[token.address][dividend_id] = settled
    log DividendSettled(token=token.address, dividend_id=dividend_id, eligible_supply=settled & _MASK_96)
    return settled


@internal
def _settlement(token: IRecordDateToken, dividend_id: uint256, word: uint256) -> uint256:
    settlement: uint256 = self._settlements[token.address][dividend_id]
    if settlement & _SETTLED == 0:
        return self._settle(token, dividend_id, word, settlement)
    return settlement


@internal
@view
def _entitlement(word: uint256, settlement: uint256, record_balance: uint256) -> uint256:
    eligible: uint256 = settlement & _MASK_96
    if eligible == 0:
        return 0
    # A listed token's balances fit 96 bits and the amount 128: the product cannot overflow.
    return unsafe_div(unsafe_mul(record_balance, word & _MASK_128), eligible)


@internal
@view
def _is_paid(token: IRecordDateToken, dividend_id: uint256, holder: address) -> bool:
    return (self._paid_bits[token.address][holder][dividend_id >> 8] >> (dividend_id & 255)) & 1 != 0


@internal
def _mark_paid(token: IRecordDateToken, dividend_id: uint256, holder: address):
    self._paid_bits[token.address][holder][dividend_id >> 8] |= 1 << (dividend_id & 255)


@internal
def _claim(token: IRecordDateToken, dividend_id: uint256, word: uint256, holder: address, record_balance: uint256) -> uint256:
    """
    @dev Pays `holder`'s dividend (on `record_balance` shares at the record date) to the caller:
         effects first, the cash transfer last.
    """
    if word >> _EXCLUDED_SHIFT != 0:
        assert not self._excluded[token.address][dividend_id][holder], "dividends: wallet excluded"
    bits: uint256 = self._paid_bits[token.address][holder][dividend_id >> 8]
    flag: uint256 = 1 << (dividend_id & 255)
    assert bits & flag == 0, "dividends: already paid"
    settlement: uint256 = self._settlement(token, dividend_id, word)
    due: uint256 = self._entitlement(word, settlement, record_balance)
    assert due != 0, "dividends: nothing due"
    assert ((settlement >> _CLAIMED_SHIFT) & _MASK_128) + due <= word & _MASK_128, "dividends: payout above the dividend"
    self._paid_bits[token.address][holder][dividend_id >> 8] = bits | flag
    # Bounded just above: the claimed field stays below 2**128 and never carries into the flags.
    self._settlements[token.address][dividend_id] = unsafe_add(settlement, due << _CLAIMED_SHIFT)
    self._send_cash(self._cash(word), msg.sender, due)
    log DividendPaid(token=token.address, dividend_id=dividend_id, holder=holder, receiver=msg.sender, amount=due, pushed=False)
    return due


@internal
@view
def _cash(word: uint256) -> address:
    index: uint256 = (word >> _CASH_SHIFT) & 255
    if index == 0:
        return PLATFORM_CASH
    return self._cash_tokens[index]


@internal
@view
def _cash_index_of(cash: IERC20) -> uint256:
    """
    @dev Dividends store a one-byte index of their cash token, not its address.
    """
    if cash.address == PLATFORM_CASH:
        return 0
    index: uint256 = self._cash_index[cash.address]
    assert index != 0, "dividends: cash token not listed"
    return index


@internal
def _send_cash(cash: address, receiver: address, amount: uint256):
    """
    @dev Accepts ERC-20s that return nothing as well as those that return true.
    """
    assert extcall IERC20(cash).transfer(receiver, amount, default_return_value=True), "dividends: cash transfer failed"
