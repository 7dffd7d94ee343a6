# pragma version ~=0.4.3
"""
@title Keiretsu primary offering
@custom:contract-name Offering
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice Sells new shares of one security for a cash token (the IPO of an SME): verified investors
        subscribe with cash, which this contract escrows; after the end the offering closes as a
        success (subscriptions reached the soft cap) or a failure, and each subscriber is then
        settled on its own: shares minted and cash paid to the issuer, or cash refunded.

        Units. Shares are counted in the security token's base units, as `balanceOf` counts them
        (one base unit is one share for a token of 0 decimals, the default). Shares are sold in
        whole lots of `lot` base units at `price` cash base units per lot: a subscription of
        `shares` costs `shares / lot * price`. A 0-decimal token uses `lot = 1`, so `price` is the
        price of one share; an 18-decimal token sold by whole shares uses `lot = 10**18`. Every
        amount (subscriptions, minimum and maximum per investor, soft and hard cap) is a multiple
        of `lot`, so cash amounts are always exact.

        Oversubscription and allocation. Subscriptions may exceed the hard cap H up to
        `MAX_OVERSUBSCRIPTION` times H in total. If the total T exceeds H, subscriber i with
        subscription s_i is allotted a_i = floor(s_i * H / T / lot) * lot: pro-rata, rounded down
        to a whole lot, so the sum of allotments never exceeds H (the few lots left by rounding
        are not issued). The subscriber pays a_i / lot * price and gets the rest of its escrowed
        cash back. If T <= H every subscription is allotted in full.

        Roles. The issuer receives the cash. Whoever holds the token's `ISSUER_ROLE` now may close
        early once the hard cap is subscribed and may cancel before the end, so a key the operator
        revoked on the token loses these powers. The platform operator (`DEFAULT_ADMIN_ROLE` on the
        security token) may also cancel. The offering needs the token's `MINTER_ROLE` and
        renounces it when it can mint no more: at a failed close or a cancellation, and after a
        success once its last subscriber is settled. Closing after the end and settling are open
        to anyone, so no party can keep cash in escrow.

        Withdrawals close `WITHDRAWAL_CUTOFF` before the end, while subscriptions stay open until
        the end: whoever fills the subscriptions and withdraws leaves the others time to subscribe.

        Settlement refusal. If the token would refuse the allotted shares when a subscriber is
        settled (wallet frozen, KYC expired or revoked, a holder or country rule), that subscriber
        is refunded in full instead and `Refunded` carries the ERC-1404 code: nothing stays in
        escrow. Settling waits while the token is paused ("offering: token paused").

        The cash token is any ERC-20 (e.g. 6 or 18 decimals; amounts are in its base units);
        tokens that return nothing from `transfer` are supported, tokens that deliver less than
        the amount sent (fee on transfer) are refused. Each offering is an EIP-1167 clone of one
        implementation, set up by `initialize`.

        Every entry that moves cash or shares holds a reentrancy lock and writes its state before
        it calls out; the implementation itself refuses every state change.

        Gas: the terms are packed into five storage words and each subscriber into one, so a
        subscription reads six words; `close` is O(1), and each subscriber is settled by its own
        call or in a batch with one payment to the issuer.
"""

from ethereum.ercs import IERC20
from snekmate.auth.interfaces import IAccessControl

import lib.restrictions as restrictions
import interfaces.ISecurityToken as ISecurityToken


# CONSTANTS #

# Subscriptions may total at most this many times the hard cap, so each subscriber is allotted
# at least about a quarter of its subscription (less one lot of rounding).
MAX_OVERSUBSCRIPTION: public(constant(uint256)) = 4
MAX_BATCH: public(constant(uint256)) = 100
# Withdrawals close this long before the end: a subscription then holds, so wallets that fill
# the subscriptions cannot leave at the last second and make the offering fail.
WITHDRAWAL_CUTOFF: public(constant(uint256)) = 86_400

STATE_PENDING: public(constant(uint8)) = 0
STATE_OPEN: public(constant(uint8)) = 1
STATE_ENDED: public(constant(uint8)) = 2
STATE_SUCCEEDED: public(constant(uint8)) = 3
STATE_FAILED: public(constant(uint8)) = 4
STATE_CANCELLED: public(constant(uint8)) = 5

