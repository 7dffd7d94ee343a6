import { DividendsAbi, IssuanceFactoryAbi, OfferingAbi, SecurityTokenAbi, ShareholderVotesAbi } from '@generated/abis';
import { useState } from 'react';
import { stringToHex, type Address } from 'viem';
import { RecordDatedCancel } from '../components/RecordDatedCancel';
import { RequireWallet } from '../components/RequireWallet';
import { TxStatus } from '../components/TxStatus';
import { Badge, Card, TextField, units } from '../components/ui';
import { DividendOutstanding, OfferingSubscribers, ShareholderRegister } from '../components/IssuerRecords';
import { contracts, loadCashPosition, loadDividends, loadHaltedByOperator, loadLatestRecordDateId, loadVotes, type CashInfo, type Security } from '../data/platform';
import { useApi } from '../hooks/useApi';
import { useKycStatus } from '../hooks/useKycStatus';
import { useForm } from '../hooks/useForm';
import { useCash, useChainNow, useLive, useRoles, useSecurities } from '../hooks/useLive';
import { useTx } from '../hooks/useTx';
import type { ApiSubscription } from '../lib/api';
import { formatDate, formatTokenAmount, shortenAddress } from '../lib/format';
import { OFFERING_ENDED, OFFERING_OPEN, listingStatus, offeringLive, offeringStateLabel } from '../lib/market';
import { isBusy } from '../lib/txState';
import {
  hashBytes,
  toDateTimeInput,
  SYMBOL_RULE,
  validateDividend,
  validateDocument,
  validateIssuance,
  validateOffering,
  validateVote,
  type DividendInput,
  type DocumentInput,
  type IssuanceInput,
  type OfferingInput,
  type VoteInput,
} from '../lib/validation';
import { useWallet } from '../wallet/useWallet';

const DAY = 86_400n;
/** Offering.MAX_BATCH: subscribers settled per transaction. */
const SETTLEMENT_BATCH = 100;
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const ISSUANCE_DEFAULTS: IssuanceInput = { isin: '', name: '', symbol: '', decimals: '0', lotSize: '1', tickSize: '0.01', maxHolders: '', prospectusUri: '', prospectusHash: '' };

function IssueSecurity({ issuer, cash }: { issuer: Address; cash: CashInfo }) {
  const form = useForm(ISSUANCE_DEFAULTS);
  const tx = useTx();
  const result = validateIssuance(form.values, cash.decimals);
  const errors = form.shown(result);
  const { values, set } = form;
  const submit = async () => {
    form.submit();
    if (!result.ok) return;
    const issuance = result.value;
    const request = {
      isin: issuance.isin,
      name: issuance.name,
      symbol: issuance.symbol,
      decimals: issuance.decimals,
      issuer,
      lockup_end: 0n,
      holder_accounting: true,
      max_holders: issuance.maxHolders,
      max_balance: 0n,
      country_rule: 0,
      countries: [],
      documents: issuance.prospectus ? [{ name: stringToHex('prospectus', { size: 32 }), uri: issuance.prospectus.uri, document_hash: issuance.prospectus.hash }] : [],
      lot_size: issuance.lotSize,
      tick_size: issuance.tickSize,
    };
    if (await tx.send({ address: contracts.factory!, abi: IssuanceFactoryAbi, functionName: 'issue_security', args: [request] }, `Issue ${issuance.symbol}`)) form.reset();
  };
  return (
    <Card title="Issue a security" testId="issue-security">
      <form className="form" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <div className="form-row">
          <TextField label="ISIN" name="isin" value={values.isin} onChange={set('isin')} error={errors.isin} placeholder="CL0000000001" />
          <TextField label="Ticker symbol" name="symbol" value={values.symbol} onChange={set('symbol')} error={errors.symbol} placeholder="ACME" hint={`${SYMBOL_RULE}, unique on the platform`} />
        </div>
        <TextField label="Company name" name="name" value={values.name} onChange={set('name')} error={errors.name} />
        <div className="form-row">
          <TextField label="Share decimals" name="decimals" value={values.decimals} onChange={set('decimals')} error={errors.decimals} inputMode="numeric" hint="0 for whole shares" />
          <TextField label="Lot (shares)" name="lotSize" value={values.lotSize} onChange={set('lotSize')} error={errors.lotSize} inputMode="decimal" hint="The trading unit" />
          <TextField label={`Price step (${cash.symbol})`} name="tickSize" value={values.tickSize} onChange={set('tickSize')} error={errors.tickSize} inputMode="decimal" hint="Per lot" />
        </div>
        <TextField label="Holder limit (optional)" name="maxHolders" value={values.maxHolders} onChange={set('maxHolders')} error={errors.maxHolders} inputMode="numeric" />
        <div className="form-row">
          <TextField label="Prospectus URL (optional)" name="prospectusUri" value={values.prospectusUri} onChange={set('prospectusUri')} error={errors.prospectusUri} />
          <TextField label="Prospectus hash" name="prospectusHash" value={values.prospectusHash} onChange={set('prospectusHash')} error={errors.prospectusHash} placeholder="0x…" />
        </div>
        <button type="submit" className="button button--primary" disabled={isBusy(tx.state)}>Issue and list</button>
        <TxStatus state={tx.state} onDismiss={tx.reset} />
      </form>
    </Card>
  );
}

