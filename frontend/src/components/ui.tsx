import { useId, type ReactNode } from 'react';
import type { CashInfo, Security } from '../data/platform';
import { formatCash, formatPrice, formatShares } from '../lib/format';

/** A labelled input with its validation message and hint; the message is announced to screen readers. */
export function Field({ label, error, hint, children }: { label: string; error?: string | undefined; hint?: ReactNode; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const messageId = `${id}-message`;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id} className="field__label">{label}</label>
      {children(id, error || hint ? messageId : undefined)}
      {error ? (
        <p id={messageId} className="field__error" role="alert">{error}</p>
      ) : hint ? (
        <p id={messageId} className="field__hint">{hint}</p>
      ) : null}
    </div>
  );
}

/** A text input bound to a string state, inside a Field. */
export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  placeholder,
  inputMode,
  name,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  type?: string;
  placeholder?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
  name?: string;
}) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(id, describedBy) => (
        <input
          id={id}
          name={name}
          className="input"
          type={type}
          value={value}
          placeholder={placeholder}
          inputMode={inputMode}
          aria-invalid={Boolean(error)}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

export function Badge({ tone, children, testId }: { tone: 'ok' | 'warn' | 'error' | 'muted'; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge badge--${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

export function Stat({ label, value, sub, testId, tone }: { label: string; value: ReactNode; sub?: ReactNode; testId?: string; tone?: 'up' | 'down' | undefined }) {
  return (
    <div className="stat">
      <div className="stat__label">{label}</div>
      <div className={`stat__value${tone ? ` stat__value--${tone}` : ''}`} data-testid={testId}>{value}</div>
      {sub && <div className="stat__sub">{sub}</div>}
    </div>
  );
}

export function Card({ title, actions, children, testId, className = '' }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string; className?: string }) {
  return (
    <section className={`card ${className}`} data-testid={testId}>
      {(title || actions) && (
        <header className="card__header">
          {title && <h2 className="card__title">{title}</h2>}
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}

/** Said under a list the index had more of than a page shows. */
export function FirstShown({ count, more, download }: { count: number; more: boolean; download?: string }) {
  if (!more) return null;
  return (
    <p className="muted small" data-testid="first-shown">
      The first {count.toLocaleString('en-US')} are shown{download ? <>: <a href={download} download>download the CSV</a> for every one</> : ''}.
    </p>
  );
}

export function Progress({ value, label }: { value: number; label: string }) {
  const clamped = Math.max(0, Math.min(100, value));
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(clamped)} aria-label={label}>
      <div className="progress__bar" style={{ width: `${clamped}%` }} />
    </div>
  );
}

/** Amount formatters bound to a security and the platform cash. */
export function units(security: Pick<Security, 'decimals' | 'symbol' | 'tickSize'>, cash: CashInfo | null | undefined) {
  const cashDecimals = cash?.decimals ?? 6;
  const cashSymbol = cash?.symbol ?? '';
  return {
    shares: (value: bigint) => formatShares(value, security.decimals, security.symbol),
    cash: (value: bigint) => formatCash(value, cashDecimals, cashSymbol),
    price: (tick: bigint) => (tick === 0n ? '–' : formatPrice(tick, { tickSize: security.tickSize, cashDecimals, cashSymbol })),
    share: { decimals: security.decimals, symbol: security.symbol },
    money: { decimals: cashDecimals, symbol: cashSymbol },
  };
}