_BPS: constant(uint256) = 10_000
_DEFAULT_ADMIN_ROLE: constant(bytes32) = empty(bytes32)
_ISSUER_ROLE: constant(bytes32) = keccak256("ISSUER_ROLE")
_MINTER_ROLE: constant(bytes32) = keccak256("MINTER_ROLE")

_MASK_40: constant(uint256) = (1 << 40) - 1
_MASK_64: constant(uint256) = (1 << 64) - 1
_MASK_96: constant(uint256) = (1 << 96) - 1
_MASK_128: constant(uint256) = (1 << 128) - 1
_MASK_160: constant(uint256) = (1 << 160) - 1

# Schedule word: cash token (bits 0..159), start (160..199), end (200..239), status (240..247).
# The status is 0 while the offering is live, then STATE_SUCCEEDED, STATE_FAILED or STATE_CANCELLED.
_START_SHIFT: constant(uint256) = 160
_END_SHIFT: constant(uint256) = 200
_STATUS_SHIFT: constant(uint256) = 240
_LIVE: constant(uint8) = 0
# Asset word: security token (0..159), price per lot (160..255).
_PRICE_SHIFT: constant(uint256) = 160
# Limits word: minimum per investor (0..95), maximum per investor (96..191), lot (192..255).
_MAX_SHIFT: constant(uint256) = 96
_LOT_SHIFT: constant(uint256) = 192
# Book word: total subscribed (0..127), hard cap (128..223), subscribers not yet settled
# (224..255; counted so that the offering knows when it has minted its last shares).
_HARD_CAP_SHIFT: constant(uint256) = 128
_SUBSCRIBERS_SHIFT: constant(uint256) = 224
_ONE_SUBSCRIBER: constant(uint256) = 1 << _SUBSCRIBERS_SHIFT
# Proceeds word: issuer (0..159), soft cap (160..255).
_SOFT_CAP_SHIFT: constant(uint256) = 160
# Subscriber word: shares subscribed (0..127), settled (255).
_SETTLED: constant(uint256) = 1 << 255


# STRUCTS #

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


# What settling needs, read once per call however many subscribers it settles.
struct Settlement:
    token: address
    cash: address
    price: uint256
    lot: uint256
    total: uint256
    hard_cap: uint256
    succeeded: bool


# EVENTS #

event Initialized:
    security_token: indexed(address)
    cash_token: indexed(address)
    issuer: indexed(address)
    price: uint256
    lot: uint256
    soft_cap: uint256
    hard_cap: uint256
    start_time: uint256
    end_time: uint256

event Subscribed:
    investor: indexed(address)
    shares: uint256
    cash: uint256
    subscription: uint256

event Withdrawn:
    investor: indexed(address)
    shares: uint256
    cash: uint256
    subscription: uint256

event Closed:
    succeeded: bool
    total_subscribed: uint256
    closed_by: indexed(address)

event Cancelled:
    cancelled_by: indexed(address)

event Settled:
    subscriber: indexed(address)
    shares: uint256
    proceeds: uint256
    refund: uint256

event Refunded:
    subscriber: indexed(address)
    cash: uint256
    restriction: uint8


# STORAGE #

_schedule: uint256
_asset: uint256
_limits: uint256
_book: uint256
_proceeds: uint256
_subscriptions: HashMap[address, uint256]

_initialized: bool

# The implementation's own address: the clones run its code at other addresses.
_IMPLEMENTATION: immutable(address)


@deploy
def __init__():
    """
    @dev The implementation is never an offering itself: it locks itself so that nobody can
         initialise it, and refuses every other state change (`offering: implementation`); every
         offering is a clone set up through `initialize`.
    """
    self._initialized = True
    _IMPLEMENTATION = self


