// The issuer's records, read from the platform's index through the read API: the shareholder
// register (today or at a record date), the offering's subscribers and a dividend's unpaid holders.
// Amount cells carry the base units in data-value, so that a test compares them with the chain exactly.
import { useState } from 'react';
import { deployment } from '../config/deployment';
import type { CashInfo, DividendView, Security } from '../data/platform';
import { useApi } from '../hooks/useApi';
import { apiUrl, type ApiCorporateAction, type ApiDividendPayments, type ApiRegister, type ApiSubscription } from '../lib/api';
import { formatPercent, shortenAddress } from '../lib/format';
import { SUBSCRIPTION_STATE, recordDateChoices } from '../lib/issuerRecords';
import { Badge, Card, FirstShown, units } from './ui';

/** The API's largest page: the screen shows that many holders, the CSV every one. */
const PAGE = 1_000;
const plural = (count: number, noun: string) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;

function Account({ address }: { address: string }) {
  return <code title={address}>{shortenAddress(address)}</code>;
}

/** What the index could not say, in its own sentence, or that it is still catching up with the chain. */
function IndexState({ error, behind }: { error: Error | null; behind: boolean }) {
  if (error) return <p className="notice notice--error small" role="alert">{error.message}</p>;
  return behind ? <p className="muted small">The index is catching up with the chain…</p> : null;
}

