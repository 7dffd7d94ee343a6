// The issuer's records as the read API gives them: the record dates a register can be shown at,
// and how a subscription stands.
import type { ApiCorporateAction, ApiSubscription } from './api';
import { formatDate } from './format';

export interface RecordDateChoice {
  id: number;
  timestamp: number;
  /** "Dividend #1, vote “Approve the accounts?” · 25 Nov 2026" */
  label: string;
}

const actionName = (action: ApiCorporateAction) => (action.kind === 'dividend' ? `dividend #${action.action_id}` : `vote “${action.question ?? ''}”`);

/**
 * The record dates of a security's dividends and votes a past register can be shown at: those passed
 * by `now` (chain time) of actions not cancelled, latest first. A date shared by a dividend and a vote
 * is one choice naming both; a cancelled action is left out, since the token gives its date's id to
 * the next date scheduled.
 */
export function recordDateChoices(actions: readonly ApiCorporateAction[], now: bigint): RecordDateChoice[] {
  const byId = new Map<number, { timestamp: number; names: string[] }>();
  for (const action of actions) {
    if (action.status === 'cancelled' || BigInt(action.record_timestamp) > now) continue;
    const choice = byId.get(action.record_date_id) ?? { timestamp: action.record_timestamp, names: [] };
    choice.names.push(actionName(action));
    byId.set(action.record_date_id, choice);
  }
  return [...byId.entries()]
    .sort(([, a], [, b]) => b.timestamp - a.timestamp)
    .map(([id, { timestamp, names }]) => {
      const text = names.join(', ');
      return { id, timestamp, label: `${text.charAt(0).toUpperCase()}${text.slice(1)} · ${formatDate(timestamp)}` };
    });
}

export const SUBSCRIPTION_STATE: Record<ApiSubscription['state'], { label: string; tone: 'ok' | 'warn' | 'muted' }> = {
  unsettled: { label: 'to settle', tone: 'warn' },
  allocated: { label: 'allocated', tone: 'ok' },
  refunded: { label: 'refunded', tone: 'muted' },
  withdrawn: { label: 'withdrawn', tone: 'muted' },
};