@external
def initialize(setup: OfferingSetup):
    """
    @notice Sets up a fresh clone; callable once (the issuance factory calls it in the same
            transaction as it creates the clone).
    @param setup The security token, the cash token, the issuer (receives the cash), the price in
           cash base units per lot, the lot in share base units, the minimum and maximum
           subscription per investor, the soft and hard cap (all in share base units, whole lots),
           and the start and end (unix seconds; subscriptions are open from start until before end).
    """
    assert not self._initialized, "offering: already initialized"
    assert setup.security_token != empty(address), "offering: zero security token"
    assert setup.cash_token.is_contract, "offering: cash token not a contract"
    assert setup.issuer != empty(address), "offering: zero issuer"
    assert setup.price != 0 and setup.price <= _MASK_96, "offering: price out of range"
    assert setup.lot != 0 and setup.lot <= _MASK_64, "offering: lot out of range"
    assert setup.soft_cap != 0, "offering: zero soft cap"
    assert setup.soft_cap <= setup.hard_cap, "offering: soft cap above hard cap"
    assert setup.hard_cap <= _MASK_96, "offering: hard cap out of range"
    assert setup.max_per_investor != 0, "offering: zero maximum"
    assert setup.min_per_investor <= setup.max_per_investor, "offering: minimum above maximum"
    assert setup.max_per_investor <= setup.hard_cap, "offering: maximum above hard cap"
    lot: uint256 = setup.lot
    assert (
        setup.min_per_investor % lot == 0
        and setup.max_per_investor % lot == 0
        and setup.soft_cap % lot == 0
        and setup.hard_cap % lot == 0
    ), "offering: not whole lots"
    assert setup.start_time < setup.end_time, "offering: start not before end"
    assert setup.end_time > block.timestamp and setup.end_time <= _MASK_40, "offering: end out of range"

    self._initialized = True
    self._schedule = (
        convert(setup.cash_token, uint256)
        | (setup.start_time << _START_SHIFT)
        | (setup.end_time << _END_SHIFT)
    )
    self._asset = convert(setup.security_token, uint256) | (setup.price << _PRICE_SHIFT)
    self._limits = setup.min_per_investor | (setup.max_per_investor << _MAX_SHIFT) | (lot << _LOT_SHIFT)
    self._book = setup.hard_cap << _HARD_CAP_SHIFT
    self._proceeds = convert(setup.issuer, uint256) | (setup.soft_cap << _SOFT_CAP_SHIFT)
    log Initialized(
        security_token=setup.security_token,
        cash_token=setup.cash_token,
        issuer=setup.issuer,
        price=setup.price,
        lot=lot,
        soft_cap=setup.soft_cap,
        hard_cap=setup.hard_cap,
        start_time=setup.start_time,
        end_time=setup.end_time,
    )


# SUBSCRIPTIONS #


@external
@nonreentrant
def subscribe(shares: uint256):
    """
    @notice Subscribes `shares` more shares for the caller and pulls their price in cash (approve
            `cost_of(shares)` to this offering first). The cash stays here until settlement.
    @dev Refused before the start, from the end, once closed or cancelled, for zero or partial
         lots, below the minimum or above the maximum per investor (counted on the caller's whole
         subscription), past `MAX_OVERSUBSCRIPTION` times the hard cap, and with the token's own
         message when the token would refuse the caller the shares (not verified, frozen...).
    @param shares The number of shares (base units, a multiple of `lot`).
    """
    schedule: uint256 = self._schedule
    self._check_open(schedule)
    cost: uint256 = self._add_subscription(msg.sender, shares)
    self._pull_cash(self._cash(schedule), msg.sender, cost)


@external
@nonreentrant
def subscribe_with_permit(shares: uint256, deadline: uint256, v: uint8, r: bytes32, s: bytes32):
    """
    @notice `subscribe` in one transaction with an EIP-2612 permit of the cash token, signed by
            the caller for this offering as spender and `cost_of(shares)` as value.
    @dev A permit already used (e.g. submitted by someone else first) is not an error as long as
         the allowance covers the cost, so front-running the permit cannot block a subscription.
    @param shares The number of shares (base units, a multiple of `lot`).
    @param deadline The permit's deadline.
    @param v The signature's recovery byte.
    @param r The signature's r.
    @param s The signature's s.
    """
    schedule: uint256 = self._schedule
    self._check_open(schedule)
    cost: uint256 = self._add_subscription(msg.sender, shares)
    cash: address = self._cash(schedule)
    permitted: bool = raw_call(
        cash,
        abi_encode(
            msg.sender,
            self,
            cost,
            deadline,
            v,
            r,
            s,
            method_id=method_id("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"),
        ),
        revert_on_failure=False,
    )
    if not permitted:
        assert staticcall IERC20(cash).allowance(msg.sender, self) >= cost, "offering: permit failed"
    self._pull_cash(cash, msg.sender, cost)


