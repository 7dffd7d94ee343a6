// Market arithmetic shown on the pages: statuses, trade statistics, the ladder and the depth curve.
// Pure functions over bigints so that they are unit-tested and exact.

/** IssuanceFactory listing statuses (STATUS_OFFERING … STATUS_DELISTED). */
export const LISTING_STATUS: Readonly<Record<number, { label: string; tone: 'ok' | 'warn' | 'error' | 'muted' }>> = {
  1: { label: 'Offering', tone: 'warn' },
  2: { label: 'Trading', tone: 'ok' },
  3: { label: 'Halted', tone: 'error' },
  4: { label: 'Delisted', tone: 'muted' },
};

export function listingStatus(status: number) {
  return LISTING_STATUS[status] ?? { label: `Status ${status}`, tone: 'muted' as const };
}

/** Offering.state(): STATE_PENDING (0) … STATE_CANCELLED (5). */
export const OFFERING_STATE = ['Not started', 'Open', 'Ended, waiting to be closed', 'Succeeded', 'Failed', 'Cancelled'] as const;
export const OFFERING_OPEN = 1;
export const OFFERING_ENDED = 2;
export const OFFERING_SUCCEEDED = 3;
export const OFFERING_FAILED = 4;

export function offeringStateLabel(state: number): string {
  return OFFERING_STATE[state] ?? `State ${state}`;
}

/** An offering whose outcome is still open: pending, open, or ended and not closed. */
export function offeringLive(state: number): boolean {
  return state <= OFFERING_ENDED;
}

export const BUY = 0;
export const SELL = 1;
export type Side = typeof BUY | typeof SELL;

/** OrderBook order types, in contract order, with what each one does in a sentence. */
export const ORDER_TYPES = [
  { value: 0, key: 'gtc', label: 'Limit (good till cancelled)', help: 'Trades what it can now; the rest waits on the book.' },
  { value: 1, key: 'ioc', label: 'Immediate or cancel', help: 'Trades what it can now; the rest is cancelled.' },
  { value: 2, key: 'fok', label: 'Fill or kill', help: 'Trades in full now, or not at all.' },
  { value: 3, key: 'post', label: 'Post only', help: 'Only waits on the book; refused if it would trade at once.' },
  { value: 4, key: 'market', label: 'Market', help: 'Trades now at the best prices up to your worst price; the rest is cancelled.' },
] as const;
export const ORDER_TYPE_MARKET = 4;
export const ORDER_TYPE_POST_ONLY = 3;

/** OrderCancelled reasons of the book's own (OrderBook.CANCELLED_BY_OWNER …). */
export const CANCELLED_BY_OWNER = 100;
export const CANCELLED_BY_OPERATOR = 104;

/** OrderCancelled reason: 100+ are the book's own, below 100 the token's ERC-1404 code. */
export function cancelReason(reason: number): string {
  switch (reason) {
    case CANCELLED_BY_OWNER:
      return 'cancelled by its owner';
    case 101:
      return 'expired';
    case 102:
      return 'self-trade prevented';
    case CANCELLED_BY_OPERATOR:
      return 'force-cancelled by the operator or transfer agent';
    default:
      return `owner no longer eligible (restriction ${reason})`;
  }
}

export interface TradePoint {
  /** Chain time of the trade's block (unix seconds). */
  timestamp: bigint;
  tick: bigint;
  lots: bigint;
  cash: bigint;
}

/** What a price is read from: a trade's time and tick. */
export type PricePoint = Pick<TradePoint, 'timestamp' | 'tick'>;

export interface TradeStats {
  last: bigint | null;
  /** The reference price 24 hours before the latest block: the last trade before the window, else its first. */
  reference: bigint | null;
  /** Lots and cash traded in the last 24 hours. */
  volumeLots: bigint;
  volumeCash: bigint;
  trades: number;
}

export const DAY = 86_400n;

/** Change from `reference` to `last` in basis points (rounded towards zero); null without both. */
export function changeBps(last: bigint | null, reference: bigint | null): bigint | null {
  if (last === null || reference === null || reference === 0n) return null;
  return ((last - reference) * 10_000n) / reference;
}

/** "+2.50%", "−1.25%", "0.00%" from basis points. */
export function formatChange(bps: bigint | null): string {
  if (bps === null) return '–';
  const sign = bps > 0n ? '+' : bps < 0n ? '−' : '';
  const magnitude = bps < 0n ? -bps : bps;
  return `${sign}${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, '0')}%`;
}

export interface Level {
  tick: bigint;
  lots: bigint;
}

export interface LadderRow extends Level {
  /** Lots from the best price down to this level. */
  cumulative: bigint;
  /** Width of the depth bar, 0..100, relative to the deeper side's total. */
  share: number;
}

/** Turns each side's levels (best first, from OrderBook.depth) into ladder rows with depth bars. */
export function buildLadder(bids: readonly Level[], asks: readonly Level[]): { bids: LadderRow[]; asks: LadderRow[] } {
  const accumulate = (levels: readonly Level[]) => {
    let running = 0n;
    return levels.map((level) => {
      running += level.lots;
      return { ...level, cumulative: running };
    });
  };
  const bidRows = accumulate(bids);
  const askRows = accumulate(asks);
  const deepest = [...bidRows, ...askRows].reduce((max, row) => (row.cumulative > max ? row.cumulative : max), 0n);
  const share = (value: bigint) => (deepest === 0n ? 0 : Number((value * 1000n) / deepest) / 10);
  return {
    bids: bidRows.map((row) => ({ ...row, share: share(row.cumulative) })),
    asks: askRows.map((row) => ({ ...row, share: share(row.cumulative) })),
  };
}

/** The spread between best bid and best ask in ticks, or null when a side is empty. */
export function spreadTicks(bestBid: bigint, bestAsk: bigint): bigint | null {
  return bestBid === 0n || bestAsk === 0n ? null : bestAsk - bestBid;
}

/** Cash a buy of `lots` at `tick` escrows (before fees): lots × tick × tick size. */
export function notional(lots: bigint, tick: bigint, tickSize: bigint): bigint {
  return lots * tick * tickSize;
}

/** A fee in basis points, rounded up as OrderBook._fee does. */
export function feeOf(amount: bigint, feeBps: bigint): bigint {
  return (amount * feeBps + 9_999n) / 10_000n;
}

/** Cash a resting buy escrows: notional plus its maker fee, rounded up as OrderBook._escrow does. */
export function buyEscrow(lots: bigint, tick: bigint, tickSize: bigint, makerFeeBps: bigint): bigint {
  const base = notional(lots, tick, tickSize);
  return base + feeOf(base, makerFeeBps);
}

/**
 * For a market buy: the lots available at or below `limit` and their cost, walking the asks best first.
 * Used to tell the buyer before signing what a market order would really pay.
 */
export function walkBook(levels: readonly Level[], lots: bigint, tickSize: bigint): { lots: bigint; cash: bigint; worst: bigint | null } {
  let remaining = lots;
  let cash = 0n;
  let worst: bigint | null = null;
  for (const level of levels) {
    if (remaining === 0n) break;
    const take = level.lots < remaining ? level.lots : remaining;
    cash += notional(take, level.tick, tickSize);
    remaining -= take;
    worst = level.tick;
  }
  return { lots: lots - remaining, cash, worst };
}
