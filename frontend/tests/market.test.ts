import { describe, expect, it } from 'vitest';
import {
  buildLadder,
  buyEscrow,
  CANCELLED_BY_OPERATOR,
  cancelReason,
  changeBps,
  formatChange,
  listingStatus,
  offeringLive,
  offeringStateLabel,
  spreadTicks,
  walkBook,
} from '../src/lib/market';

describe('price change', () => {
  it('is in basis points, cut towards zero', () => {
    expect(changeBps(1210n, 1000n)).toBe(2100n);
    expect(changeBps(999n, 1000n)).toBe(-10n);
    expect(changeBps(1000n, 3000n)).toBe(-6666n);
    expect(changeBps(null, 1000n)).toBeNull();
    expect(changeBps(1000n, 0n)).toBeNull();
  });
  it('reads with a sign and two decimals', () => {
    expect(formatChange(2100n)).toBe('+21.00%');
    expect(formatChange(-10n)).toBe('−0.10%');
    expect(formatChange(0n)).toBe('0.00%');
    expect(formatChange(-6666n)).toBe('−66.66%');
    expect(formatChange(null)).toBe('–');
  });
});

describe('ladder and depth', () => {
  it('accumulates each side from the best price and scales bars to the deeper side', () => {
    const ladder = buildLadder(
      [{ tick: 100n, lots: 10n }, { tick: 99n, lots: 30n }],
      [{ tick: 101n, lots: 5n }],
    );
    expect(ladder.bids.map((row) => [row.cumulative, row.share])).toEqual([[10n, 25], [40n, 100]]);
    expect(ladder.asks.map((row) => [row.cumulative, row.share])).toEqual([[5n, 12.5]]);
  });
  it('has no bars for an empty book', () => {
    expect(buildLadder([], [])).toEqual({ bids: [], asks: [] });
  });
  it('measures the spread only with both sides', () => {
    expect(spreadTicks(100n, 103n)).toBe(3n);
    expect(spreadTicks(0n, 103n)).toBeNull();
    expect(spreadTicks(100n, 0n)).toBeNull();
  });
});

describe('order cash', () => {
  it('escrows notional plus the maker fee rounded up, as the order book does', () => {
    expect(buyEscrow(3n, 1250n, 10_000n, 0n)).toBe(37_500_000n);
    expect(buyEscrow(3n, 1250n, 10_000n, 25n)).toBe(37_500_000n + 93_750n);
    expect(buyEscrow(1n, 1n, 1n, 30n)).toBe(2n); // the fee rounds up
  });
  it('walks the book for a market order: lots filled, cash and the worst price reached', () => {
    const asks = [{ tick: 100n, lots: 5n }, { tick: 102n, lots: 5n }, { tick: 110n, lots: 50n }];
    expect(walkBook(asks, 8n, 10n)).toEqual({ lots: 8n, cash: 5n * 1000n + 3n * 1020n, worst: 102n });
    expect(walkBook(asks.slice(0, 1), 8n, 10n)).toEqual({ lots: 5n, cash: 5000n, worst: 100n });
    expect(walkBook([], 8n, 10n)).toEqual({ lots: 0n, cash: 0n, worst: null });
  });
});

describe('labels', () => {
  it('names listing statuses, offering states and cancel reasons', () => {
    expect(listingStatus(2)).toEqual({ label: 'Trading', tone: 'ok' });
    expect(listingStatus(3).label).toBe('Halted');
    expect(listingStatus(9).label).toBe('Status 9');
    expect(offeringStateLabel(2)).toBe('Ended, waiting to be closed');
    expect(offeringLive(2)).toBe(true);
    expect(offeringLive(3)).toBe(false);
    expect(cancelReason(100)).toBe('cancelled by its owner');
    expect(cancelReason(4)).toBe('owner no longer eligible (restriction 4)');
    expect(cancelReason(104)).toBe('force-cancelled by the operator or transfer agent');
    expect(cancelReason(CANCELLED_BY_OPERATOR)).toBe(cancelReason(104));
  });
});