@external
@nonreentrant
def withdraw(shares: uint256):
    """
    @notice Takes back `shares` of the caller's subscription until `WITHDRAWAL_CUTOFF` before
            the end; their cash is returned at once. What remains must be zero or at least the
            minimum per investor.
    @param shares The number of shares (base units, a multiple of `lot`).
    """
    schedule: uint256 = self._schedule
    self._check_live(schedule)
    end: uint256 = (schedule >> _END_SHIFT) & _MASK_40
    assert block.timestamp < end, "offering: ended"
    assert block.timestamp + WITHDRAWAL_CUTOFF < end, "offering: withdrawals closed"
    assert shares != 0, "offering: zero shares"
    limits: uint256 = self._limits
    lot: uint256 = limits >> _LOT_SHIFT
    assert shares % lot == 0, "offering: not whole lots"
    subscription: uint256 = self._subscriptions[msg.sender]
    assert shares <= subscription, "offering: withdrawal above subscription"
    remaining: uint256 = subscription - shares
    assert remaining == 0 or remaining >= limits & _MASK_96, "offering: below minimum"

    self._subscriptions[msg.sender] = remaining
    if remaining == 0:
        self._book -= shares + _ONE_SUBSCRIBER
    else:
        self._book -= shares
    cash: uint256 = shares // lot * (self._asset >> _PRICE_SHIFT)
    self._send_cash(self._cash(schedule), msg.sender, cash)
    log Withdrawn(investor=msg.sender, shares=shares, cash=cash, subscription=remaining)


# CLOSING #


@external
@nonreentrant
def close():
    """
    @notice Ends the offering: a success if the subscriptions reach the soft cap, a failure
            otherwise. Anyone may close after the end; the issuer (a holder of the token's
            ISSUER_ROLE) may close earlier once the subscriptions reach the hard cap. Subscribers
            are then settled one by one. A failed offering renounces the token's MINTER_ROLE.
    """
    schedule: uint256 = self._schedule
    self._check_live(schedule)
    book: uint256 = self._book
    total: uint256 = book & _MASK_128
    token: address = self._token(self._asset)
    if block.timestamp < (schedule >> _END_SHIFT) & _MASK_40:
        assert staticcall IAccessControl(token).hasRole(_ISSUER_ROLE, msg.sender), "offering: not ended"
        assert total >= self._hard_cap(book), "offering: hard cap not reached"
    succeeded: bool = total >= self._proceeds >> _SOFT_CAP_SHIFT
    status: uint8 = STATE_FAILED
    if succeeded:
        status = STATE_SUCCEEDED
    self._schedule = schedule | (convert(status, uint256) << _STATUS_SHIFT)
    log Closed(succeeded=succeeded, total_subscribed=total, closed_by=msg.sender)
    if not succeeded:
        extcall IAccessControl(token).renounceRole(_MINTER_ROLE, self)


@external
@nonreentrant
def cancel():
    """
    @notice Cancels the offering before its end (the issuer or the platform operator, i.e. a
            holder of the security token's ISSUER_ROLE or an admin of it). Every subscriber is
            then refunded in full by `settle`; the offering renounces the token's MINTER_ROLE.
    """
    schedule: uint256 = self._schedule
    self._check_live(schedule)
    assert block.timestamp < (schedule >> _END_SHIFT) & _MASK_40, "offering: ended"
    token: address = self._token(self._asset)
    assert (
        staticcall IAccessControl(token).hasRole(_ISSUER_ROLE, msg.sender)
        or staticcall IAccessControl(token).hasRole(_DEFAULT_ADMIN_ROLE, msg.sender)
    ), "offering: not issuer or operator"
    self._schedule = schedule | (convert(STATE_CANCELLED, uint256) << _STATUS_SHIFT)
    log Cancelled(cancelled_by=msg.sender)
    extcall IAccessControl(token).renounceRole(_MINTER_ROLE, self)


