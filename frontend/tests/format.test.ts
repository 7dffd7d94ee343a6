import { describe, expect, it } from 'vitest';
import {
  formatBps,
  formatCash,
  formatShares,
  formatDate,
  formatDuration,
  formatPercent,
  formatPrice,
  formatTokenAmount,
  formatUnitsExact,
  shortenAddress,
  shortenHash,
  tickFractionDigits,
} from '../src/lib/format';

describe('formatUnitsExact', () => {
  it('groups thousands and drops trailing zeros', () => {
    expect(formatUnitsExact(1_234_567_890n, 6)).toBe('1,234.56789');
    expect(formatUnitsExact(1_000_000n, 6)).toBe('1');
    expect(formatUnitsExact(0n, 18)).toBe('0');
  });
  it('keeps every digit of an 18-decimal amount', () => {
    expect(formatUnitsExact(1n, 18)).toBe('0.000000000000000001');
    expect(formatUnitsExact(123_456_789_000_000_000_000_000n, 18, { grouping: false })).toBe('123456.789');
  });
  it('cuts extra digits instead of rounding up', () => {
    expect(formatUnitsExact(1_999_999n, 6, { maxFractionDigits: 2 })).toBe('1.99');
  });
  it('pads to the minimum fraction digits', () => {
    expect(formatUnitsExact(1_500_000n, 6, { minFractionDigits: 2 })).toBe('1.50');
    expect(formatUnitsExact(7n, 0, { minFractionDigits: 2 })).toBe('7');
  });
  it('formats negative amounts and hides a negative zero', () => {
    expect(formatUnitsExact(-2_500_000n, 6)).toBe('-2.5');
    expect(formatUnitsExact(-1n, 6, { maxFractionDigits: 2 })).toBe('0');
  });
  it('formats whole-share tokens', () => {
    expect(formatTokenAmount(1500n, 0, 'ACME')).toBe('1,500 ACME');
  });
  it('refuses impossible decimals', () => {
    expect(() => formatUnitsExact(1n, -1)).toThrow(RangeError);
  });
});

describe('formatCash', () => {
  it('shows two decimals for a 6-decimal stablecoin', () => {
    expect(formatCash(1_234_500_000n, 6, 'EURK')).toBe('1,234.50 EURK');
    expect(formatCash(9_999n, 6, 'EURK')).toBe('0.00 EURK');
  });
  it('pads a half unit to two decimals (a refusal once read "needs 42.5 DPESO")', () => {
    expect(formatCash(42_500_000n, 6, 'DPESO')).toBe('42.50 DPESO');
  });
  it('leaves shares unpadded', () => {
    expect(formatShares(460n, 0, 'ACME')).toBe('460 ACME');
    expect(formatShares(2_500n, 4)).toBe('0.25');
  });
  it('shows two decimals for an 18-decimal stablecoin', () => {
    expect(formatCash(10n ** 18n * 42n + 10n ** 16n * 7n, 18)).toBe('42.07');
  });
});

describe('prices per tick', () => {
  it('needs as many fraction digits as the tick size', () => {
    expect(tickFractionDigits(10_000n, 6)).toBe(2);
    expect(tickFractionDigits(5_000n, 6)).toBe(3);
    expect(tickFractionDigits(1_000_000n, 6)).toBe(0);
    expect(() => tickFractionDigits(0n, 6)).toThrow();
  });
  it('formats a price held in ticks', () => {
    expect(formatPrice(1250n, { tickSize: 10_000n, cashDecimals: 6, cashSymbol: 'EURK' })).toBe('12.50 EURK');
    expect(formatPrice(2501n, { tickSize: 5_000n, cashDecimals: 6 })).toBe('12.505');
    expect(formatPrice(12n, { tickSize: 1_000_000n, cashDecimals: 6 })).toBe('12.00');
  });
});

describe('percentages', () => {
  it('divides exactly and cuts', () => {
    expect(formatPercent(1n, 3n)).toBe('33.33%');
    expect(formatPercent(2n, 3n, 1)).toBe('66.6%');
    expect(formatPercent(5n, 5n)).toBe('100.00%');
    expect(formatPercent(1n, 0n)).toBe('–');
  });
  it('reads basis points', () => {
    expect(formatBps(1250)).toBe('12.5%');
    expect(formatBps(10_000n)).toBe('100%');
    expect(formatBps(1)).toBe('0.01%');
  });
});

describe('addresses and hashes', () => {
  it('checksums and shortens an address', () => {
    expect(shortenAddress('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')).toBe('0xf39F…2266');
    expect(shortenAddress('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 6)).toBe('0xf39Fd6…b92266');
  });
  it('refuses what is not an address', () => {
    expect(() => shortenAddress('0x1234')).toThrow('not an address');
  });
  it('shortens a transaction hash', () => {
    const hash = `0x${'ab'.repeat(32)}`;
    expect(shortenHash(hash)).toBe('0xababab…ababab');
    expect(shortenHash('0x1234')).toBe('0x1234');
  });
});

describe('dates and durations', () => {
  it('formats chain time in UTC', () => {
    expect(formatDate(1_795_000_000n)).toBe('18 Nov 2026');
    expect(formatDate(1_795_000_000, { withTime: true })).toBe('18 Nov 2026, 11:06 UTC');
  });
  it('formats in another zone on request', () => {
    expect(formatDate(1_795_000_000, { timeZone: 'Asia/Tokyo' })).toBe('18 Nov 2026');
    expect(formatDate(1_795_040_000, { timeZone: 'Asia/Tokyo' })).toBe('19 Nov 2026');
  });
  it('formats durations in the two largest units', () => {
    expect(formatDuration(90_061)).toBe('1 d 1 h');
    expect(formatDuration(59n)).toBe('59 s');
    expect(formatDuration(3_600 * 24 * 365)).toBe('365 d');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(3_661)).toBe('1 h 1 min');
  });
});
