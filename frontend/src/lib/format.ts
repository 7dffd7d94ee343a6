// Display formatting. Amounts are bigints in base units and are formatted exactly (no floats);
// extra fraction digits are cut, never rounded up, so a balance is never shown larger than it is.
import { getAddress, isAddress } from 'viem';

export interface AmountFormat {
  /** Most fraction digits shown (default: all that are not trailing zeros). */
  maxFractionDigits?: number;
  /** Fewest fraction digits shown, padding with zeros, never past the token's decimals (default 0). */
  minFractionDigits?: number;
  /** Thousands separators (default true). */
  grouping?: boolean;
}

const groupThousands = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 1234567890n with 6 decimals -> "1,234.56789". */
export function formatUnitsExact(value: bigint, decimals: number, format: AmountFormat = {}): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77) throw new RangeError(`bad decimals ${decimals}`);
  const { maxFractionDigits = decimals, minFractionDigits = 0, grouping = true } = format;
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = (magnitude / base).toString();
  let fraction = decimals === 0 ? '' : (magnitude % base).toString().padStart(decimals, '0');
  fraction = fraction.slice(0, Math.min(maxFractionDigits, decimals)).replace(/0+$/, '');
  fraction = fraction.padEnd(Math.min(minFractionDigits, decimals), '0');
  const shownWhole = grouping ? groupThousands(whole) : whole;
  const text = fraction ? `${shownWhole}.${fraction}` : shownWhole;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** A token amount with its symbol: "1,500 ACME", "0.25 ACME". */
export function formatTokenAmount(value: bigint, decimals: number, symbol?: string, format?: AmountFormat): string {
  const text = formatUnitsExact(value, decimals, format);
  return symbol ? `${text} ${symbol}` : text;
}

/**
 * The one money formatter: every cash amount on every page and in every sentence goes through it.
 * Cash (6 or 18 decimals) shown as money: two decimals, cut not rounded: "1,234.50 EURK".
 */
export function formatCash(value: bigint, decimals: number, symbol?: string): string {
  return formatTokenAmount(value, decimals, symbol, { minFractionDigits: 2, maxFractionDigits: 2 });
}

/** Shares: every digit the token has, none padded: "1,500 ACME", "0.25 ACME". */
export function formatShares(value: bigint, decimals: number, symbol?: string): string {
  return formatTokenAmount(value, decimals, symbol);
}

export interface TickScale {
  /** Cash base units per tick (the order book's price step). */
  tickSize: bigint;
  cashDecimals: number;
  cashSymbol?: string;
}

/** Fraction digits needed to show every multiple of one tick exactly (0.01 -> 2, 0.005 -> 3). */
export function tickFractionDigits(tickSize: bigint, cashDecimals: number): number {
  if (tickSize <= 0n) throw new RangeError('tick size must be positive');
  let digits = cashDecimals;
  let size = tickSize;
  while (digits > 0 && size % 10n === 0n) {
    size /= 10n;
    digits -= 1;
  }
  return digits;
}

/** A price held by the order book in ticks, as cash per share: 1250 ticks of 0.01 -> "12.50 EURK". */
export function formatPrice(ticks: bigint, scale: TickScale): string {
  const digits = Math.max(2, tickFractionDigits(scale.tickSize, scale.cashDecimals));
  return formatTokenAmount(ticks * scale.tickSize, scale.cashDecimals, scale.cashSymbol, {
    minFractionDigits: Math.min(digits, scale.cashDecimals),
    maxFractionDigits: digits,
  });
}

/** numerator / denominator as a percentage, exact and cut: (1n, 3n) -> "33.33%". */
export function formatPercent(numerator: bigint, denominator: bigint, fractionDigits = 2): string {
  if (denominator === 0n) return '–';
  const scaled = (numerator * 100n * 10n ** BigInt(fractionDigits)) / denominator;
  return `${formatUnitsExact(scaled, fractionDigits, { minFractionDigits: fractionDigits, grouping: false })}%`;
}

/** Basis points (1/100 of a percent): 1250 -> "12.5%". */
export function formatBps(bps: bigint | number): string {
  return `${formatUnitsExact(BigInt(bps), 2, { grouping: false })}%`;
}

/** "0x5aAe…eAed": checksummed, `chars` hex digits kept at each end. */
export function shortenAddress(address: string, chars = 4): string {
  if (!isAddress(address, { strict: false })) throw new Error(`not an address: ${address}`);
  const checksummed = getAddress(address);
  return `${checksummed.slice(0, 2 + chars)}…${checksummed.slice(-chars)}`;
}

/** Shortens a transaction hash the same way. */
export function shortenHash(hash: string, chars = 6): string {
  return hash.length <= 2 + chars * 2 ? hash : `${hash.slice(0, 2 + chars)}…${hash.slice(-chars)}`;
}

export interface DateFormat {
  withTime?: boolean;
  /** IANA zone; UTC by default so that every user reads the same chain time. */
  timeZone?: string;
  locale?: string;
}

/** Unix seconds (as the contracts store them) -> "25 Nov 2026" or "25 Nov 2026, 07:32 UTC". */
export function formatDate(unixSeconds: bigint | number, format: DateFormat = {}): string {
  const { withTime = false, timeZone = 'UTC', locale = 'en-GB' } = format;
  const date = new Date(Number(unixSeconds) * 1000);
  const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', timeZone };
  if (withTime) Object.assign(options, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** A span of seconds in the largest fitting units: 90061 -> "1 d 1 h", 59 -> "59 s". */
export function formatDuration(seconds: bigint | number): string {
  let rest = BigInt(seconds);
  if (rest < 0n) rest = -rest;
  const units: [string, bigint][] = [['d', 86400n], ['h', 3600n], ['min', 60n], ['s', 1n]];
  const parts: string[] = [];
  for (const [name, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${rest / size} ${name}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.length ? parts.join(' ') : '0 s';
}
