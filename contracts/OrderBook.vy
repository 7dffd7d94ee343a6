# pragma version ~=0.4.3
"""
@title Keiretsu order book
@custom:contract-name OrderBook
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice A limit order book for one security against a cash token, settling every trade in the
        same transaction: held shares to the buyer, cash to the seller (delivery versus payment).

        Units: quantities are in lots of `lot_size` token base units; prices are ticks, and one
        tick is `tick_size` cash base units per lot (ticks 1 to 65,535). A sell order places a
        hold on the seller's shares inside the token (they stay in the seller's wallet); a buy
        order escrows its cash (plus the maker fee) in this contract. The escrow is measured as it
        arrives: a cash token that takes a fee on transfer cannot rest bids.

        Matching is price-time priority. A refusal of the token is blamed on the party it is
        about: a resting order whose owner can no longer trade (frozen, KYC expired, removed,
        recovered, held shares gone) is cancelled when met, its hold or escrow released; a maker
        whose own caps or country refuse the shares is passed over and keeps its order; a refusal
        about the taker or the whole token (paused, lock-up) reverts the taker's call with its
        reason. So no order can block the book and no taker can wipe it. Two wallets of one
        investor never trade with each other: the resting order is cancelled instead. Every call
        meets at most `max_fills` (at most `MAX_FILLS`) orders, expired, ineligible and passed-over
        ones included; the holes cancellations leave inside a level do not count, they have a
        bound of their own (`MAX_HOLES`), and each call moves the level's head past those it steps over.

        Cash that cannot be paid (a stablecoin that blocks the receiver) is credited to the
        receiver, who takes it with `withdraw`; so neither a blocked maker nor a blocked refund
        can make a taker's call revert. A cash token that takes a fee on transfer is refused: the
        first payment to a seller in every call is measured, and a short one reverts the call.
        The operator or the token's agent can cancel any order in every status (`force_cancel`).

        One storage word per order, one per price level, a two-level bitmap of price levels and
        a cached best bid and ask keep each fill's cost independent of the size of the book. The
        market's settings sit in two words: what a sell needs (token, status, fees, lot size) and
        what a buy needs (cash, tick size, best bid and ask), so a call reads each at most once.
"""

from snekmate.auth import access_control
from ethereum.ercs import IERC20

import lib.identity_record as identity_record
import lib.restrictions as restrictions
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

interface ISecurityTokenHolds:
    def place_hold(holder: address, amount: uint256): nonpayable
    def release_hold(holder: address, amount: uint256) -> uint256: nonpayable
    def settle_hold(seller: address, buyer: address, amount: uint256) -> uint8: nonpayable
    def restriction_to_receive(receiver: address, amount: uint256) -> uint8: view
    def restriction_to_send(sender: address, amount: uint256) -> uint8: view
    def registry() -> address: view
    def recovered_to(wallet: address) -> address: view
    def hasRole(role: bytes32, account: address) -> bool: view


# CONSTANTS #

ISSUER_ROLE: public(constant(bytes32)) = keccak256("ISSUER_ROLE")
# The token's ERC-3643 agent, who may cancel any order (`force_cancel`) before moving held shares.
AGENT_ROLE: public(constant(bytes32)) = keccak256("AGENT_ROLE")

BUY: public(constant(uint8)) = 0
SELL: public(constant(uint8)) = 1

GOOD_TILL_CANCELLED: public(constant(uint8)) = 0
IMMEDIATE_OR_CANCEL: public(constant(uint8)) = 1
FILL_OR_KILL: public(constant(uint8)) = 2
POST_ONLY: public(constant(uint8)) = 3
MARKET: public(constant(uint8)) = 4

STATUS_TRADING: public(constant(uint8)) = 1
STATUS_HALTED: public(constant(uint8)) = 2
STATUS_DELISTED: public(constant(uint8)) = 3

# Why an order left the book without trading, in OrderCancelled; below 100 an ERC-1404 code.
CANCELLED_BY_OWNER: public(constant(uint8)) = 100
CANCELLED_EXPIRED: public(constant(uint8)) = 101
CANCELLED_SELF_TRADE: public(constant(uint8)) = 102
CANCELLED_BY_OPERATOR: public(constant(uint8)) = 104

MAX_FILLS: public(constant(uint256)) = 32
# Holes stepped over in one call: about 2,300 gas each, 2.4 million at most.
MAX_HOLES: public(constant(uint256)) = 1024
# Every step meets an order, steps over a hole or leaves a level whose rest was passed over
# (at most one per order met).
_MAX_STEPS: constant(uint256) = 2 * MAX_FILLS + MAX_HOLES + 1
# As the token's: a recovery chain is followed this far.
MAX_RECOVERY_HOPS: constant(uint256) = 8
MAX_TICK: public(constant(uint256)) = 65535
MAX_FEE_BPS: constant(uint256) = 1000
MAX_CANCELS: constant(uint256) = 50
MAX_DEPTH: constant(uint256) = 50
BPS: constant(uint256) = 10_000

_MASK_16: constant(uint256) = (1 << 16) - 1
_MASK_32: constant(uint256) = (1 << 32) - 1
_MASK_40: constant(uint256) = (1 << 40) - 1
_MASK_48: constant(uint256) = (1 << 48) - 1
_MASK_64: constant(uint256) = (1 << 64) - 1
_MASK_160: constant(uint256) = (1 << 160) - 1

# Market word: token (0..159) | status (160..167) | maker fee bps (168..179) | taker fee bps
# (180..191) | lot size (192..255: a lot of 10**18 base units, one share of 18 decimals, fits).
_STATUS_SHIFT: constant(uint256) = 160
_MAKER_FEE_SHIFT: constant(uint256) = 168
_TAKER_FEE_SHIFT: constant(uint256) = 180
_LOT_SIZE_SHIFT: constant(uint256) = 192
_MASK_24: constant(uint256) = (1 << 24) - 1
# Assets word: cash (0..159) | tick size (160..207) | best bid tick (208..223) | best ask tick
# (224..239); a best tick is 0 when that side is empty.
_TICK_SIZE_SHIFT: constant(uint256) = 160
_BEST_SHIFT: constant(uint256) = 208

