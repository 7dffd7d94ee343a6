import { OfferingAbi } from '@generated/abis';
import { useState } from 'react';
import type { Address } from 'viem';
import { loadCashPosition, loadRestriction, loadSubscription, type CashInfo, type Security } from '../data/platform';
import { useKycStatus } from '../hooks/useKycStatus';
import { useChainNow, useLive } from '../hooks/useLive';
import { useTx } from '../hooks/useTx';
import { withdrawalWindow } from '../lib/corporateActions';
import { formatDate, formatDuration, formatPercent } from '../lib/format';
import { OFFERING_ENDED, OFFERING_OPEN, OFFERING_SUCCEEDED, offeringStateLabel } from '../lib/market';
import { parseLots } from '../lib/parse';
import { friendlyRevertReason } from '../lib/revertReasons';
import { isBusy } from '../lib/txState';
import { TxStatus } from './TxStatus';
import { Badge, Card, Progress, TextField, units } from './ui';

/** The security's primary offering: terms, progress, subscribing, withdrawing, closing and settlement. */
export function OfferingPanel({ security, cash, wallet }: { security: Security; cash: CashInfo; wallet: Address | undefined }) {
  const offering = security.offering!;
  const unit = units(security, cash);
  const now = useChainNow() ?? 0n;
  const tx = useTx();
  const kyc = useKycStatus(wallet);
  const [lotsText, setLotsText] = useState('');
  const lots = parseLots(lotsText, { lotSize: offering.lot, shareDecimals: security.decimals });
  const shares = lots.ok ? lots.value.amount : 0n;
  const cost = lots.ok ? lots.value.lots * offering.price : 0n;
  const mine = useLive(['subscription', offering.address, wallet], (client) => loadSubscription(client, offering.address, wallet!), Boolean(wallet));
  const position = useLive(['cash', wallet], (client) => loadCashPosition(client, wallet!, null), Boolean(wallet));
  const restriction = useLive(
    ['receive', security.token, wallet, shares],
    (client) => loadRestriction(client, security.token, wallet!, 'receive', shares),
    Boolean(wallet) && lots.ok,
  );
  const subscribed = mine.data?.subscribed ?? 0n;

  const refusals: string[] = [];
  if (lots.ok && wallet) {
    if (offering.state !== OFFERING_OPEN) refusals.push(`The offering is ${offeringStateLabel(offering.state).toLowerCase()}: subscriptions are not accepted.`);
    if (kyc.status === 'unregistered') refusals.push('Your wallet is not registered: the registrar must verify you (KYC) before you subscribe.');
    else if (kyc.status === 'expired' || kyc.status === 'revoked') refusals.push(`Your KYC verification is ${kyc.status}.`);
    else if (restriction.data && restriction.data.code !== 0) refusals.push(friendlyRevertReason(restriction.data.message));
    const total = subscribed + shares;
    if (total < offering.minPerInvestor) refusals.push(`The minimum subscription is ${unit.shares(offering.minPerInvestor)}.`);
    if (total > offering.maxPerInvestor) refusals.push(`At most ${unit.shares(offering.maxPerInvestor)} per investor (you have ${unit.shares(subscribed)}).`);
    if (position.data && position.data.balance < cost) refusals.push(`This costs ${unit.cash(cost)}; your wallet holds ${unit.cash(position.data.balance)}.`);
  }

  const subscribe = async () => {
    if (!lots.ok || refusals.length || !position.data) return;
    if (!(await tx.ensureAllowance(cash.address, offering.address, cost, `Approve ${unit.cash(cost)} for the offering`))) return;
    if (await tx.send({ address: offering.address, abi: OfferingAbi, functionName: 'subscribe', args: [shares] }, `Subscribe ${unit.shares(shares)}`)) setLotsText('');
  };
  const close = () => tx.send({ address: offering.address, abi: OfferingAbi, functionName: 'close', args: [] }, `Close the ${security.symbol} offering`);
  const withdraw = () =>
    tx.send({ address: offering.address, abi: OfferingAbi, functionName: 'withdraw', args: [subscribed] }, `Withdraw your ${unit.shares(subscribed)} subscription`);
  const settle = () => tx.send({ address: offering.address, abi: OfferingAbi, functionName: 'settle', args: [wallet!] }, 'Settle your subscription');

  const busy = isBusy(tx.state);
  const withdrawals = withdrawalWindow(offering.endTime, offering.withdrawalCutoff, now);
  const closed = offering.state > OFFERING_ENDED;
  const timing =
    offering.state === 0
      ? `Opens ${formatDate(offering.startTime, { withTime: true })} (in ${formatDuration(offering.startTime - now)})`
      : offering.state === OFFERING_OPEN
        ? `Closes ${formatDate(offering.endTime, { withTime: true })} (in ${formatDuration(offering.endTime - now)})`
        : offering.state === OFFERING_ENDED
          ? `Ended ${formatDate(offering.endTime, { withTime: true })}: waiting to be closed`
          : `Closed (it was to end ${formatDate(offering.endTime, { withTime: true })})`;
  return (
    <Card title="Offering" actions={<Badge tone={offering.state === OFFERING_OPEN ? 'ok' : offering.state === OFFERING_SUCCEEDED ? 'ok' : 'warn'} testId="offering-state">{offeringStateLabel(offering.state)}</Badge>} testId="offering-panel">
      <Progress value={Number(offering.progressBps) / 100} label="Subscribed share of the hard cap" />
      <p className="small" data-testid="offering-progress">
        <strong>{unit.shares(offering.totalSubscribed)}</strong> subscribed of {unit.shares(offering.hardCap)} ({formatPercent(offering.progressBps, 10_000n)}); soft cap {unit.shares(offering.softCap)}
      </p>
      <dl className="facts small">
        <div className="facts__row"><dt>Price</dt><dd>{unit.cash(offering.price)} per lot of {unit.shares(offering.lot)}</dd></div>
        <div className="facts__row"><dt>Per investor</dt><dd>{unit.shares(offering.minPerInvestor)} to {unit.shares(offering.maxPerInvestor)}</dd></div>
        <div className="facts__row"><dt>Timing</dt><dd>{timing}</dd></div>
        {wallet && <div className="facts__row"><dt>Your subscription</dt><dd data-testid="my-subscription">{unit.shares(subscribed)}{mine.data?.settled ? ' · settled' : ''}</dd></div>}
      </dl>
      {wallet && offering.state === OFFERING_OPEN && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void subscribe();
          }}
        >
          <TextField
            label="Lots to subscribe"
            value={lotsText}
            onChange={setLotsText}
            inputMode="numeric"
            name="subscribe-lots"
            error={lotsText && !lots.ok ? lots.error : refusals[0]}
            hint={lots.ok ? `${unit.shares(shares)} for ${unit.cash(cost)}` : undefined}
          />
          <button type="submit" className="button button--primary" disabled={busy || !lots.ok || refusals.length > 0}>Subscribe</button>
        </form>
      )}
      <div className="actions">
        {offering.state === OFFERING_ENDED && <button type="button" className="button" disabled={busy || !wallet} onClick={() => void close()}>Close the offering</button>}
        {offering.state === OFFERING_OPEN && wallet?.toLowerCase() === security.issuer.toLowerCase() && offering.totalSubscribed >= offering.hardCap && (
          <button type="button" className="button" disabled={busy} onClick={() => void close()}>Close early (hard cap reached)</button>
        )}
        {offering.state === OFFERING_OPEN && wallet && subscribed > 0n && withdrawals.open && (
          <button type="button" className="button" disabled={busy} onClick={() => void withdraw()} data-testid="withdraw-subscription">
            Withdraw your subscription (refund {unit.cash((subscribed / offering.lot) * offering.price)})
          </button>
        )}
        {closed && wallet && subscribed > 0n && mine.data && !mine.data.settled && (
          <button type="button" className="button button--primary" disabled={busy} onClick={() => void settle()}>
            {offering.state === OFFERING_SUCCEEDED ? `Receive your ${security.symbol}` : 'Take your refund'}
          </button>
        )}
      </div>
      {offering.state === OFFERING_OPEN && wallet && subscribed > 0n && (
        <p className="muted small" data-testid="withdrawal-window">
          {withdrawals.open
            ? `You can withdraw until ${formatDate(withdrawals.closesAt, { withTime: true })}, ${formatDuration(offering.withdrawalCutoff)} before the end.`
            : `Withdrawals closed ${formatDate(withdrawals.closedAt, { withTime: true })}, ${formatDuration(offering.withdrawalCutoff)} before the end, so that late withdrawals cannot sink the offering: your subscription stands.`}
        </p>
      )}
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}