@external
@nonreentrant
def settle(subscriber: address):
    """
    @notice Settles one subscriber after the close (anyone may call; each subscriber once). On
            success: mints the allotted shares to the subscriber, pays their price to the issuer
            and refunds the rest of the subscriber's cash. On failure or cancellation, or if the
            token would now refuse the subscriber the shares: refunds all of the subscriber's cash.
            Settling the last subscriber of a success renounces the token's MINTER_ROLE.
    @param subscriber The subscriber.
    """
    settlement: Settlement = self._settlement()
    subscription: uint256 = self._subscriptions[subscriber]
    assert subscription & _SETTLED == 0, "offering: already settled"
    assert subscription != 0, "offering: no subscription"
    proceeds: uint256 = self._settle(settlement, subscriber, subscription)
    self._pay_issuer(settlement, proceeds)


@external
@nonreentrant
def settle_many(subscribers: DynArray[address, MAX_BATCH]):
    """
    @notice `settle` for several subscribers, with one payment to the issuer for all of them.
            Addresses already settled or without a subscription are skipped, so a batch cannot be
            blocked by someone settling one of its subscribers first.
    @param subscribers The subscribers.
    """
    settlement: Settlement = self._settlement()
    proceeds: uint256 = 0
    for subscriber: address in subscribers:
        subscription: uint256 = self._subscriptions[subscriber]
        if subscription == 0 or subscription & _SETTLED != 0:
            continue
        proceeds += self._settle(settlement, subscriber, subscription)
    self._pay_issuer(settlement, proceeds)


# VIEWS #


@view
@external
def state() -> uint8:
    """
    @notice Where the offering stands: STATE_PENDING (before the start), STATE_OPEN, STATE_ENDED
            (past the end, waiting for `close`), STATE_SUCCEEDED, STATE_FAILED or STATE_CANCELLED.
    @return The state.
    """
    schedule: uint256 = self._schedule
    status: uint8 = self._status(schedule)
    if status != _LIVE:
        return status
    if block.timestamp < (schedule >> _START_SHIFT) & _MASK_40:
        return STATE_PENDING
    if block.timestamp < (schedule >> _END_SHIFT) & _MASK_40:
        return STATE_OPEN
    return STATE_ENDED


@view
@external
def security_token() -> address:
    """
    @notice The security whose shares are offered.
    @return The token.
    """
    return self._token(self._asset)


@view
@external
def cash_token() -> address:
    """
    @notice The token subscriptions are paid in.
    @return The token.
    """
    return self._cash(self._schedule)


@view
@external
def issuer() -> address:
    """
    @notice Who receives the proceeds.
    @return The issuer.
    """
    return self._issuer(self._proceeds)


@view
@external
def price() -> uint256:
    """
    @notice The price of one lot, in cash base units.
    @return The price.
    """
    return self._asset >> _PRICE_SHIFT


@view
@external
def lot() -> uint256:
    """
    @notice The shares (base units) sold as one lot; every amount is a multiple of it.
    @return The lot.
    """
    return self._limits >> _LOT_SHIFT


@view
@external
def start_time() -> uint256:
    """
    @notice When subscriptions open (unix seconds).
    @return The start.
    """
    return (self._schedule >> _START_SHIFT) & _MASK_40


@view
@external
def end_time() -> uint256:
    """
    @notice When subscriptions end (unix seconds); from then on the offering can be closed.
    @return The end.
    """
    return (self._schedule >> _END_SHIFT) & _MASK_40


@view
@external
def min_per_investor() -> uint256:
    """
    @notice The smallest subscription an investor may hold (shares, base units).
    @return The minimum.
    """
    return self._limits & _MASK_96


@view
@external
def max_per_investor() -> uint256:
    """
    @notice The largest subscription an investor may hold (shares, base units).
    @return The maximum.
    """
    return (self._limits >> _MAX_SHIFT) & _MASK_96


@view
@external
def soft_cap() -> uint256:
    """
    @notice The subscriptions needed for the offering to succeed (shares, base units).
    @return The soft cap.
    """
    return self._proceeds >> _SOFT_CAP_SHIFT


@view
@external
def hard_cap() -> uint256:
    """
    @notice The most shares the offering issues (base units).
    @return The hard cap.
    """
    return self._hard_cap(self._book)


@view
@external
def total_subscribed() -> uint256:
    """
    @notice All current subscriptions (shares, base units); may exceed the hard cap.
    @return The total.
    """
    return self._book & _MASK_128