# Order word: owner (0..159) | remaining lots (160..195) | expiry (196..227) | identity tag
# (228..243: low bits of the owner's identity, a cheap first test for self-trades) | maker fee
# rate a buy escrowed for (244..255).
_REMAINING_SHIFT: constant(uint256) = 160
_EXPIRY_SHIFT: constant(uint256) = 196
_TAG_SHIFT: constant(uint256) = 228
_FEE_SHIFT: constant(uint256) = 244
_MASK_36: constant(uint256) = (1 << 36) - 1
_MASK_12: constant(uint256) = (1 << 12) - 1
# Order id: side (56) | tick (40..55) | sequence within the level (0..39).
_SIDE_SHIFT: constant(uint256) = 56
_TICK_SHIFT: constant(uint256) = 40
# Level word: head sequence (0..39) | next sequence (40..79) | total lots (80..143).
_NEXT_SHIFT: constant(uint256) = 40
_TOTAL_SHIFT: constant(uint256) = 80
# Whom a refusal of `settle_hold` is about (`_blame`).
_BLAME_TAKER: constant(uint8) = 0
_BLAME_MAKER: constant(uint8) = 1
_BLAME_PASS: constant(uint8) = 2


# EVENTS #

event OrderPlaced:
    order_id: indexed(uint256)
    owner: indexed(address)
    side: uint8
    tick: uint256
    lots: uint256
    order_type: uint8
    expiry: uint256
    escrow: uint256
    maker_fee_bps: uint256

event Trade:
    maker_order_id: indexed(uint256)
    taker: indexed(address)
    maker: indexed(address)
    taker_side: uint8
    tick: uint256
    lots: uint256
    cash: uint256
    maker_fee: uint256
    taker_fee: uint256

event OrderCancelled:
    order_id: indexed(uint256)
    owner: indexed(address)
    lots: uint256
    reason: uint8

event TakerUnfilled:
    taker: indexed(address)
    side: uint8
    tick: uint256
    lots: uint256
    order_type: uint8
    fill_bound_reached: bool

event StatusChanged:
    status: uint8
    sender: indexed(address)

event FeesChanged:
    maker_fee_bps: uint256
    taker_fee_bps: uint256
    fee_recipient: address

event CashCredited:
    owner: indexed(address)
    amount: uint256

event CashWithdrawn:
    owner: indexed(address)
    amount: uint256


# STORAGE #

# Layouts next to the constants above.
_market: uint256
_assets: uint256
fee_recipient: public(address)
registry: public(address)
_top_bitmap: HashMap[uint256, uint256]
_bitmaps: HashMap[uint256, uint256]
_levels: HashMap[uint256, uint256]
_orders: HashMap[uint256, uint256]
_initialized: bool
# Cash owed to a wallet that could not be paid when it was due (see `withdraw`).
withdrawable: public(HashMap[address, uint256])


@deploy
def __init__():
    """
    @dev The implementation locks itself and keeps no role, so every state change refuses on
         it; each security's market is a clone set up by `initialize`.
    """
    access_control.__init__()
    access_control._revoke_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    self._initialized = True


@external
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
):
    """
    @notice Sets up a fresh clone for one security.
    @param token The security token (this market needs its MARKET_ROLE).
    @param cash The cash token: any standard ERC-20.
    @param lot_size Token base units per lot (at most 2**64 - 1).
    @param tick_size Cash base units per lot per tick (at most 2**48 - 1).
    @param admin The platform operator: fees, delisting, roles.
    @param issuer The issuer: may halt and resume trading.
    @param fee_recipient Where fees go (may be empty when both fees are 0).
    @param maker_fee_bps Fee on a maker's side of each trade, in basis points (at most 1,000).
    @param taker_fee_bps Fee on a taker's side, in basis points (at most 1,000).
    """
    assert not self._initialized, "market: already initialized"
    assert token != empty(address) and cash != empty(address), "market: zero token or cash"
    assert admin != empty(address), "market: zero admin"
    assert lot_size != 0 and lot_size <= _MASK_64, "market: bad lot size"
    assert tick_size != 0 and tick_size <= _MASK_48, "market: bad tick size"
    self._initialized = True
    self._check_fees(maker_fee_bps, taker_fee_bps, fee_recipient)
    self._market = (
        convert(token, uint256)
        | (convert(STATUS_TRADING, uint256) << _STATUS_SHIFT)
        | (maker_fee_bps << _MAKER_FEE_SHIFT)
        | (taker_fee_bps << _TAKER_FEE_SHIFT)
        | (lot_size << _LOT_SIZE_SHIFT)
    )
    self._assets = convert(cash, uint256) | (tick_size << _TICK_SIZE_SHIFT)
    self.fee_recipient = fee_recipient
    self.registry = staticcall ISecurityTokenHolds(token).registry()
    access_control._grant_role(access_control.DEFAULT_ADMIN_ROLE, admin)
    if msg.sender != admin:
        access_control._grant_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    if issuer != empty(address):
        access_control._grant_role(ISSUER_ROLE, issuer)
    log StatusChanged(status=STATUS_TRADING, sender=msg.sender)
    log FeesChanged(maker_fee_bps=maker_fee_bps, taker_fee_bps=taker_fee_bps, fee_recipient=fee_recipient)


# TRADING #


