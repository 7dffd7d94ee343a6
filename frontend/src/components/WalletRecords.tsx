// An investor's records from the read API: every order with its fills (average price, fees), and a
// statement for a chosen period with its CSV. Open orders to cancel still come from the chain.
import { useState } from 'react';
import type { Address } from 'viem';
import { deployment } from '../config/deployment';
import { contracts, type CashInfo, type Security } from '../data/platform';
import { useApi } from '../hooks/useApi';
import { apiUrl, type ApiStatement, type ApiWalletOrders } from '../lib/api';
import { formatCash, formatDate, formatShares, shortenAddress } from '../lib/format';
import { cancelReason } from '../lib/market';
import { ORDER_STATUS_LABELS, orderHistory } from '../lib/orderHistory';
import { causeLabel, defaultPeriod, periodBounds } from '../lib/statement';
import { Card, TextField, units } from './ui';

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const time = (seconds: number) => formatDate(seconds, { withTime: true }).replace(/ UTC$/, '');

function bySecurity(securities: Security[], address: string, key: 'market' | 'token'): Security | undefined {
  return securities.find((security) => security[key]?.toLowerCase() === address.toLowerCase());
}

export function OrderHistory({ wallet, securities, cash }: { wallet: Address; securities: Security[]; cash: CashInfo }) {
  const answer = useApi<ApiWalletOrders>(`/wallets/${wallet}/orders`);
  const money = (value: bigint) => formatCash(value, cash.decimals, cash.symbol);
  const entries = answer.value ? orderHistory(answer.value) : [];
  return (
    <Card title="Order history" testId="order-history">
      {answer.error ? (
        <p role="alert">{answer.error.message}</p>
      ) : !answer.value ? (
        <p className="muted">Reading the index…</p>
      ) : entries.length === 0 ? (
        <p className="muted">No order yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--compact">
            <thead>
              <tr><th className="hide-phone">Placed (UTC)</th><th>Security</th><th>Side</th><th className="num hide-phone">Limit / lot</th><th className="num">Filled / lots</th><th className="num">Average / lot</th><th className="num hide-phone">Fees</th><th>Status</th></tr>
            </thead>
            {entries.map((entry) => {
              const security = bySecurity(securities, entry.market, 'market');
              const price = (tick: bigint) => (security ? units(security, cash).price(tick) : tick.toString());
              return (
                <tbody key={entry.key} data-testid="order-row">
                  <tr>
                    <td className="hide-phone">{time(entry.time)}</td>
                    <td>{entry.symbol}</td>
                    <td className={entry.side === 'buy' ? 'up' : 'down'}>{entry.side === 'buy' ? 'Buy' : 'Sell'}</td>
                    <td className="num hide-phone" title={entry.tick === null ? 'Traded when placed: the limit price is not logged' : undefined}>{entry.tick === null ? '–' : price(entry.tick)}</td>
                    <td className="num" data-testid="order-filled">{entry.filled.toString()} / {entry.lots.toString()}</td>
                    <td className="num" data-testid="order-average">{entry.averagePerLot === null ? '–' : money(entry.averagePerLot)}</td>
                    <td className="num hide-phone" data-testid="order-fees">{money(entry.fees)}</td>
                    <td data-testid="order-status">{entry.cancelReason === null ? ORDER_STATUS_LABELS[entry.status] : cancelReason(entry.cancelReason)}</td>
                  </tr>
                  {entry.fills.map((fill) => (
                    <tr key={`${fill.block_number}-${fill.log_index}`} className="muted small" data-testid="order-fill">
                      <td colSpan={8}>
                        ↳ {time(fill.block_time)}: {fill.lots} lots at {price(BigInt(fill.tick))} as {fill.role}, {money(BigInt(fill.cash))}, fee {money(BigInt(fill.fee))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              );
            })}
          </table>
        </div>
      )}
    </Card>
  );
}

export function Statement({ wallet, securities, cash, now }: { wallet: Address; securities: Security[]; cash: CashInfo; now: bigint }) {
  const [period, setPeriod] = useState(() => defaultPeriod(now));
  const bounds = periodBounds(period);
  const query = bounds.ok ? { from: bounds.value.from, to: bounds.value.to } : {};
  const answer = useApi<ApiStatement>(bounds.ok ? `/wallets/${wallet}/statement` : undefined, query);
  const amount = (token: string, value: bigint, signed = false) => {
    const security = bySecurity(securities, token, 'token');
    const text = security ? formatShares(value, security.decimals, security.symbol) : formatCash(value, cash.decimals, cash.symbol);
    return signed && value > 0n ? `+${text}` : text;
  };
  // The platform's own contracts by name; anyone else by a short address.
  const names = new Map<string, string>([[ZERO_ADDRESS, 'none (issued or redeemed)']]);
  if (contracts.dividends) names.set(contracts.dividends.toLowerCase(), 'dividends');
  for (const security of securities) {
    if (security.market) names.set(security.market.toLowerCase(), `${security.symbol} order book`);
    if (security.offering) names.set(security.offering.address.toLowerCase(), `${security.symbol} offering`);
  }
  const counterparty = (address: string) => names.get(address.toLowerCase()) ?? shortenAddress(address);
  const statement = answer.value;
  return (
    <Card
      title="Statement"
      testId="statement"
      actions={bounds.ok && <a className="button button--small" data-testid="statement-csv" href={apiUrl(deployment.apiUrl, `/wallets/${wallet}/statement.csv`, query)} download>Download CSV</a>}
    >
      <div className="form-row">
        <TextField label="From (UTC)" name="statement-from" type="date" value={period.from} onChange={(from) => setPeriod({ ...period, from })} />
        <TextField label="To (UTC)" name="statement-to" type="date" value={period.to} onChange={(to) => setPeriod({ ...period, to })} />
      </div>
      {!bounds.ok ? (
        <p role="alert" className="field__error">{bounds.error}</p>
      ) : answer.error ? (
        <p role="alert">{answer.error.message}</p>
      ) : !statement ? (
        <p className="muted">Reading the index…</p>
      ) : (
        <>
          <table className="table table--compact" data-testid="statement-positions">
            <thead><tr><th>Asset</th><th className="num">Opening</th><th className="num">Closing</th></tr></thead>
            <tbody>
              {statement.positions.map((position) => (
                <tr key={position.token} data-testid="statement-position" data-asset={position.asset}>
                  <td>{position.asset === 'cash' ? cash.symbol : position.asset}</td>
                  <td className="num" data-testid="position-opening">{amount(position.token, BigInt(position.opening))}</td>
                  <td className="num" data-testid="position-closing">{amount(position.token, BigInt(position.closing))}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {statement.movements.length === 0 ? (
            <p className="muted">Nothing moved in this period.</p>
          ) : (
            <div className="table-wrap">
              <table className="table table--compact table--stack">
                <thead><tr><th>Time (UTC)</th><th>Cause</th><th className="hide-phone">Counterparty</th><th className="num">Amount</th></tr></thead>
                <tbody>
                  {statement.movements.map((movement) => (
                    <tr key={`${movement.block_number}-${movement.log_index}`} data-testid="statement-movement" data-tx={movement.tx_hash} data-cause={movement.cause}>
                      <td>{time(movement.block_time)}</td>
                      <td data-testid="movement-cause">{causeLabel(movement.cause)}</td>
                      <td className="hide-phone" title={movement.counterparty} data-testid="movement-counterparty">{counterparty(movement.counterparty)}</td>
                      <td className={`num ${BigInt(movement.amount) < 0n ? 'down' : 'up'}`} data-testid="movement-amount">{amount(movement.token, BigInt(movement.amount), true)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