function offeringDefaults(now: bigint): OfferingInput {
  return { price: '', lot: '1', minPerInvestor: '', maxPerInvestor: '', softCap: '', hardCap: '', start: toDateTimeInput(now), end: toDateTimeInput(now + 14n * DAY) };
}

function OfferingDesk({ security, cash, now }: { security: Security; cash: CashInfo; now: bigint }) {
  const [initial] = useState(() => offeringDefaults(now));
  const form = useForm(initial);
  const tx = useTx();
  const unit = units(security, cash);
  const result = validateOffering(form.values, security.decimals, cash.decimals, now);
  const errors = form.shown(result);
  const { values, set } = form;
  const offering = security.offering;
  const live = offering && offeringLive(offering.state);
  const submit = async () => {
    form.submit();
    if (!result.ok) return;
    const terms = result.value;
    await tx.send(
      {
        address: contracts.factory!,
        abi: IssuanceFactoryAbi,
        functionName: 'create_offering',
        args: [security.token, { price: terms.price, lot: terms.lot, min_per_investor: terms.minPerInvestor, max_per_investor: terms.maxPerInvestor, soft_cap: terms.softCap, hard_cap: terms.hardCap, start_time: terms.startTime, end_time: terms.endTime }],
      },
      `Open an offering of ${security.symbol}`,
    );
  };
  const act = (functionName: 'close' | 'cancel', label: string) => tx.send({ address: offering!.address, abi: OfferingAbi, functionName, args: [] }, label);
  const closed = offering !== null && offering.state > OFFERING_ENDED;
  const unsettled = useApi<ApiSubscription[]>(closed ? `securities/${security.symbol}/subscriptions` : undefined, { offering: offering?.address, state: 'unsettled' }, { all: true });
  const toSettle = unsettled.value?.map((subscription) => subscription.investor);
  const batch = (toSettle ?? []).slice(0, SETTLEMENT_BATCH);
  const settleAll = () =>
    tx.send({ address: offering!.address, abi: OfferingAbi, functionName: 'settle_many', args: [batch] }, `Settle ${plural(batch.length, 'subscriber')}`);
  return (
    <Card title="Offering" testId="offering-desk">
      {live ? (
        <div className="form">
          <p>
            <Badge tone={offering.state === OFFERING_OPEN ? 'ok' : 'warn'}>{offeringStateLabel(offering.state)}</Badge>{' '}
            {unit.shares(offering.totalSubscribed)} subscribed of {unit.shares(offering.hardCap)} (soft cap {unit.shares(offering.softCap)}), ends {formatDate(offering.endTime, { withTime: true })}.
          </p>
          <div className="actions">
            <button type="button" className="button button--primary" disabled={isBusy(tx.state) || (offering.state !== OFFERING_ENDED && offering.totalSubscribed < offering.hardCap)} onClick={() => void act('close', `Close the ${security.symbol} offering`)}>
              Close the offering
            </button>
            {offering.state < OFFERING_ENDED && <button type="button" className="button button--danger" disabled={isBusy(tx.state)} onClick={() => void act('cancel', `Cancel the ${security.symbol} offering`)}>Cancel it</button>}
          </div>
          {offering.state !== OFFERING_ENDED && offering.totalSubscribed < offering.hardCap && <p className="muted small">It can be closed at its end, or earlier once the hard cap is reached.</p>}
        </div>
      ) : security.status !== 2 ? (
        <p className="muted">An offering can be opened while the security trades (it is {listingStatus(security.status).label.toLowerCase()}).</p>
      ) : (
        <form className="form" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
          {offering && (
            <div className="notice notice--info small" data-testid="last-offering">
              The last offering {offeringStateLabel(offering.state).toLowerCase()}
              {toSettle === undefined ? (
                '; reading its subscribers…'
              ) : toSettle.length > 0 ? (
                <>
                  ; {plural(toSettle.length, 'subscriber')} still to settle.{' '}
                  <button type="button" className="button button--small" disabled={isBusy(tx.state)} onClick={() => void settleAll()}>
                    Settle {batch.length}
                  </button>
                </>
              ) : (
                '; every subscriber is settled.'
              )}
            </div>
          )}
          <div className="form-row">
            <TextField label={`Price per lot (${cash.symbol})`} name="price" value={values.price} onChange={set('price')} error={errors.price} inputMode="decimal" />
            <TextField label={`Lot (${security.symbol})`} name="lot" value={values.lot} onChange={set('lot')} error={errors.lot} inputMode="decimal" />
          </div>
          <div className="form-row">
            <TextField label="Minimum per investor" name="minPerInvestor" value={values.minPerInvestor} onChange={set('minPerInvestor')} error={errors.minPerInvestor} inputMode="decimal" placeholder="0" />
            <TextField label="Maximum per investor" name="maxPerInvestor" value={values.maxPerInvestor} onChange={set('maxPerInvestor')} error={errors.maxPerInvestor} inputMode="decimal" />
          </div>
          <div className="form-row">
            <TextField label="Soft cap (shares)" name="softCap" value={values.softCap} onChange={set('softCap')} error={errors.softCap} inputMode="decimal" />
            <TextField label="Hard cap (shares)" name="hardCap" value={values.hardCap} onChange={set('hardCap')} error={errors.hardCap} inputMode="decimal" />
          </div>
          <div className="form-row">
            <TextField label="Opens (UTC)" name="start" type="datetime-local" value={values.start} onChange={set('start')} error={errors.start} />
            <TextField label="Closes (UTC)" name="end" type="datetime-local" value={values.end} onChange={set('end')} error={errors.end} />
          </div>
          <button type="submit" className="button button--primary" disabled={isBusy(tx.state)}>Open the offering</button>
        </form>
      )}
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}

function DocumentDesk({ security }: { security: Security }) {
  const form = useForm<DocumentInput>({ name: '', uri: '', hash: '' });
  const tx = useTx();
  const result = validateDocument(form.values);
  const errors = form.shown(result);
  const { values, set } = form;
  const submit = async () => {
    form.submit();
    if (!result.ok) return;
    const { name, uri, hash } = result.value;
    if (await tx.send({ address: security.token, abi: SecurityTokenAbi, functionName: 'setDocument', args: [name, uri, hash] }, 'Publish the document')) form.reset();
  };
  return (
    <Card title="Publish a document" testId="document-desk">
      <form className="form" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <TextField label="Name" name="doc-name" value={values.name} onChange={set('name')} error={errors.name} placeholder="annual-report-2026" />
        <TextField label="URL" name="doc-uri" value={values.uri} onChange={set('uri')} error={errors.uri} placeholder="https://…" />
        <TextField label="keccak-256 hash" name="doc-hash" value={values.hash} onChange={set('hash')} error={errors.hash} placeholder="0x…" />
        <label className="field__hint">
          Or hash the file here (it is not uploaded):{' '}
          <input type="file" onChange={async (event) => { const file = event.target.files?.[0]; if (file) set('hash')(hashBytes(new Uint8Array(await file.arrayBuffer()))); }} />
        </label>
        <button type="submit" className="button button--primary" disabled={isBusy(tx.state)}>Publish</button>
        <TxStatus state={tx.state} onDismiss={tx.reset} />
      </form>
    </Card>
  );
}

function DividendDesk({ security, cash, issuer, now }: { security: Security; cash: CashInfo; issuer: Address; now: bigint }) {
  const [initial] = useState<DividendInput>(() => ({ amount: '', recordDate: toDateTimeInput(now + DAY), paymentDate: toDateTimeInput(now + 2n * DAY), expiry: toDateTimeInput(now + 365n * DAY) }));
  const form = useForm(initial);
  const tx = useTx();
  const unit = units(security, cash);
  const result = validateDividend(form.values, cash.decimals, now);
  const errors = form.shown(result);
  const position = useLive(['cash', issuer], (client) => loadCashPosition(client, issuer, null));
  const declared = useLive(['dividends', security.token], (client) => loadDividends(client, security.token, undefined));
  const latest = useLive(['record-dates', security.token], (client) => loadLatestRecordDateId(client, security.token));
  const { values, set } = form;
  const shortOfCash = result.ok && position.data && position.data.balance < result.value.amount;
  const submit = async () => {
    form.submit();
    if (!result.ok || !position.data || shortOfCash) return;
    const terms = result.value;
    if (!(await tx.ensureAllowance(cash.address, contracts.dividends!, terms.amount, `Approve ${unit.cash(terms.amount)} for the dividend`))) return;
    if (await tx.send({ address: contracts.dividends!, abi: DividendsAbi, functionName: 'declare', args: [security.token, cash.address, terms.amount, terms.recordTimestamp, terms.paymentDate, terms.expiry, []] }, `Declare a dividend on ${security.symbol}`)) form.reset();
  };
  return (
    <Card title="Declare a dividend" testId="dividend-desk" className="desk__wide">
      <form className="form" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <TextField label={`Total amount (${cash.symbol})`} name="dividend-amount" value={values.amount} onChange={set('amount')} error={errors.amount ?? (shortOfCash ? `Your wallet holds ${unit.cash(position.data!.balance)}.` : undefined)} inputMode="decimal" hint={position.data ? `You hold ${unit.cash(position.data.balance)}; shared pro rata to holdings at the record date.` : undefined} />
        <div className="form-row">
          <TextField label="Record date (UTC)" name="record-date" type="datetime-local" value={values.recordDate} onChange={set('recordDate')} error={errors.recordDate} />
          <TextField label="Payment date (UTC)" name="payment-date" type="datetime-local" value={values.paymentDate} onChange={set('paymentDate')} error={errors.paymentDate} />
        </div>
        <TextField label="Claims close (UTC)" name="dividend-expiry" type="datetime-local" value={values.expiry} onChange={set('expiry')} error={errors.expiry} hint="After this you can take back what is unclaimed." />
        <button type="submit" className="button button--primary" disabled={isBusy(tx.state)}>Declare</button>
        <TxStatus state={tx.state} onDismiss={tx.reset} />
      </form>
      {declared.data && declared.data.length > 0 && (
        <table className="table table--compact small">
          <thead><tr><th>#</th><th className="num">Amount</th><th className="num">Claimed</th><th>Paid from</th><th /></tr></thead>
          <tbody>
            {declared.data.map((dividend) => (
              <tr key={dividend.id.toString()} data-testid="declared-dividend">
                <td>{dividend.id.toString()}</td><td className="num">{unit.cash(dividend.amount)}</td><td className="num">{unit.cash(dividend.claimedTotal)}</td><td className="nowrap">{formatDate(dividend.paymentDate)}</td>
                <td className="num">
                  <RecordDatedCancel action={dividend} latestRecordDateId={latest.data} now={now} busy={isBusy(tx.state)} what="dividend" onCancel={() => void tx.send({ address: contracts.dividends!, abi: DividendsAbi, functionName: 'cancel', args: [security.token, dividend.id] }, `Cancel ${security.symbol} dividend #${dividend.id} and take back ${unit.cash(dividend.amount)}`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {declared.data?.map((dividend) => <DividendOutstanding key={dividend.id.toString()} security={security} cash={cash} dividend={dividend} now={now} />)}
    </Card>
  );
}

function VoteDesk({ security, now }: { security: Security; now: bigint }) {
  const [initial] = useState<VoteInput>(() => ({ question: '', choices: 'For\nAgainst\nAbstain', recordDate: toDateTimeInput(now + DAY), closesAt: toDateTimeInput(now + 8n * DAY) }));
  const form = useForm(initial);
  const tx = useTx();
  const result = validateVote(form.values, now);
  const errors = form.shown(result);
  const votes = useLive(['votes', security.token], (client) => loadVotes(client, security.token, undefined, now));
  const latest = useLive(['record-dates', security.token], (client) => loadLatestRecordDateId(client, security.token));
  const { values, set } = form;
  const submit = async () => {
    form.submit();
    if (!result.ok) return;
    const vote = result.value;
    if (await tx.send({ address: contracts.votes!, abi: ShareholderVotesAbi, functionName: 'open_vote', args: [security.token, vote.question, vote.choices, vote.recordTimestamp, vote.closesAt] }, 'Open the vote')) form.reset();
  };
  return (
    <Card title="Open a shareholder vote" testId="vote-desk">
      <form className="form" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <TextField label="Question" name="question" value={values.question} onChange={set('question')} error={errors.question} />
        <label className="field">
          <span className="field__label">Choices, one per line</span>
          <textarea name="choices" className="input" rows={3} value={values.choices} onChange={(event) => set('choices')(event.target.value)} />
          {errors.choices && <span className="field__error" role="alert">{errors.choices}</span>}
        </label>
        <div className="form-row">
          <TextField label="Record date (UTC)" name="vote-record" type="datetime-local" value={values.recordDate} onChange={set('recordDate')} error={errors.recordDate} />
          <TextField label="Closes (UTC)" name="vote-closes" type="datetime-local" value={values.closesAt} onChange={set('closesAt')} error={errors.closesAt} />
        </div>
        <button type="submit" className="button button--primary" disabled={isBusy(tx.state)}>Open the vote</button>
        <TxStatus state={tx.state} onDismiss={tx.reset} />
      </form>
      {votes.data && votes.data.length > 0 && (
        <ul className="doc-list small">
          {votes.data.map((vote) => (
            <li key={vote.id.toString()} data-testid="opened-vote">
              <strong>{vote.question}</strong> {vote.cancelled ? '' : `· closes ${formatDate(vote.closesAt, { withTime: true })} `}
              <RecordDatedCancel action={vote} latestRecordDateId={latest.data} now={now} busy={isBusy(tx.state)} what="vote" onCancel={() => void tx.send({ address: contracts.votes!, abi: ShareholderVotesAbi, functionName: 'cancel_vote', args: [security.token, vote.id] }, `Cancel the vote “${vote.question}”`)} />
              <div className="muted">{vote.choices.map((choice, index) => `${choice}: ${formatTokenAmount(vote.tally[index] ?? 0n, security.decimals)}`).join(' · ')}</div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function MarketControl({ security, operator }: { security: Security; operator: boolean }) {
  const tx = useTx();
  const halted = security.status === 3;
  const status = listingStatus(security.status);
  const byOperator = useLive(['halted-by-operator', security.token], (client) => loadHaltedByOperator(client, security.token), halted);
  const lockedOut = halted && byOperator.data === true && !operator;
  return (
    <Card title="Market" actions={<Badge tone={status.tone} testId="issuer-listing-status">{status.label}</Badge>} testId="market-control">
      <p className="muted small">Halting stops new orders on the order book; holders can still cancel theirs.</p>
      <div className="actions">
        {halted ? (
          <button type="button" className="button" disabled={isBusy(tx.state) || lockedOut} onClick={() => void tx.send({ address: contracts.factory!, abi: IssuanceFactoryAbi, functionName: 'resume', args: [security.token] }, `Resume trading in ${security.symbol}`)}>Resume trading</button>
        ) : (
          <button type="button" className="button button--danger" disabled={isBusy(tx.state) || security.status !== 2} onClick={() => void tx.send({ address: contracts.factory!, abi: IssuanceFactoryAbi, functionName: 'halt', args: [security.token] }, `Halt trading in ${security.symbol}`)}>Halt trading</button>
        )}
      </div>
      {lockedOut && <p className="muted small" data-testid="operator-halt">The platform operator halted this security: only the operator can resume trading.</p>}
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}

function IssuerDesk() {
  const wallet = useWallet();
  const kyc = useKycStatus(wallet.address);
  const roles = useRoles(wallet.address);
  const securities = useSecurities();
  const cash = useCash();
  const now = useChainNow();
  const [selected, setSelected] = useState<string | null>(null);
  const isIssuer = 'record' in kyc && kyc.record?.issuer === true;
  const operator = roles.data?.operator === true;
  if (kyc.status === 'loading' || !roles.data || !cash.data || now === undefined) return <div className="card card--empty">Reading your registration…</div>;
  if (!isIssuer && !operator) {
    return <div className="card card--empty" data-testid="not-issuer">This wallet is not registered as an issuer: the registrar grants the issuer flag to a verified enterprise.</div>;
  }
  const me = wallet.address!.toLowerCase();
  const mine = (securities.data ?? []).filter((security) => operator || security.issuer.toLowerCase() === me);
  const current = mine.find((security) => security.token === selected) ?? mine[mine.length - 1];
  return (
    <div className="page" data-testid="issuer-desk">
      {isIssuer && <IssueSecurity issuer={wallet.address!} cash={cash.data} />}
      {mine.length > 0 && current && (
        <>
          <div className="tabs" role="tablist" aria-label="Your securities">
            {mine.map((security) => (
              <button key={security.token} type="button" role="tab" aria-selected={security === current} className={`tabs__tab${security === current ? ' is-active' : ''}`} onClick={() => setSelected(security.token)}>
                {security.symbol}
              </button>
            ))}
          </div>
          <div className="desk" key={current.token}>
            <ShareholderRegister security={current} now={now} />
            {current.offering && <OfferingSubscribers security={current} cash={cash.data} />}
            <OfferingDesk security={current} cash={cash.data} now={now} />
            {current.issuer.toLowerCase() === me ? (
              <>
                <DividendDesk security={current} cash={cash.data} issuer={wallet.address!} now={now} />
                <DocumentDesk security={current} />
                <VoteDesk security={current} now={now} />
              </>
            ) : (
              <>
                <DocumentDesk security={current} />
                <Card title="Dividends and votes" testId="issuer-only">
                  <p className="muted">Only {current.symbol}’s issuer (<code title={current.issuer}>{shortenAddress(current.issuer)}</code>) declares its dividends and opens its votes; as the operator you open and close offerings, publish documents and halt trading.</p>
                </Card>
              </>
            )}
            <MarketControl security={current} operator={operator} />
          </div>
        </>
      )}
    </div>
  );
}

export function Issuer() {
  return (
    <section className="page">
      <header className="page__header">
        <h1>Issuer</h1>
        <p className="muted">Issue shares, run primary offerings, publish documents, pay dividends and consult shareholders.</p>
      </header>
      <RequireWallet purpose="to use the issuer desk">
        <IssuerDesk />
      </RequireWallet>
    </section>
  );
}