@external
@nonreentrant
def place_order(side: uint8, tick: uint256, lots: uint256, order_type: uint8, expiry: uint256, max_fills: uint256) -> uint256:
    """
    @notice Places an order: it trades at once against the other side as far as its price and
            type allow, and a good-till-cancelled or post-only remainder rests on the book.
    @param side BUY (0) or SELL (1).
    @param tick The limit price in ticks; for a MARKET order the worst price accepted.
    @param lots How many lots.
    @param order_type GOOD_TILL_CANCELLED, IMMEDIATE_OR_CANCEL, FILL_OR_KILL, POST_ONLY or MARKET.
    @param expiry Unix time after which a resting remainder no longer trades; 0 for none.
    @param max_fills At most this many resting orders are met (1..MAX_FILLS; holes do not count);
           what the bound cuts off is cancelled (IOC, MARKET, and GTC while the book still
           crosses its price, since resting it would cross the book; otherwise a GTC remainder
           rests). A FOK order that is not filled in full, whether it crossed or not, reverts.
    @return The id of the resting remainder, or 0 when nothing rests.
    """
    market: uint256 = self._market
    assert (market >> _STATUS_SHIFT) & 255 == convert(STATUS_TRADING, uint256), "market: not trading"
    assert side <= SELL, "market: bad side"
    assert order_type <= MARKET, "market: bad order type"
    assert tick != 0 and tick <= MAX_TICK, "market: tick out of range"
    assert lots != 0 and lots <= _MASK_36, "market: bad quantity"
    assert max_fills != 0 and max_fills <= MAX_FILLS, "market: bad fill bound"
    assert expiry == 0 or (expiry > block.timestamp and expiry <= _MASK_32), "market: bad expiry"
    registry: address = self.registry
    identity: uint256 = self._identity(registry, msg.sender)
    if identity == 0:
        if side == BUY:
            raise restrictions._message(restrictions.RECIPIENT_NOT_VERIFIED)
        raise restrictions._message(restrictions.SENDER_NOT_VERIFIED)

    token: address = convert(market & _MASK_160, address)
    assets: uint256 = self._assets
    maker_side: uint8 = SELL if side == BUY else BUY
    crosses: bool = self._reaches(side, self._best_of(assets, maker_side), tick)
    if order_type == POST_ONLY:
        assert not crosses, "market: post-only order would trade"

    remaining: uint256 = lots
    bound_reached: bool = False
    if crosses:
        if side == SELL:
            # The taker's own shares go through a hold, like a maker's, after the same check a
            # resting sell gets: what the bound or skipped bids leave over may rest.
            shares: uint256 = lots * self._lot_size(market)
            code: uint8 = staticcall ISecurityTokenHolds(token).restriction_to_send(msg.sender, shares)
            if code != restrictions.SUCCESS:
                raise restrictions._message(code)
            # The token is this platform's clone: no code-size check.
            extcall ISecurityTokenHolds(token).place_hold(msg.sender, shares, skip_contract_check=True)
        remaining, bound_reached, assets = self._match(market, assets, registry, side, tick, lots, identity, max_fills)
    if order_type == FILL_OR_KILL:
        assert remaining == 0, "market: fill-or-kill not filled"

    if remaining == 0:
        return 0
    # A remainder the fill bound cut off while the book still crosses its price cannot rest:
    # it would cross the book (best bid at or above best ask). It is cancelled as for IOC.
    cut_off: bool = crosses and self._reaches(side, self._best_of(assets, maker_side), tick)
    if order_type == IMMEDIATE_OR_CANCEL or order_type == MARKET or cut_off:
        if side == SELL and crosses:
            extcall ISecurityTokenHolds(token).release_hold(msg.sender, remaining * self._lot_size(market))
        log TakerUnfilled(
            taker=msg.sender, side=side, tick=tick, lots=remaining, order_type=order_type, fill_bound_reached=bound_reached
        )
        return 0
    return self._rest(market, assets, side, tick, remaining, expiry, identity, order_type, crosses)


@external
@nonreentrant
def cancel_order(order_id: uint256):
    """
    @notice Cancels a resting order of the caller's, or of a lost wallet recovered to the caller,
            and releases its hold or escrow. Allowed whatever the market's status.
    @param order_id The order.
    """
    self._cancel_own(order_id)


@external
@nonreentrant
def cancel_orders(order_ids: DynArray[uint256, MAX_CANCELS]):
    """
    @notice `cancel_order` for several of the caller's orders.
    @param order_ids The orders.
    """
    for order_id: uint256 in order_ids:
        self._cancel_own(order_id)


@external
@nonreentrant
def force_cancel(order_ids: DynArray[uint256, MAX_CANCELS]):
    """
    @notice Cancels any resting orders (the platform operator or the token's agent), in every
            market status: before a forced transfer of held shares, or to unwind the orders of a
            lost wallet. Holds are released and escrow refunded to the end of the owner's
            recovery chain. An order already gone is passed over.
    @param order_ids The orders.
    """
    if not access_control.hasRole[access_control.DEFAULT_ADMIN_ROLE][msg.sender]:
        token: address = convert(self._market & _MASK_160, address)
        assert staticcall ISecurityTokenHolds(token).hasRole(AGENT_ROLE, msg.sender), "market: not an operator or agent"
    for order_id: uint256 in order_ids:
        word: uint256 = self._orders[order_id]
        if word != 0:
            self._cancel(order_id, word, CANCELLED_BY_OPERATOR, True)


@external
@nonreentrant
def withdraw():
    """
    @notice Pays the caller the cash credited to it because paying it at the time failed (a
            refund or the proceeds of a trade, refused by the cash token).
    """
    amount: uint256 = self.withdrawable[msg.sender]
    assert amount != 0, "market: nothing to withdraw"
    self.withdrawable[msg.sender] = 0
    response: Bytes[32] = raw_call(
        convert(self._assets & _MASK_160, address),
        abi_encode(msg.sender, amount, method_id=method_id("transfer(address,uint256)")),
        max_outsize=32,
    )
    assert len(response) == 0 or convert(response, bool), "market: cash transfer failed"
    log CashWithdrawn(owner=msg.sender, amount=amount)


# ADMINISTRATION #


@external
def halt():
    """
    @notice Suspends trading (issuer or admin); cancellations stay possible.
    """
    self._check_issuer_or_admin()
    assert (self._market >> _STATUS_SHIFT) & 255 == convert(STATUS_TRADING, uint256), "market: not trading"
    self._set_status(STATUS_HALTED)


@external
def resume():
    """
    @notice Resumes trading after a halt (issuer or admin).
    """
    self._check_issuer_or_admin()
    assert (self._market >> _STATUS_SHIFT) & 255 == convert(STATUS_HALTED, uint256), "market: not halted"
    self._set_status(STATUS_TRADING)


@external
def delist():
    """
    @notice Closes the market for good (admin only); resting orders can still be cancelled.
    """
    access_control._check_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    assert (self._market >> _STATUS_SHIFT) & 255 != convert(STATUS_DELISTED, uint256), "market: delisted"
    self._set_status(STATUS_DELISTED)


@external
def set_fees(maker_fee_bps: uint256, taker_fee_bps: uint256, fee_recipient: address):
    """
    @notice Sets the fees (admin only). Resting buy orders keep the maker fee they escrowed for.
    @param maker_fee_bps Maker fee in basis points (at most 1,000).
    @param taker_fee_bps Taker fee in basis points (at most 1,000).
    @param fee_recipient Where fees go; required when a fee is set.
    """
    access_control._check_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    self._check_fees(maker_fee_bps, taker_fee_bps, fee_recipient)
    market: uint256 = self._market
    self._market = (market & ~(_MASK_24 << _MAKER_FEE_SHIFT)) | (maker_fee_bps << _MAKER_FEE_SHIFT) | (taker_fee_bps << _TAKER_FEE_SHIFT)
    self.fee_recipient = fee_recipient
    log FeesChanged(maker_fee_bps=maker_fee_bps, taker_fee_bps=taker_fee_bps, fee_recipient=fee_recipient)


