import { describe, expect, it } from 'vitest';
import { RECORD_DATE_HORIZON, cancellability, recordDateHorizonError, upcomingActions, withdrawalWindow } from '../src/lib/corporateActions';

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

describe('upcoming corporate actions', () => {
  const declared = { id: 1n, cancelled: false, amount: 1_000_000_000n, recordTimestamp: NOW + DAY, paymentDate: NOW + 2n * DAY, settled: false, eligibleSupply: 0n };
  const vote = { id: 1n, cancelled: false, question: 'Approve the 2026 accounts?', recordTimestamp: NOW + DAY, closesAt: NOW + 8n * DAY };

  // A dividend was invisible to investors until its record date, while a vote opened with it was shown.
  it('announces a dividend from its declaration, with an estimated amount per share', () => {
    expect(upcomingActions([declared], [vote], 1_000n, 0, NOW)).toEqual([
      { kind: 'dividend', id: 1n, recordTimestamp: NOW + DAY, paymentDate: NOW + 2n * DAY, amount: 1_000_000_000n, perShare: 1_000_000n, estimate: true },
      { kind: 'vote', id: 1n, question: 'Approve the 2026 accounts?', recordTimestamp: NOW + DAY, closesAt: NOW + 8n * DAY },
    ]);
  });
  it('fixes the amount per share on the eligible supply once the record date has passed', () => {
    const settled = { ...declared, settled: true, eligibleSupply: 800n };
    expect(upcomingActions([settled], [], 1_000n, 0, NOW + DAY)[0]).toMatchObject({ perShare: 1_250_000n, estimate: false });
    expect(upcomingActions([declared], [], 4_000_000n, 4, NOW)[0]).toMatchObject({ perShare: 2_500_000n, estimate: true });
  });
  it('drops cancelled actions, a dividend from its payment date and a vote once it closes', () => {
    expect(upcomingActions([{ ...declared, cancelled: true }], [{ ...vote, cancelled: true }], 1_000n, 0, NOW)).toEqual([]);
    expect(upcomingActions([declared], [vote], 1_000n, 0, NOW + 2n * DAY).map((action) => action.kind)).toEqual(['vote']);
    expect(upcomingActions([declared], [vote], 1_000n, 0, NOW + 8n * DAY)).toEqual([]);
  });
  it('gives no amount per share while no share exists', () => {
    expect(upcomingActions([declared], [], 0n, 0, NOW)[0]).toMatchObject({ perShare: null });
  });
});
