import { describe, expect, it } from 'vitest';
import { isinCheckDigit, isinProblem, isValidIsin, normaliseIsin } from '../src/lib/isin';
import { parseIsin } from '../src/lib/parse';

const REAL_ISINS = [
  'US0378331005', // Apple
  'US5949181045', // Microsoft
  'AU0000XVGZA3', // Treasury Corporation of Victoria
  'GB0002634946', // BAE Systems
  'DE000BAY0017', // Bayer
  'US38259P5089', // Google (2004)
  'JP3435000009', // Sony
  'CH0012221716', // ABB
];

describe('ISIN', () => {
  it.each(REAL_ISINS)('accepts the real ISIN %s', (code) => {
    expect(isinProblem(code)).toBeNull();
    expect(isValidIsin(code)).toBe(true);
    expect(isinCheckDigit(code.slice(0, 11))).toBe(Number(code[11]));
  });

  it('refuses a wrong check digit and names the right one', () => {
    expect(isinProblem('US0378331006')).toBe('Check digit mismatch: US037833100 ends in 5.');
    expect(isValidIsin('AU0000XVGZA4')).toBe(false);
  });

  it('refuses two swapped digits', () => {
    expect(isValidIsin('US0387331005')).toBe(false);
  });

  it('refuses the wrong length, a numeric country and a letter check digit', () => {
    expect(isinProblem('US037833100')).toBe('An ISIN has 12 characters, this has 11.');
    expect(isinProblem('120378331005')).toBe('An ISIN starts with a two-letter country code.');
    expect(isinProblem('US03783310-5')).toBe('Characters 3 to 11 of an ISIN are letters or digits.');
    expect(isinProblem('US037833100A')).toBe('The last character of an ISIN is its check digit.');
  });

  it('expects upper case, and normalising fixes what people paste', () => {
    expect(isValidIsin('us0378331005')).toBe(false);
    expect(normaliseIsin(' us 037833 100 5 ')).toBe('US0378331005');
    expect(parseIsin(' us0378331005')).toEqual({ ok: true, value: 'US0378331005' });
    expect(parseIsin('')).toEqual({ ok: false, error: 'Enter an ISIN.' });
    expect(parseIsin('US0378331006').ok).toBe(false);
  });

  it('refuses a malformed body when computing a check digit', () => {
    expect(() => isinCheckDigit('US03783310')).toThrow();
  });
});