# VIEWS #


@view
@external
def token() -> address:
    """
    @notice The security traded here.
    @return Its address.
    """
    return convert(self._market & _MASK_160, address)


@view
@external
def cash() -> address:
    """
    @notice The cash token trades settle in.
    @return Its address.
    """
    return convert(self._assets & _MASK_160, address)


@view
@external
def lot_size() -> uint256:
    """
    @notice Token base units per lot.
    @return The lot size.
    """
    return self._lot_size(self._market)


@view
@external
def tick_size() -> uint256:
    """
    @notice Cash base units per lot for one tick of price.
    @return The tick size.
    """
    return self._tick_size(self._assets)


@view
@external
def status() -> uint8:
    """
    @notice STATUS_TRADING, STATUS_HALTED or STATUS_DELISTED.
    @return The status.
    """
    return convert((self._market >> _STATUS_SHIFT) & 255, uint8)


@view
@external
def fees() -> (uint256, uint256):
    """
    @notice The maker and taker fees in basis points.
    @return maker fee, taker fee.
    """
    market: uint256 = self._market
    return (market >> _MAKER_FEE_SHIFT) & _MASK_12, (market >> _TAKER_FEE_SHIFT) & _MASK_12


@view
@external
def best_bid_ask() -> (uint256, uint256, uint256, uint256):
    """
    @notice The best prices and the lots resting there (0s for an empty side).
    @return bid tick, bid lots, ask tick, ask lots.
    """
    assets: uint256 = self._assets
    bid: uint256 = self._best_of(assets, BUY)
    ask: uint256 = self._best_of(assets, SELL)
    bid_lots: uint256 = 0
    ask_lots: uint256 = 0
    if bid != 0:
        bid_lots = self._levels[self._level_key(BUY, bid)] >> _TOTAL_SHIFT
    if ask != 0:
        ask_lots = self._levels[self._level_key(SELL, ask)] >> _TOTAL_SHIFT
    return bid, bid_lots, ask, ask_lots


@view
@external
def depth(side: uint8, levels: uint256) -> DynArray[uint256[2], MAX_DEPTH]:
    """
    @notice The best `levels` price levels of one side, each [tick, total lots], best first.
    @param side BUY or SELL.
    @param levels How many levels (at most 50).
    @return The levels.
    """
    assert side <= SELL, "market: bad side"
    result: DynArray[uint256[2], MAX_DEPTH] = []
    tick: uint256 = self._best_of(self._assets, side)
    for _: uint256 in range(MAX_DEPTH):
        if tick == 0 or len(result) == levels:
            break
        result.append([tick, self._levels[self._level_key(side, tick)] >> _TOTAL_SHIFT])
        tick = self._next_tick(side, tick)
    return result


@view
@external
def order(order_id: uint256) -> (address, uint8, uint256, uint256, uint256):
    """
    @notice A resting order (zeros once it is filled or cancelled).
    @param order_id The order.
    @return owner, side, tick, remaining lots, expiry.
    """
    word: uint256 = self._orders[order_id]
    if word == 0:
        return empty(address), 0, 0, 0, 0
    return (
        convert(word & _MASK_160, address),
        convert(order_id >> _SIDE_SHIFT, uint8),
        (order_id >> _TICK_SHIFT) & _MASK_16,
        (word >> _REMAINING_SHIFT) & _MASK_36,
        (word >> _EXPIRY_SHIFT) & _MASK_32,
    )


@view
@external
def open_orders(owner: address, side: uint8, max_levels: uint256, max_orders_per_level: uint256) -> DynArray[uint256, 100]:
    """
    @notice An owner's resting order ids on one side, searched from the best price over at most
            `max_levels` levels and `max_orders_per_level` orders in each (a bounded view; the
            OrderPlaced and OrderCancelled events give the complete list).
    @param owner The trader.
    @param side BUY or SELL.
    @param max_levels Levels to search (at most 50).
    @param max_orders_per_level Orders to look at per level (at most 100).
    @return The order ids, best price and oldest first.
    """
    assert side <= SELL, "market: bad side"
    found: DynArray[uint256, 100] = []
    tick: uint256 = self._best_of(self._assets, side)
    for searched: uint256 in range(MAX_DEPTH):
        if tick == 0 or searched == max_levels:
            break
        level: uint256 = self._levels[self._level_key(side, tick)]
        sequence: uint256 = level & _MASK_40
        end: uint256 = (level >> _NEXT_SHIFT) & _MASK_40
        for _i: uint256 in range(100):
            if sequence >= end or _i >= max_orders_per_level or len(found) == 100:
                break
            order_id: uint256 = self._order_id(side, tick, sequence)
            if self._orders[order_id] & _MASK_160 == convert(owner, uint256):
                found.append(order_id)
            sequence += 1
        tick = self._next_tick(side, tick)
    return found


@view
@external
def escrow_of(order_id: uint256) -> uint256:
    """
    @notice The cash a resting buy order holds in escrow (its remaining notional plus its maker fee).
    @param order_id A buy order.
    @return The escrowed amount.
    """
    word: uint256 = self._orders[order_id]
    if word == 0 or order_id >> _SIDE_SHIFT != convert(BUY, uint256):
        return 0
    return self._escrow((word >> _REMAINING_SHIFT) & _MASK_36, (order_id >> _TICK_SHIFT) & _MASK_16, self._tick_size(self._assets), word >> _FEE_SHIFT)


# INTERNALS: matching #