export function ShareholderRegister({ security, now }: { security: Security; now: bigint }) {
  const [recordDate, setRecordDate] = useState<number | undefined>(undefined);
  const actions = useApi<ApiCorporateAction[]>(`securities/${security.symbol}/corporate-actions`);
  const choices = recordDateChoices(actions.value ?? [], now);
  const asked = choices.some((choice) => choice.id === recordDate) ? recordDate : undefined;
  const path = `securities/${security.symbol}/register`;
  const register = useApi<ApiRegister>(path, { record_date: asked, limit: PAGE });
  const value = register.value;
  const supply = value ? BigInt(value.supply) : 0n;
  const holderCount = value ? (value.holder_count ?? value.holders.length) : 0;
  const today = asked === undefined;
  const shares = (amount: string | undefined) => units(security, null).shares(BigInt(amount ?? '0'));
  return (
    <Card
      title="Shareholder register"
      testId="shareholder-register"
      className="desk__wide"
      actions={<a className="button button--small" href={apiUrl(deployment.apiUrl, `${path}.csv`, { record_date: asked })} download data-testid="register-csv">Download CSV</a>}
    >
      <label className="field">
        <span className="field__label">As of</span>
        <select name="register-date" className="input" value={asked ?? ''} onChange={(event) => setRecordDate(event.target.value === '' ? undefined : Number(event.target.value))}>
          <option value="">Today</option>
          {choices.map((choice) => <option key={choice.id} value={choice.id}>Record date: {choice.label}</option>)}
        </select>
      </label>
      <IndexState error={register.error ?? actions.error} behind={register.behind} />
      {value && (
        <>
          <p className="small" data-testid="register-summary">
            {plural(holderCount, 'holder')} · supply {shares(value.supply)}
            {value.holders.length < holderCount && ` · the first ${value.holders.length.toLocaleString('en-US')} shown; the CSV lists every holder`}
          </p>
          <table className="table table--compact small">
            <thead>
              <tr>
                <th>Holder</th><th className="num">Balance</th><th className="num">Of supply</th>
                {today && <><th className="num hide-phone">On orders</th><th className="num hide-phone">Frozen</th></>}
              </tr>
            </thead>
            <tbody>
              {value.holders.map((holder) => (
                <tr key={holder.account} data-testid="register-row" data-account={holder.account}>
                  <td><Account address={holder.account} />{holder.wallet_frozen && <> <Badge tone="error">frozen</Badge></>}</td>
                  <td className="num" data-testid="register-balance" data-value={holder.balance}>{shares(holder.balance)}</td>
                  <td className="num">{formatPercent(BigInt(holder.balance), supply)}</td>
                  {today && <><td className="num hide-phone">{shares(holder.held)}</td><td className="num hide-phone">{shares(holder.frozen)}</td></>}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}

export function OfferingSubscribers({ security, cash }: { security: Security; cash: CashInfo }) {
  const subscriptions = useApi<ApiSubscription[]>(`securities/${security.symbol}/subscriptions`, {}, { all: true });
  const unit = units(security, cash);
  const rows = subscriptions.value ?? [];
  return (
    <Card title="Offering subscribers" testId="offering-subscribers" className="desk__wide">
      <IndexState error={subscriptions.error} behind={subscriptions.behind} />
      {subscriptions.value && rows.length === 0 && <p className="muted">Nobody has subscribed yet.</p>}
      {rows.length > 0 && (
        <table className="table table--compact small">
          <thead>
            <tr><th>Investor</th><th className="num">Subscribed</th><th className="num hide-phone">Paid in</th><th className="num hide-phone">Allocated</th><th className="num hide-phone">Refunded</th><th>State</th></tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.investor} data-testid="subscriber-row" data-investor={row.investor}>
                <td><Account address={row.investor} /></td>
                <td className="num" data-testid="subscriber-subscribed" data-value={row.subscribed}>{unit.shares(BigInt(row.subscribed))}</td>
                <td className="num hide-phone">{unit.cash(BigInt(row.cash_paid))}</td>
                <td className="num hide-phone" data-testid="subscriber-allocated" data-value={row.allocated}>{unit.shares(BigInt(row.allocated))}</td>
                <td className="num hide-phone">{unit.cash(BigInt(row.refunded))}</td>
                <td><Badge tone={SUBSCRIPTION_STATE[row.state].tone}>{SUBSCRIPTION_STATE[row.state].label}</Badge></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FirstShown count={rows.length} more={subscriptions.more} download={apiUrl(deployment.apiUrl, `securities/${security.symbol}/subscriptions.csv`)} />
    </Card>
  );
}

/** A dividend's outstanding total and the holders it has not paid yet (once its record date passed). */
export function DividendOutstanding({ security, cash, dividend, now }: { security: Security; cash: CashInfo; dividend: DividendView; now: bigint }) {
  const reached = !dividend.cancelled && dividend.recordTimestamp <= now;
  const payments = useApi<ApiDividendPayments>(reached ? `securities/${security.symbol}/dividends/${dividend.id}/payments` : undefined, { outstanding_only: true, limit: PAGE });
  const unit = units(security, cash);
  const value = payments.value;
  if (!reached) return null;
  return (
    <details className="small" data-testid="dividend-outstanding" data-dividend={dividend.id.toString()}>
      <summary>
        #{dividend.id.toString()}:{' '}
        {!value ? (
          'reading the payments…'
        ) : value.record_date_reached ? (
          <span data-testid="outstanding-total" data-value={value.outstanding_total}>{unit.cash(BigInt(value.outstanding_total))} outstanding to {plural(value.outstanding_count, 'holder')}</span>
        ) : (
          // The index dates its answers by the platform events it has read: until one comes after the record date, it cannot tell who held then.
          'the index has not yet read past the record date'
        )}
      </summary>
      <IndexState error={payments.error} behind={payments.behind} />
      {value && value.items.length > 0 && (
        <table className="table table--compact">
          <thead><tr><th>Holder</th><th className="num hide-phone">Shares then</th><th className="num">Due</th><th className="num">Unpaid</th></tr></thead>
          <tbody>
            {value.items.map((row) => (
              <tr key={row.holder} data-testid="unpaid-holder" data-holder={row.holder}>
                <td><Account address={row.holder} /></td>
                <td className="num hide-phone">{unit.shares(BigInt(row.record_balance))}</td>
                <td className="num" data-testid="unpaid-due" data-value={row.entitled}>{unit.cash(BigInt(row.entitled))}</td>
                <td className="num" data-testid="unpaid-amount" data-value={row.outstanding}>{unit.cash(BigInt(row.outstanding))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
