import type { ReactNode } from 'react';
import { shortenHash } from '../lib/format';
import { txHeadline, type TxState } from '../lib/txState';

/** Pending / confirmed / failed, with the decoded reason and the raw one for support; `children` say what it did. */
export function TxStatus({ state, onDismiss, children }: { state: TxState; onDismiss?: () => void; children?: ReactNode }) {
  if (state.status === 'idle') return null;
  const tone = state.status === 'confirmed' ? 'ok' : state.status === 'failed' ? 'error' : 'pending';
  return (
    <div className={`tx tx--${tone}`} role={state.status === 'failed' ? 'alert' : 'status'} data-status={state.status}>
      {tone === 'pending' && <span className="spinner" aria-hidden="true" />}
      <div className="tx__body">
        <p className="tx__headline">{txHeadline(state)}</p>
        {'hash' in state && state.hash && (
          <p className="tx__detail">
            Transaction <code title={state.hash}>{shortenHash(state.hash)}</code>
            {state.status === 'confirmed' && <> · gas used {state.gasUsed.toLocaleString('en-GB')}</>}
          </p>
        )}
        {children}
        {state.status === 'failed' && state.error.reason && (
          <p className="tx__detail">
            Contract reason: <code>{state.error.reason}</code>
          </p>
        )}
      </div>
      {onDismiss && (state.status === 'confirmed' || state.status === 'failed') && (
        <button type="button" className="button button--ghost" onClick={onDismiss} aria-label="Dismiss">
          ✕
        </button>
      )}
    </div>
  );
}