@internal
def _match(
    market: uint256, assets: uint256, registry: address, side: uint8, limit: uint256, lots: uint256, identity: uint256, max_fills: uint256
) -> (uint256, bool, uint256):
    """
    @dev Meets resting orders of the other side from the best price on. Returns the lots left,
         whether the fill or hole bound stopped matching, and the assets word as updated (best
         prices). Each order's and level's words are written before any cash moves.
    """
    token: address = convert(market & _MASK_160, address)
    cash: address = convert(assets & _MASK_160, address)
    lot_size: uint256 = self._lot_size(market)
    tick_size: uint256 = self._tick_size(assets)
    maker_side: uint8 = SELL if side == BUY else BUY
    taker_fee_bps: uint256 = (market >> _TAKER_FEE_SHIFT) & _MASK_12
    maker_fee_bps: uint256 = (market >> _MAKER_FEE_SHIFT) & _MASK_12
    updated_assets: uint256 = assets
    remaining: uint256 = lots
    fills: uint256 = 0
    holes: uint256 = 0
    fees: uint256 = 0
    taker_proceeds: uint256 = 0
    bound_reached: bool = False
    # Whether a payment to a seller was measured in this call (a fee on transfer refuses it).
    measured: bool = False
    # The caller checked that the best price crosses.
    tick: uint256 = self._best_of(assets, maker_side)
    key: uint256 = self._level_key(maker_side, tick)
    level: uint256 = self._levels[key]
    # The id of the next order of the level to look at (a level's ids are its key above the
    # sequence, as `_order_id`); the head follows it until an order is passed over, which keeps
    # its place at the head.
    cursor: uint256 = (key << _TICK_SHIFT) | (level & _MASK_40)
    passed: bool = False
    # Whether any level was passed over: it stays the best, the levels used up after it are not.
    any_passed: bool = False
    head_moved: bool = False
    for _: uint256 in range(_MAX_STEPS):
        if remaining == 0:
            break
        if cursor & _MASK_40 == (level >> _NEXT_SHIFT) & _MASK_40:
            # Only orders passed over are left at this price (a level left empty is removed).
            if head_moved:
                self._levels[key] = level
                head_moved = False
            tick = self._next_tick(maker_side, tick)
            if not self._reaches(side, tick, limit):
                break
            key = self._level_key(maker_side, tick)
            level = self._levels[key]
            cursor = (key << _TICK_SHIFT) | (level & _MASK_40)
            passed = False
            continue
        if fills == max_fills or holes == MAX_HOLES:
            bound_reached = True
            break
        order_id: uint256 = cursor
        word: uint256 = self._orders[order_id]
        # The sequence was below the level's next one (40 bits): it cannot carry into the tick.
        cursor = unsafe_add(cursor, 1)
        if word == 0:
            # A hole left by a cancellation: step over it, on its own bound.
            holes = unsafe_add(holes, 1)
            if not passed:
                level = (level & ~_MASK_40) | (cursor & _MASK_40)
                head_moved = True
            continue
        fills = unsafe_add(fills, 1)
        maker: address = convert(word & _MASK_160, address)
        available: uint256 = (word >> _REMAINING_SHIFT) & _MASK_36
        # Lots that leave the order: those traded, or all of them when it is cancelled.
        quantity: uint256 = min(remaining, available)
        reason: uint8 = 0
        expiry: uint256 = (word >> _EXPIRY_SHIFT) & _MASK_32
        if expiry != 0 and expiry <= block.timestamp:
            reason = CANCELLED_EXPIRED
            quantity = available
        elif (word >> _TAG_SHIFT) & _MASK_16 == identity & _MASK_16 and self._identity_key(registry, maker) == identity:
            reason = CANCELLED_SELF_TRADE
            quantity = available
        else:
            seller: address = maker
            buyer: address = msg.sender
            if side == SELL:
                seller = msg.sender
                buyer = maker
            # Lots fit 36 bits and a lot 64: no overflow.
            code: uint8 = extcall ISecurityTokenHolds(token).settle_hold(seller, buyer, unsafe_mul(quantity, lot_size))
            if code == restrictions.SUCCESS:
                remaining = unsafe_sub(remaining, quantity)
            else:
                blame: uint8 = self._blame(code, side == BUY)
                if blame == _BLAME_TAKER:
                    raise restrictions._message(code)
                if blame == _BLAME_PASS:
                    passed = True
                    any_passed = True
                    continue
                reason = code
                quantity = available
        fill_tick: uint256 = tick
        # The level's total comes down by the lots leaving (a checked subtraction: the total is
        # the sum of its orders' lots); an order that leaves in full moves the head on, unless
        # one before it was passed over.
        level -= quantity << _TOTAL_SHIFT
        if quantity == available:
            self._orders[order_id] = 0
            if not passed:
                level = unsafe_add(level, 1)
        else:
            self._orders[order_id] = unsafe_sub(word, quantity << _REMAINING_SHIFT)
        head_moved = False
        emptied: bool = level >> _TOTAL_SHIFT == 0
        if emptied:
            # The level is used up: store it empty and move to the next price, reading that
            # level only when the taker goes on to it.
            self._levels[key] = self._emptied(level)
            tick, updated_assets = self._remove_level(maker_side, fill_tick, updated_assets)
            if any_passed:
                tick = self._next_tick(maker_side, fill_tick)
        else:
            self._levels[key] = level

        if reason != 0:
            self._unwind(maker_side, fill_tick, available, word, True)
            log OrderCancelled(order_id=order_id, owner=maker, lots=available, reason=reason)
        else:
            # Lots (36 bits) x tick (16) x tick size (48), times a fee rate (12), fit easily; a fee
            # (at most 10 %, rounded up) never exceeds the notional, which is at least 1.
            notional: uint256 = unsafe_mul(unsafe_mul(quantity, fill_tick), tick_size)
            # Fees round up (as `_fee`, inline on this path).
            taker_fee: uint256 = unsafe_div(unsafe_add(unsafe_mul(notional, taker_fee_bps), BPS - 1), BPS)
            maker_fee: uint256 = 0
            if side == BUY:
                maker_fee = unsafe_div(unsafe_add(unsafe_mul(notional, maker_fee_bps), BPS - 1), BPS)
                if measured:
                    ok: bool = False
                    response: Bytes[32] = b""
                    ok, response = raw_call(
                        cash,
                        abi_encode(msg.sender, maker, unsafe_sub(notional, maker_fee), method_id=method_id("transferFrom(address,address,uint256)")),
                        max_outsize=32,
                        revert_on_failure=False,
                    )
                    if not ok or (len(response) != 0 and not convert(response, bool)):
                        self._pay_through_market(cash, msg.sender, maker, unsafe_sub(notional, maker_fee))
                else:
                    self._pay(cash, msg.sender, maker, unsafe_sub(notional, maker_fee), True)
                    measured = True
            else:
                # The maker's escrow pays: its fee is what the escrow held for these lots.
                fee_rate: uint256 = word >> _FEE_SHIFT
                maker_fee = self._escrow(available, fill_tick, tick_size, fee_rate) - self._escrow(available - quantity, fill_tick, tick_size, fee_rate) - notional
                taker_proceeds += notional - taker_fee
            # At most MAX_FILLS fees of under 2**112 each.
            fees = unsafe_add(fees, unsafe_add(taker_fee, maker_fee))
            log Trade(
                maker_order_id=order_id,
                taker=msg.sender,
                maker=maker,
                taker_side=side,
                tick=fill_tick,
                lots=quantity,
                cash=notional,
                maker_fee=maker_fee,
                taker_fee=taker_fee,
            )
        if emptied:
            if remaining == 0 or not self._reaches(side, tick, limit):
                break
            key = self._level_key(maker_side, tick)
            level = self._levels[key]
            cursor = (key << _TICK_SHIFT) | (level & _MASK_40)
            passed = False
    if head_moved:
        self._levels[key] = level
    if taker_proceeds != 0:
        self._send(cash, msg.sender, taker_proceeds, True)
    if fees != 0:
        if side == BUY:
            self._pay(cash, msg.sender, self.fee_recipient, fees, False)
        else:
            self._send(cash, self.fee_recipient, fees, False)
    return remaining, bound_reached, updated_assets


