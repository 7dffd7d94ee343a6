import { cancellability, type RecordDated } from '../lib/corporateActions';
import { Badge } from './ui';

/**
 * What the issuer desk shows beside a dividend or vote: a Cancel button while the contracts would
 * take it back (its record date is the token's latest and not reached), else why not.
 */
export function RecordDatedCancel({ action, latestRecordDateId, now, busy, what, onCancel }: {
  action: RecordDated;
  latestRecordDateId: bigint | undefined;
  now: bigint;
  busy: boolean;
  what: 'dividend' | 'vote';
  onCancel: () => void;
}) {
  if (action.cancelled) return <Badge tone="muted">cancelled</Badge>;
  if (action.recordTimestamp <= now || latestRecordDateId === undefined) return null;
  const verdict = cancellability(action, latestRecordDateId, now);
  if (!verdict.ok) return <span className="muted small">{verdict.why}</span>;
  const refund = what === 'dividend' ? ' and take back its cash' : '';
  return (
    <button type="button" className="button button--danger button--small" disabled={busy} onClick={onCancel} title={`Cancel the ${what} before its record date${refund}`} data-testid={`cancel-${what}`}>
      Cancel
    </button>
  );
}
