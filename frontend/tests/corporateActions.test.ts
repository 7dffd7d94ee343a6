import { describe, expect, it } from 'vitest';
import { RECORD_DATE_HORIZON, cancellability, recordDateHorizonError, withdrawalWindow } from '../src/lib/corporateActions';

const NOW = 1_790_000_000n;
const DAY = 86_400n;

describe('cancellability of a dividend or vote', () => {
  const pending = { cancelled: false, recordDateId: 3n, recordTimestamp: NOW + DAY };

  it('allows the latest record date before it is reached', () => {
    expect(cancellability(pending, 3n, NOW)).toEqual({ ok: true });
  });
  it('refuses once cancelled, once the record date is reached, or behind a later date', () => {
    expect(cancellability({ ...pending, cancelled: true }, 3n, NOW)).toEqual({ ok: false, why: 'cancelled' });
    expect(cancellability({ ...pending, recordTimestamp: NOW }, 3n, NOW)).toEqual({ ok: false, why: 'the record date has passed' });
    expect(cancellability(pending, 4n, NOW)).toEqual({ ok: false, why: 'a later record date is scheduled: cancel that one first' });
  });
  it('reads a cancelled action as cancelled even when its date id was reused', () => {
    expect(cancellability({ cancelled: true, recordDateId: 3n, recordTimestamp: 0n }, 2n, NOW).ok).toBe(false);
  });
});

describe('record-date horizon', () => {
  it('is 400 days, inclusive, as SecurityToken.schedule_record_date checks', () => {
    expect(RECORD_DATE_HORIZON).toBe(400n * DAY);
    expect(recordDateHorizonError(NOW + RECORD_DATE_HORIZON, NOW)).toBeUndefined();
    expect(recordDateHorizonError(NOW + RECORD_DATE_HORIZON + 1n, NOW)).toBe('A record date can be at most 400 days ahead.');
  });
});

describe('offering withdrawal window', () => {
  const end = NOW + 3n * DAY;
  it('is open until the cut-off before the end', () => {
    expect(withdrawalWindow(end, DAY, NOW)).toEqual({ open: true, closesAt: end - DAY });
    expect(withdrawalWindow(end, DAY, end - DAY - 1n)).toEqual({ open: true, closesAt: end - DAY });
  });
  it('closes at end - cutoff, as Offering.withdraw checks block.timestamp + WITHDRAWAL_CUTOFF < end', () => {
    expect(withdrawalWindow(end, DAY, end - DAY)).toEqual({ open: false, closedAt: end - DAY });
    expect(withdrawalWindow(end, DAY, end + 5n)).toEqual({ open: false, closedAt: end - DAY });
  });
  it('is closed from the start of an offering shorter than the cut-off', () => {
    expect(withdrawalWindow(NOW + 100n, DAY, NOW)).toEqual({ open: false, closedAt: NOW + 100n - DAY });
  });
});