@internal
@pure
def _reaches(taker_side: uint8, tick: uint256, limit: uint256) -> bool:
    """
    @dev Whether a taker with this limit trades at `tick` (0: no level there).
    """
    if tick == 0:
        return False
    if taker_side == BUY:
        return tick <= limit
    return tick >= limit


@internal
@pure
def _blame(code: uint8, maker_sells: bool) -> uint8:
    """
    @dev Whom a refusal of `settle_hold` is about. The maker's order is cancelled only for a
         cause that lies with the maker: as seller, not verified, frozen or its held shares
         gone; as buyer, not verified or frozen. The buying maker's caps and country are passed
         over without cancelling (they may change). Anything else (the taker, a pause, a
         lock-up, an unknown code) reverts the taker's call.
    """
    if maker_sells:
        if (
            code == restrictions.SENDER_NOT_VERIFIED
            or code == restrictions.SENDER_FROZEN
            or code == restrictions.INSUFFICIENT_FREE_BALANCE
            or code == restrictions.INSUFFICIENT_HELD_BALANCE
        ):
            return _BLAME_MAKER
        return _BLAME_TAKER
    if code == restrictions.RECIPIENT_NOT_VERIFIED or code == restrictions.RECIPIENT_FROZEN:
        return _BLAME_MAKER
    if (
        code == restrictions.HOLDER_LIMIT_REACHED
        or code == restrictions.BALANCE_LIMIT_EXCEEDED
        or code == restrictions.COUNTRY_NOT_ALLOWED
    ):
        return _BLAME_PASS
    return _BLAME_TAKER


@internal
def _unwind(side: uint8, tick: uint256, lots: uint256, word: uint256, follow_recovery: bool):
    """
    @dev Gives a leaving order's owner back its hold (sell; the token follows a recovery) or
         escrow (buy: to the end of the owner's recovery chain when `follow_recovery`, else to
         the owner, who is the caller); reads only the settings word that side needs.
    """
    owner: address = convert(word & _MASK_160, address)
    if side == SELL:
        market: uint256 = self._market
        extcall ISecurityTokenHolds(convert(market & _MASK_160, address)).release_hold(owner, lots * self._lot_size(market))
    else:
        receiver: address = owner
        if follow_recovery:
            receiver = self._recovered_end(convert(self._market & _MASK_160, address), owner)
        assets: uint256 = self._assets
        self._send(convert(assets & _MASK_160, address), receiver, self._escrow(lots, tick, self._tick_size(assets), word >> _FEE_SHIFT), False)


@internal
@view
def _recovered_end(token: address, wallet: address) -> address:
    """
    @dev The wallet at the end of `wallet`'s recovery chain (itself when never recovered).
    """
    current: address = wallet
    for _: uint256 in range(MAX_RECOVERY_HOPS):
        successor: address = staticcall ISecurityTokenHolds(token).recovered_to(current)
        if successor == empty(address):
            break
        current = successor
    return current


@internal
def _rest(
    market: uint256, assets: uint256, side: uint8, tick: uint256, lots: uint256, expiry: uint256, identity: uint256, order_type: uint8, held: bool
) -> uint256:
    """
    @dev Puts the remainder on the book, after checking it could ever settle for its owner (a
         held sell was checked before its hold was placed).
    """
    token: address = convert(market & _MASK_160, address)
    shares: uint256 = lots * self._lot_size(market)
    code: uint8 = restrictions.SUCCESS
    if side == BUY:
        code = staticcall ISecurityTokenHolds(token).restriction_to_receive(msg.sender, shares)
    elif not held:
        code = staticcall ISecurityTokenHolds(token).restriction_to_send(msg.sender, shares)
    if code != restrictions.SUCCESS:
        raise restrictions._message(code)
    if side == SELL and not held:
        extcall ISecurityTokenHolds(token).place_hold(msg.sender, shares, skip_contract_check=True)

    key: uint256 = self._level_key(side, tick)
    level: uint256 = self._levels[key]
    sequence: uint256 = (level >> _NEXT_SHIFT) & _MASK_40
    order_id: uint256 = self._order_id(side, tick, sequence)
    # The maker fee rate a buy escrows for is kept with the order: a later fee change cannot break it.
    fee_bps: uint256 = 0
    escrow: uint256 = 0
    if side == BUY:
        fee_bps = (market >> _MAKER_FEE_SHIFT) & _MASK_12
        escrow = self._escrow(lots, tick, self._tick_size(assets), fee_bps)
    self._orders[order_id] = (
        convert(msg.sender, uint256)
        | (lots << _REMAINING_SHIFT)
        | (expiry << _EXPIRY_SHIFT)
        | ((identity & _MASK_16) << _TAG_SHIFT)
        | (fee_bps << _FEE_SHIFT)
    )
    if level >> _TOTAL_SHIFT == 0:
        level = (level & ~(_MASK_40)) | sequence
        self._add_level(side, tick, assets)
    self._levels[key] = ((level & ((1 << _TOTAL_SHIFT) - 1)) + (1 << _NEXT_SHIFT)) | (((level >> _TOTAL_SHIFT) + lots) << _TOTAL_SHIFT)
    if side == BUY:
        self._pull_escrow(convert(assets & _MASK_160, address), escrow)
    log OrderPlaced(
        order_id=order_id,
        owner=msg.sender,
        side=side,
        tick=tick,
        lots=lots,
        order_type=order_type,
        expiry=expiry,
        escrow=escrow,
        maker_fee_bps=fee_bps,
    )
    return order_id