@view
@external
def progress() -> uint256:
    """
    @notice Subscriptions as a share of the hard cap, in basis points (10,000 is fully
            subscribed; up to `MAX_OVERSUBSCRIPTION` times that).
    @return The progress in basis points.
    """
    book: uint256 = self._book
    return (book & _MASK_128) * _BPS // self._hard_cap(book)


@view
@external
def cost_of(shares: uint256) -> uint256:
    """
    @notice The cash a subscription of `shares` costs (the amount to approve or permit).
    @param shares The number of shares (base units, a multiple of `lot`).
    @return The cost in cash base units.
    """
    assert shares % (self._limits >> _LOT_SHIFT) == 0, "offering: not whole lots"
    return shares // (self._limits >> _LOT_SHIFT) * (self._asset >> _PRICE_SHIFT)


@view
@external
def subscription_of(investor: address) -> uint256:
    """
    @notice The investor's subscription (shares, base units); it stays readable after settlement.
    @param investor The wallet.
    @return The shares subscribed.
    """
    return self._subscriptions[investor] & _MASK_128


@view
@external
def is_settled(investor: address) -> bool:
    """
    @notice Whether the investor has been settled (shares and cash, or refund, paid out).
    @param investor The wallet.
    @return True once settled.
    """
    return self._subscriptions[investor] & _SETTLED != 0


@view
@external
def allocation_of(investor: address) -> uint256:
    """
    @notice The shares allotted to the investor: after a successful close, what `settle` mints
            (unless the token then refuses the investor); while the offering is live, what the
            investor would be allotted if it closed now; after a failure or cancellation, zero.
    @param investor The wallet.
    @return The allotted shares (base units).
    """
    status: uint8 = self._status(self._schedule)
    if status != _LIVE and status != STATE_SUCCEEDED:
        return 0
    book: uint256 = self._book
    return self._allocation(
        self._subscriptions[investor] & _MASK_128,
        book & _MASK_128,
        self._hard_cap(book),
        self._limits >> _LOT_SHIFT,
    )


# INTERNAL #


@internal
@pure
def _cash(schedule: uint256) -> address:
    return convert(convert(schedule & _MASK_160, uint160), address)


@internal
@pure
def _token(asset: uint256) -> address:
    return convert(convert(asset & _MASK_160, uint160), address)


@internal
@pure
def _issuer(proceeds: uint256) -> address:
    return convert(convert(proceeds & _MASK_160, uint160), address)


@internal
@pure
def _status(schedule: uint256) -> uint8:
    return convert((schedule >> _STATUS_SHIFT) & 255, uint8)


@internal
@pure
def _hard_cap(book: uint256) -> uint256:
    return (book >> _HARD_CAP_SHIFT) & _MASK_96


@internal
@pure
def _allocation(subscription: uint256, total: uint256, hard_cap: uint256, lot: uint256) -> uint256:
    if total <= hard_cap:
        return subscription
    return subscription * hard_cap // total // lot * lot


@internal
@view
def _check_clone():
    assert self != _IMPLEMENTATION, "offering: implementation"


@internal
@view
def _check_live(schedule: uint256):
    self._check_clone()
    status: uint8 = self._status(schedule)
    assert status != STATE_CANCELLED, "offering: cancelled"
    assert status == _LIVE, "offering: closed"


@internal
@view
def _check_open(schedule: uint256):
    self._check_live(schedule)
    assert block.timestamp >= (schedule >> _START_SHIFT) & _MASK_40, "offering: not started"
    assert block.timestamp < (schedule >> _END_SHIFT) & _MASK_40, "offering: ended"


@internal
def _add_subscription(investor: address, shares: uint256) -> uint256:
    """
    @dev Checks and records a subscription; returns its cost, which the caller then collects.
    """
    assert shares != 0, "offering: zero shares"
    limits: uint256 = self._limits
    lot: uint256 = limits >> _LOT_SHIFT
    assert shares % lot == 0, "offering: not whole lots"
    subscription: uint256 = self._subscriptions[investor] + shares
    assert subscription >= limits & _MASK_96, "offering: below minimum"
    assert subscription <= (limits >> _MAX_SHIFT) & _MASK_96, "offering: above maximum"
    book: uint256 = self._book
    assert (book & _MASK_128) + shares <= self._hard_cap(book) * MAX_OVERSUBSCRIPTION, "offering: subscriptions full"
    asset: uint256 = self._asset
    code: uint8 = staticcall ISecurityToken(self._token(asset)).restriction_to_receive(investor, subscription)
    if code != restrictions.SUCCESS:
        raise restrictions._message(code)

    self._subscriptions[investor] = subscription
    if subscription == shares:
        book += _ONE_SUBSCRIBER
    self._book = book + shares
    cost: uint256 = shares // lot * (asset >> _PRICE_SHIFT)
    log Subscribed(investor=investor, shares=shares, cash=cost, subscription=subscription)
    return cost


