import { describe, expect, it } from 'vitest';
import type { ApiCorporateAction } from '../src/lib/api';
import { recordDateChoices } from '../src/lib/issuerRecords';

const NOW = 1_790_000_000;
const DAY = 86_400;

function action(kind: 'dividend' | 'vote', id: number, recordDateId: number, recordTimestamp: number, status: ApiCorporateAction['status']): ApiCorporateAction {
  return {
    kind, contract: '0x0000000000000000000000000000000000000001', action_id: id, record_date_id: recordDateId, record_timestamp: recordTimestamp,
    status, declared_time: recordTimestamp - DAY, cash: null, amount: null, paid: null, reclaimed: null, payment_date: null, expiry: null,
    question: kind === 'vote' ? 'Approve the 2026 accounts?' : null, closes_at: null,
  };
}

describe('record dates a past register can be shown at', () => {
  it('lists passed dates latest first, one per date, naming every action on it', () => {
    const actions = [
      action('dividend', 1, 1, NOW - 10 * DAY, 'payable'),
      action('dividend', 3, 2, NOW - DAY, 'payable'),
      action('vote', 1, 2, NOW - DAY, 'open'),
    ];
    expect(recordDateChoices(actions, BigInt(NOW))).toEqual([
      { id: 2, timestamp: NOW - DAY, label: 'Dividend #3, vote “Approve the 2026 accounts?” · 20 Sept 2026' },
      { id: 1, timestamp: NOW - 10 * DAY, label: 'Dividend #1 · 11 Sept 2026' },
    ]);
  });
  it('leaves out dates still ahead and cancelled actions, whose date id the token gives again', () => {
    const actions = [
      action('dividend', 2, 2, NOW + DAY, 'cancelled'),
      action('vote', 1, 2, NOW - DAY, 'closed'),
      action('dividend', 3, 3, NOW + DAY, 'upcoming'),
    ];
    expect(recordDateChoices(actions, BigInt(NOW)).map((choice) => choice.label)).toEqual(['Vote “Approve the 2026 accounts?” · 20 Sept 2026']);
  });
  it('counts a date reached at `now` as passed, as the token does', () => {
    expect(recordDateChoices([action('dividend', 1, 1, NOW, 'payable')], BigInt(NOW))).toHaveLength(1);
  });
});