@internal
def _cancel_own(order_id: uint256):
    word: uint256 = self._orders[order_id]
    assert word != 0, "market: no such order"
    owner: address = convert(word & _MASK_160, address)
    recovered: bool = owner != msg.sender
    if recovered:
        # The wallet a lost wallet was recovered to (directly or down the chain) may cancel its orders.
        assert self._recovered_end(convert(self._market & _MASK_160, address), owner) == msg.sender, "market: not your order"
    self._cancel(order_id, word, CANCELLED_BY_OWNER, recovered)


@internal
def _cancel(order_id: uint256, word: uint256, reason: uint8, follow_recovery: bool):
    """
    @dev Takes a resting order off its level, then releases its hold or refunds its escrow.
    """
    side: uint8 = convert(order_id >> _SIDE_SHIFT, uint8)
    tick: uint256 = (order_id >> _TICK_SHIFT) & _MASK_16
    lots: uint256 = (word >> _REMAINING_SHIFT) & _MASK_36
    self._orders[order_id] = 0
    key: uint256 = self._level_key(side, tick)
    level: uint256 = self._levels[key]
    level = self._take_from_level(level, lots, (order_id & _MASK_40) == level & _MASK_40)
    if level >> _TOTAL_SHIFT == 0:
        self._levels[key] = self._emptied(level)
        self._remove_level(side, tick, self._assets)
    else:
        self._levels[key] = level
    self._unwind(side, tick, lots, word, follow_recovery)
    log OrderCancelled(order_id=order_id, owner=convert(word & _MASK_160, address), lots=lots, reason=reason)


@internal
@pure
def _take_from_level(level: uint256, lots: uint256, at_head: bool) -> uint256:
    """
    @dev Removes lots from a level's total; when the head order leaves, the head moves on.
    """
    total: uint256 = (level >> _TOTAL_SHIFT) - lots
    updated: uint256 = (level & ((1 << _TOTAL_SHIFT) - 1)) | (total << _TOTAL_SHIFT)
    if at_head:
        updated += 1
    return updated


@internal
@pure
def _emptied(level: uint256) -> uint256:
    """
    @dev An empty level keeps its next sequence (order ids are never reused) with the head on it.
    """
    following: uint256 = (level >> _NEXT_SHIFT) & _MASK_40
    return (following << _NEXT_SHIFT) | following


# INTERNALS: price levels #


@internal
@pure
def _level_key(side: uint8, tick: uint256) -> uint256:
    return (convert(side, uint256) << 16) | tick


@internal
@pure
def _order_id(side: uint8, tick: uint256, sequence: uint256) -> uint256:
    return (convert(side, uint256) << _SIDE_SHIFT) | (tick << _TICK_SHIFT) | sequence


@internal
@pure
def _best_of(assets: uint256, side: uint8) -> uint256:
    return (assets >> (_BEST_SHIFT + 16 * convert(side, uint256))) & _MASK_16


@internal
def _set_best(assets: uint256, side: uint8, tick: uint256) -> uint256:
    offset: uint256 = _BEST_SHIFT + 16 * convert(side, uint256)
    updated: uint256 = (assets & ~(_MASK_16 << offset)) | (tick << offset)
    self._assets = updated
    return updated


@internal
def _add_level(side: uint8, tick: uint256, assets: uint256):
    group: uint256 = tick >> 8
    key: uint256 = (convert(side, uint256) << 8) | group
    bitmap: uint256 = self._bitmaps[key]
    if bitmap == 0:
        self._top_bitmap[convert(side, uint256)] |= 1 << group
    self._bitmaps[key] = bitmap | (1 << (tick & 255))
    best: uint256 = self._best_of(assets, side)
    if best == 0 or (side == BUY and tick > best) or (side == SELL and tick < best):
        self._set_best(assets, side, tick)


@internal
def _remove_level(side: uint8, tick: uint256, assets: uint256) -> (uint256, uint256):
    """
    @dev Clears an empty level from the bitmaps. When it was the best, returns the next best
         tick of that side (0: none) and the assets word with it; else 0 and the word unchanged.
    """
    group: uint256 = tick >> 8
    key: uint256 = (convert(side, uint256) << 8) | group
    bitmap: uint256 = self._bitmaps[key] & ~(1 << (tick & 255))
    self._bitmaps[key] = bitmap
    if bitmap == 0:
        self._top_bitmap[convert(side, uint256)] &= ~(1 << group)
    if self._best_of(assets, side) != tick:
        return 0, assets
    following: uint256 = self._next_tick(side, tick)
    return following, self._set_best(assets, side, following)

@internal
@view
def _next_tick(side: uint8, tick: uint256) -> uint256:
    """
    @dev The next non-empty level after `tick` going away from the best price: lower for bids,
         higher for asks; 0 when there is none. Two bitmap reads at most.
    """
    group: uint256 = tick >> 8
    bit: uint256 = tick & 255
    if side == BUY:
        if bit != 0:
            below: uint256 = self._bitmaps[(convert(side, uint256) << 8) | group] & ((1 << bit) - 1)
            if below != 0:
                return (group << 8) | self._highest_bit(below)
        if group == 0:
            return 0
        groups: uint256 = self._top_bitmap[convert(side, uint256)] & ((1 << group) - 1)
        if groups == 0:
            return 0
        found: uint256 = self._highest_bit(groups)
        return (found << 8) | self._highest_bit(self._bitmaps[(convert(side, uint256) << 8) | found])
    if bit != 255:
        above: uint256 = self._bitmaps[(convert(side, uint256) << 8) | group] & ~((1 << (bit + 1)) - 1)
        if above != 0:
            return (group << 8) | self._lowest_bit(above)
    if group == 255:
        return 0
    groups: uint256 = self._top_bitmap[convert(side, uint256)] & ~((1 << (group + 1)) - 1)
    if groups == 0:
        return 0
    found: uint256 = self._lowest_bit(groups)
    return (found << 8) | self._lowest_bit(self._bitmaps[(convert(side, uint256) << 8) | found])