@internal
@view
def _settlement() -> Settlement:
    self._check_clone()
    schedule: uint256 = self._schedule
    status: uint8 = self._status(schedule)
    assert status != _LIVE, "offering: not closed"
    asset: uint256 = self._asset
    book: uint256 = self._book
    return Settlement(
        token=self._token(asset),
        cash=self._cash(schedule),
        price=asset >> _PRICE_SHIFT,
        lot=self._limits >> _LOT_SHIFT,
        total=book & _MASK_128,
        hard_cap=self._hard_cap(book),
        succeeded=status == STATE_SUCCEEDED,
    )


@internal
def _settle(settlement: Settlement, subscriber: address, subscription: uint256) -> uint256:
    """
    @dev Pays the subscriber out (shares and refund, or a full refund) and returns the issuer's
         proceeds from it, which the caller pays.
    """
    self._subscriptions[subscriber] = subscription | _SETTLED
    self._book -= _ONE_SUBSCRIBER
    paid: uint256 = subscription // settlement.lot * settlement.price
    allotted: uint256 = 0
    code: uint8 = restrictions.SUCCESS
    if settlement.succeeded:
        allotted = self._allocation(subscription, settlement.total, settlement.hard_cap, settlement.lot)
    if allotted != 0:
        code = staticcall ISecurityToken(settlement.token).restriction_to_receive(subscriber, allotted)
        # A pause is temporary: settlement waits for it rather than turning it into refunds.
        assert code != restrictions.PAUSED, "offering: token paused"
        if code != restrictions.SUCCESS:
            allotted = 0
    if allotted == 0:
        self._send_cash(settlement.cash, subscriber, paid)
        log Refunded(subscriber=subscriber, cash=paid, restriction=code)
        return 0

    proceeds: uint256 = allotted // settlement.lot * settlement.price
    refund: uint256 = paid - proceeds
    extcall ISecurityToken(settlement.token).mint(subscriber, allotted)
    if refund != 0:
        self._send_cash(settlement.cash, subscriber, refund)
    log Settled(subscriber=subscriber, shares=allotted, proceeds=proceeds, refund=refund)
    return proceeds


@internal
def _pay_issuer(settlement: Settlement, proceeds: uint256):
    """
    @dev Pays the proceeds of the subscribers just settled; once a success has settled its last
         subscriber, the offering can mint no more and gives up the token's MINTER_ROLE.
    """
    if proceeds != 0:
        self._send_cash(settlement.cash, self._issuer(self._proceeds), proceeds)
    if settlement.succeeded and self._book >> _SUBSCRIBERS_SHIFT == 0:
        extcall IAccessControl(settlement.token).renounceRole(_MINTER_ROLE, self)


@internal
def _pull_cash(cash: address, investor: address, amount: uint256):
    """
    @dev Measures what arrives, so a token that takes a fee on transfer cannot leave the escrow
         short of what the subscriptions say it holds.
    """
    before: uint256 = staticcall IERC20(cash).balanceOf(self)
    self._check_transfer(
        raw_call(
            cash,
            abi_encode(investor, self, amount, method_id=method_id("transferFrom(address,address,uint256)")),
            max_outsize=32,
        )
    )
    assert staticcall IERC20(cash).balanceOf(self) == before + amount, "offering: cash received short"


@internal
def _send_cash(cash: address, receiver: address, amount: uint256):
    self._check_transfer(
        raw_call(cash, abi_encode(receiver, amount, method_id=method_id("transfer(address,uint256)")), max_outsize=32)
    )


@internal
@pure
def _check_transfer(response: Bytes[32]):
    """
    @dev A token that returns nothing succeeded if it did not revert; one that returns a value
         must return true.
    """
    if len(response) != 0:
        assert abi_decode(response, bool), "offering: cash transfer failed"
