// What a portfolio is worth: each holding at its security's last trade on the book (anyone's trade),
// or at the offering price before the first trade, and the change since the previous day of chain time.
// Pure and exact over bigints; amounts in cash base units.
import { DAY, type PricePoint } from './market';

/** Where a security's price comes from: its trades (oldest first), and its offering before any trade. */
export interface PriceSource {
  trades: readonly PricePoint[];
  /** Cash base units per tick and share base units per lot of its order book. */
  tickSize: bigint;
  lotSize: bigint;
  /** Offering price per lot of `lot` share base units; null without an offering. */
  offering: { price: bigint; lot: bigint } | null;
}

/** A price: `cashPerLot` cash base units for `lotShares` share base units. */
export interface Mark {
  cashPerLot: bigint;
  lotShares: bigint;
  source: 'trade' | 'offering';
}

/** The security's price as of `asOf` (chain time): its last trade up to then, else its offering price. */
export function markAt(source: PriceSource, asOf: bigint): Mark | null {
  let last: PricePoint | undefined;
  for (const trade of source.trades) if (trade.timestamp <= asOf) last = trade;
  if (last) return { cashPerLot: last.tick * source.tickSize, lotShares: source.lotSize, source: 'trade' };
  if (source.offering && source.offering.lot > 0n) return { cashPerLot: source.offering.price, lotShares: source.offering.lot, source: 'offering' };
  return null;
}

/** `shares` at `mark`, cut to the cash base unit. */
export function valueAt(shares: bigint, mark: Mark): bigint {
  return (shares * mark.cashPerLot) / mark.lotShares;
}

export interface HoldingValue {
  mark: Mark | null;
  /** Null when the security has no price at all (no trade, no offering). */
  value: bigint | null;
  /** Value now less the same shares at the price of 24 hours ago; null without both prices. */
  change: bigint | null;
}

export function valueHolding(shares: bigint, source: PriceSource, now: bigint): HoldingValue {
  const mark = markAt(source, now);
  if (!mark) return { mark, value: null, change: null };
  const value = valueAt(shares, mark);
  const before = markAt(source, now - DAY);
  return { mark, value, change: before ? value - valueAt(shares, before) : null };
}

export interface PortfolioValue {
  holdings: bigint;
  /** Cash in the wallet plus cash on the markets (escrowed on open buys, credited to withdraw). */
  cash: bigint;
  total: bigint;
  /** Change of the holdings' value since the previous day (cash does not move with prices). */
  change: bigint;
  /** The total at the previous day's prices. */
  previousTotal: bigint;
  /** Holdings left out of the total because their security has no price yet. */
  unpriced: number;
}

export function valuePortfolio(holdings: readonly HoldingValue[], cash: bigint): PortfolioValue {
  let value = 0n;
  let change = 0n;
  let unpriced = 0;
  for (const holding of holdings) {
    if (holding.value === null) unpriced += 1;
    else value += holding.value;
    change += holding.change ?? 0n;
  }
  const total = value + cash;
  return { holdings: value, cash, total, change, previousTotal: total - change, unpriced };
}