@internal
@pure
def _highest_bit(word: uint256) -> uint256:
    position: uint256 = 0
    value: uint256 = word
    for step: uint256 in [128, 64, 32, 16, 8, 4, 2, 1]:
        if value >> step != 0:
            value >>= step
            position += step
    return position


@internal
@pure
def _lowest_bit(word: uint256) -> uint256:
    return self._highest_bit(word & unsafe_sub(0, word))


# INTERNALS: cash and parameters #


@internal
@pure
def _lot_size(market: uint256) -> uint256:
    return market >> _LOT_SIZE_SHIFT


@internal
@pure
def _tick_size(assets: uint256) -> uint256:
    return (assets >> _TICK_SIZE_SHIFT) & _MASK_48


@internal
@pure
def _fee(notional: uint256, fee_bps: uint256) -> uint256:
    """
    @dev Rounded up: splitting an order into tiny fills does not avoid the fee.
    """
    return (notional * fee_bps + BPS - 1) // BPS


@internal
@pure
def _escrow(lots: uint256, tick: uint256, tick_size: uint256, fee_bps: uint256) -> uint256:
    """
    @dev A buy order's escrow: notional plus its maker fee, rounded up, at the fee rate kept in
         the order. Filling lots releases exactly the difference of two escrows, so the escrow
         always matches what rests and the fees of all fills add up to the fee of the whole.
    """
    notional: uint256 = lots * tick * tick_size
    return notional + self._fee(notional, fee_bps & _MASK_12)


@internal
def _pay(cash: address, payer: address, receiver: address, amount: uint256, measure: bool):
    """
    @dev The taker pays `receiver` directly. When the cash token refuses the receiver, the
         market takes the cash from the taker and credits it to the receiver instead. With
         `measure`, what the receiver got is checked against a fee on transfer.
    """
    before: uint256 = 0
    if measure:
        before = staticcall IERC20(cash).balanceOf(receiver)
    ok: bool = False
    response: Bytes[32] = b""
    ok, response = raw_call(
        cash,
        abi_encode(payer, receiver, amount, method_id=method_id("transferFrom(address,address,uint256)")),
        max_outsize=32,
        revert_on_failure=False,
    )
    if ok and (len(response) == 0 or convert(response, bool)):
        if measure:
            assert staticcall IERC20(cash).balanceOf(receiver) == before + amount, "market: cash token takes a fee"
        return
    self._pay_through_market(cash, payer, receiver, amount)


@internal
def _pay_through_market(cash: address, payer: address, receiver: address, amount: uint256):
    """
    @dev The cash token refused to pay `receiver`: the market takes the cash from the payer
         (which must succeed) and credits it to the receiver.
    """
    before: uint256 = staticcall IERC20(cash).balanceOf(self)
    self._pull(cash, payer, self, amount)
    assert staticcall IERC20(cash).balanceOf(self) == before + amount, "market: cash token takes a fee"
    self._credit(receiver, amount)


@internal
def _send(cash: address, receiver: address, amount: uint256, measure: bool):
    """
    @dev Pays out of the market; a payment the cash token refuses is credited to the receiver.
    """
    if amount == 0:
        return
    before: uint256 = 0
    if measure:
        before = staticcall IERC20(cash).balanceOf(receiver)
    ok: bool = False
    response: Bytes[32] = b""
    ok, response = raw_call(
        cash, abi_encode(receiver, amount, method_id=method_id("transfer(address,uint256)")), max_outsize=32, revert_on_failure=False
    )
    if ok and (len(response) == 0 or convert(response, bool)):
        if measure:
            assert staticcall IERC20(cash).balanceOf(receiver) == before + amount, "market: cash token takes a fee"
        return
    self._credit(receiver, amount)


@internal
def _credit(receiver: address, amount: uint256):
    self.withdrawable[receiver] += amount
    log CashCredited(owner=receiver, amount=amount)


@internal
def _pull(cash: address, owner: address, receiver: address, amount: uint256):
    if amount == 0:
        return
    response: Bytes[32] = raw_call(
        cash, abi_encode(owner, receiver, amount, method_id=method_id("transferFrom(address,address,uint256)")), max_outsize=32
    )
    assert len(response) == 0 or convert(response, bool), "market: cash transfer failed"


@internal
def _pull_escrow(cash: address, amount: uint256):
    """
    @dev Measures what arrives: a cash token that takes a fee on transfer would leave the escrow
         short of the bids it backs, and the last bid out would be paid from the others' cash.
    """
    before: uint256 = staticcall IERC20(cash).balanceOf(self)
    self._pull(cash, msg.sender, self, amount)
    assert staticcall IERC20(cash).balanceOf(self) == before + amount, "market: cash received short"


@internal
@view
def _identity(registry: address, wallet: address) -> uint256:
    """
    @dev The wallet's registry identity while it is verified, 0 otherwise.
    """
    record: uint256 = staticcall IIdentityRegistry(registry).wallet_record(wallet)
    if not identity_record._is_verified(record):
        return 0
    return identity_record._identity(record)


@internal
@view
def _identity_key(registry: address, wallet: address) -> uint256:
    """
    @dev The wallet's registry identity, verified or not (0: unregistered). Read only when an
         order's identity tag matches the taker's, to tell a self-trade from a tag collision.
    """
    return identity_record._identity(staticcall IIdentityRegistry(registry).wallet_record(wallet))


@internal
@view
def _check_fees(maker_fee_bps: uint256, taker_fee_bps: uint256, fee_recipient: address):
    assert maker_fee_bps <= MAX_FEE_BPS and taker_fee_bps <= MAX_FEE_BPS, "market: fee too high"
    assert fee_recipient != empty(address) or (maker_fee_bps == 0 and taker_fee_bps == 0), "market: zero fee recipient"


@internal
@view
def _check_issuer_or_admin():
    if not access_control.hasRole[ISSUER_ROLE][msg.sender]:
        access_control._check_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)


@internal
def _set_status(status: uint8):
    self._market = (self._market & ~(convert(255, uint256) << _STATUS_SHIFT)) | (convert(status, uint256) << _STATUS_SHIFT)
    log StatusChanged(status=status, sender=msg.sender)
