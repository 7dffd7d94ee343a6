import { describe, expect, it } from 'vitest';
import { causeLabel, defaultPeriod, periodBounds } from '../src/lib/statement';
import { countryLetters, investorFlags } from '../src/lib/investors';

const NOW = BigInt(Date.UTC(2027, 2, 15, 13, 45) / 1000); // 15 March 2027, 13:45 UTC

describe('statement period', () => {
  it('defaults to the last 30 days of chain time, as whole UTC days', () => {
    expect(defaultPeriod(NOW)).toEqual({ from: '2027-02-13', to: '2027-03-15' });
    const bounds = periodBounds(defaultPeriod(NOW));
    expect(bounds).toEqual({ ok: true, value: { from: BigInt(Date.UTC(2027, 1, 13) / 1000), to: BigInt(Date.UTC(2027, 2, 16) / 1000) - 1n } });
    expect(bounds.ok && bounds.value.to >= NOW).toBe(true);
  });

  it('refuses a period that ends before it starts, or a date that does not exist', () => {
    expect(periodBounds({ from: '2027-03-15', to: '2027-03-14' })).toEqual({ ok: false, error: 'The period ends before it starts.' });
    expect(periodBounds({ from: '2027-02-30', to: '2027-03-14' })).toEqual({ ok: false, error: 'From: That date does not exist.' });
    expect(periodBounds({ from: '2027-03-14', to: '' })).toEqual({ ok: false, error: 'To: Enter a date.' });
    // One day is a period too: the whole of it.
    expect(periodBounds({ from: '2027-03-14', to: '2027-03-14' })).toMatchObject({ ok: true, value: { to: BigInt(Date.UTC(2027, 2, 15) / 1000) - 1n } });
  });

  it('says each cause in words', () => {
    expect(causeLabel('forced_transfer')).toBe('forced transfer');
    expect(causeLabel('order_escrow')).toBe('order escrow');
    expect(causeLabel('something_new')).toBe('something new');
  });
});

describe('investor rows', () => {
  it('writes a country as its letters', () => {
    expect([countryLetters(152), countryLetters(276), countryLetters(999)]).toEqual(['CL', 'DE', '999']);
  });

  it('names every flag a registrar must notice', () => {
    expect(investorFlags({ flags: 1 | 2 | 128, registered: false, frozen_in: ['ACME'] })).toEqual(['removed', 'revoked', 'frozen in ACME', 'qualified', 'issuer']);
    expect(investorFlags({ flags: 0, registered: true, frozen_in: [] })).toEqual([]);
  });
});
