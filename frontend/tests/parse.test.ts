import { describe, expect, it } from 'vitest';
import { parseAddress, parseAmount, parseLots, parsePriceToTicks, parseShareAmountInLots } from '../src/lib/parse';

describe('parseAmount', () => {
  it('reads decimals exactly', () => {
    expect(parseAmount('1234.56', 6)).toEqual({ ok: true, value: 1_234_560_000n });
    expect(parseAmount('0.000000000000000001', 18)).toEqual({ ok: true, value: 1n });
    expect(parseAmount('.5', 6)).toEqual({ ok: true, value: 500_000n });
    expect(parseAmount('5.', 6)).toEqual({ ok: true, value: 5_000_000n });
    expect(parseAmount(' 1,234,567.5 ', 2)).toEqual({ ok: true, value: 123_456_750n });
    expect(parseAmount('42', 0)).toEqual({ ok: true, value: 42n });
  });
  it('refuses too many decimal places', () => {
    expect(parseAmount('1.1234567', 6)).toEqual({ ok: false, error: 'Use at most 6 decimal places.' });
    expect(parseAmount('1.5', 0)).toEqual({ ok: false, error: 'Enter a whole number.' });
  });
  it('refuses what is not a plain positive number', () => {
    expect(parseAmount('', 6)).toEqual({ ok: false, error: 'Enter an amount.' });
    expect(parseAmount('-1', 6)).toEqual({ ok: false, error: 'The amount cannot be negative.' });
    expect(parseAmount('1e6', 6).ok).toBe(false);
    expect(parseAmount('.', 6).ok).toBe(false);
    expect(parseAmount('1,2', 6).ok).toBe(false);
    expect(parseAmount('0x10', 6).ok).toBe(false);
    expect(parseAmount('1.2.3', 6).ok).toBe(false);
  });
  it('refuses zero unless allowed', () => {
    expect(parseAmount('0', 6)).toEqual({ ok: false, error: 'The amount must be more than zero.' });
    expect(parseAmount('0.0', 6, { positive: false })).toEqual({ ok: true, value: 0n });
  });
  it('refuses more than the maximum', () => {
    expect(parseAmount('10.01', 2, { max: 1000n })).toEqual({
      ok: false,
      error: 'The amount is more than the maximum of 10.',
    });
    expect(parseAmount('1'.padEnd(80, '0'), 0).ok).toBe(false);
  });
});

describe('lots and ticks', () => {
  const lotRules = { lotSize: 10n, shareDecimals: 0 };
  it('turns lots into shares', () => {
    expect(parseLots('25', lotRules)).toEqual({ ok: true, value: { lots: 25n, amount: 250n } });
    expect(parseLots('0', lotRules)).toEqual({ ok: false, error: 'Enter at least one lot.' });
    expect(parseLots('2.5', lotRules)).toEqual({ ok: false, error: 'Lots are whole numbers.' });
    expect(parseLots('11', { ...lotRules, maxLots: 10n })).toEqual({ ok: false, error: 'At most 10 lots.' });
  });
  it('checks a share amount is a whole number of lots', () => {
    expect(parseShareAmountInLots('150', lotRules)).toEqual({ ok: true, value: { lots: 15n, amount: 150n } });
    expect(parseShareAmountInLots('155', lotRules)).toEqual({ ok: false, error: 'Shares trade in lots of 10.' });
  });
  it('turns a price into ticks', () => {
    const tickRules = { tickSize: 10_000n, cashDecimals: 6 };
    expect(parsePriceToTicks('12.50', tickRules)).toEqual({ ok: true, value: 1250n });
    expect(parsePriceToTicks('12.505', tickRules)).toEqual({ ok: false, error: 'Prices move in steps of 0.01.' });
    expect(parsePriceToTicks('0', tickRules)).toEqual({ ok: false, error: 'The price must be more than zero.' });
    expect(parsePriceToTicks('1000', { ...tickRules, maxTicks: 99_999n }).ok).toBe(false);
  });
});

describe('parseAddress', () => {
  it('checksums a lower-case address', () => {
    expect(parseAddress(' 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266 ')).toEqual({
      ok: true,
      value: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    });
  });
  it('refuses a bad checksum, a bad shape and the zero address', () => {
    expect(parseAddress('0xF39fd6e51aad88f6f4ce6ab8827279cfffb92266')).toEqual({
      ok: false,
      error: 'The address checksum does not match: check for a typo.',
    });
    expect(parseAddress('0x1234').ok).toBe(false);
    expect(parseAddress(`0x${'0'.repeat(40)}`)).toEqual({ ok: false, error: 'The zero address cannot be used.' });
  });
});
