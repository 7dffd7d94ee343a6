// The registrar's records from the read API: the investor list (search, filters, pages), the KYC
// renewals due in the next 30 days, and the wallets one identity has had. Live state the registrar
// acts on (the manage form) still reads the registry on chain.
import { useState } from 'react';
import type { Address } from 'viem';
import { useApi } from '../hooks/useApi';
import type { ApiIdentityWallets, ApiInvestor } from '../lib/api';
import { formatDate, shortenAddress } from '../lib/format';
import { countryLetters, investorFlags } from '../lib/investors';
import { INVESTOR_KINDS, parseCountry } from '../lib/validation';
import { Badge, Card, Field, FirstShown, TextField } from './ui';

const PAGE_SIZE = 25;
const KYC_QUEUE_DAYS = 30;
const KIND_NAMES: Record<number, string> = { [INVESTOR_KINDS.natural]: 'Natural person', [INVESTOR_KINDS.enterprise]: 'Enterprise' };

type Filters = { search?: string | undefined; country?: number | undefined; kind?: string | undefined };

/** A wallet in a table: short, with the whole address on hover and for copying. */
function AddressCell({ address, testId }: { address: string; testId?: string }) {
  return <code title={address} data-testid={testId}>{shortenAddress(address)}</code>;
}

function Flags({ investor }: { investor: Pick<ApiInvestor, 'flags' | 'registered' | 'frozen_in'> }) {
  const flags = investorFlags(investor);
  if (flags.length === 0) return <span className="muted">–</span>;
  const tone = (flag: string) => (flag === 'removed' || flag === 'revoked' || flag.startsWith('frozen') ? 'error' : 'muted');
  return <>{flags.map((flag) => <Badge key={flag} tone={tone(flag)}>{flag}</Badge>)}</>;
}

/** One page of the list, as table rows; the last page shown offers the next one. */
function InvestorPage({ filters, cursor, onMore, onManage }: { filters: Filters; cursor: string | undefined; onMore: ((cursor: string) => void) | null; onManage: (wallet: Address) => void }) {
  const page = useApi<{ items: ApiInvestor[]; next_cursor: string | null }>('/investors', { ...filters, cursor, limit: PAGE_SIZE });
  if (page.error) return <tbody><tr><td colSpan={7} role="alert">{page.error.message}</td></tr></tbody>;
  if (!page.value) return <tbody><tr><td colSpan={7} className="muted">Reading the index…</td></tr></tbody>;
  const next = page.value.next_cursor;
  return (
    <tbody>
      {page.value.items.map((investor) => (
        <tr key={investor.wallet} data-testid="investor-row">
          <td><AddressCell address={investor.wallet} testId="investor-wallet" /></td>
          <td className="hide-phone"><AddressCell address={investor.identity} /></td>
          <td className="hide-phone">{KIND_NAMES[investor.kind] ?? investor.kind}</td>
          <td title={String(investor.country)}>{countryLetters(investor.country)}</td>
          <td>{formatDate(investor.kyc_expiry)}</td>
          <td className="hide-phone"><Flags investor={investor} /></td>
          <td className="num"><button type="button" className="button button--small" onClick={() => onManage(investor.wallet)}>Manage</button></td>
        </tr>
      ))}
      {onMore && next && (
        <tr><td colSpan={7}><button type="button" className="button button--small" onClick={() => onMore(next)}>More</button></td></tr>
      )}
    </tbody>
  );
}

/** The pages asked for so far under one set of filters (new filters start again from the first page). */
function InvestorPages({ filters, onManage }: { filters: Filters; onManage: (wallet: Address) => void }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return (
    <div className="table-wrap">
      <table className="table table--compact">
        <thead>
          <tr><th>Wallet</th><th className="hide-phone">Identity</th><th className="hide-phone">Kind</th><th>Country</th><th>KYC until</th><th className="hide-phone">Flags</th><th /></tr>
        </thead>
        {cursors.map((cursor, index) => (
          <InvestorPage key={cursor ?? 'first'} filters={filters} cursor={cursor} onManage={onManage} onMore={index === cursors.length - 1 ? (next) => setCursors([...cursors, next]) : null} />
        ))}
      </table>
    </div>
  );
}

export function InvestorList({ onManage }: { onManage: (wallet: Address) => void }) {
  const [search, setSearch] = useState('');
  const [countryText, setCountryText] = useState('');
  const [kind, setKind] = useState('');
  const country = parseCountry(countryText);
  const filters: Filters = {
    search: search.trim() || undefined,
    country: country.ok ? country.value : undefined,
    kind: kind || undefined,
  };
  return (
    <Card title="Investors" testId="investor-list">
      <div className="form-row">
        <TextField label="Search" name="investor-search" value={search} onChange={setSearch} placeholder="0x…" hint="The start of a wallet or identity address" />
        <TextField label="Country" name="investor-country" value={countryText} onChange={setCountryText} placeholder="CL or 152" error={countryText && !country.ok ? country.error : undefined} />
        <Field label="Kind">
          {(id) => (
            <select id={id} name="investor-kind" className="input" value={kind} onChange={(event) => setKind(event.target.value)}>
              <option value="">Any</option>
              {Object.entries(KIND_NAMES).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          )}
        </Field>
      </div>
      <InvestorPages key={JSON.stringify(filters)} filters={filters} onManage={onManage} />
    </Card>
  );
}

/** Registered wallets whose KYC expires within 30 days of the index's last block: each to renew. */
export function KycQueue({ onRenew }: { onRenew: (wallet: Address) => void }) {
  const queue = useApi<ApiInvestor[]>('/investors', { kyc_expiring_within_days: KYC_QUEUE_DAYS, registered: true }, { all: true });
  const due = (queue.value ?? []).slice().sort((a, b) => a.kyc_expiry - b.kyc_expiry);
  return (
    <Card title={`KYC expiring in the next ${KYC_QUEUE_DAYS} days`} testId="kyc-queue">
      {queue.error ? (
        <p role="alert">{queue.error.message}</p>
      ) : !queue.value ? (
        <p className="muted">Reading the index…</p>
      ) : due.length === 0 ? (
        <p className="muted" data-testid="kyc-queue-empty">No KYC expires in the next {KYC_QUEUE_DAYS} days.</p>
      ) : (
        <table className="table table--compact">
          <thead><tr><th>Wallet</th><th>Country</th><th>KYC until</th><th /></tr></thead>
          <tbody>
            {due.map((investor) => (
              <tr key={investor.wallet} data-testid="kyc-queue-row" data-wallet={investor.wallet}>
                <td><AddressCell address={investor.wallet} /></td>
                <td>{countryLetters(investor.country)}</td>
                <td>{formatDate(investor.kyc_expiry)}</td>
                <td className="num"><button type="button" className="button button--small button--primary" onClick={() => onRenew(investor.wallet)}>Renew</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FirstShown count={due.length} more={queue.more} />
    </Card>
  );
}

/** The wallets the registry gave one identity (after a recovery: the lost one and its replacement). */
export function IdentityWallets({ identity, current }: { identity: Address; current: Address }) {
  const answer = useApi<ApiIdentityWallets>(`/identities/${identity}/wallets`);
  if (answer.error) return <p role="alert" className="small">{answer.error.message}</p>;
  if (!answer.value) return <p className="muted small">Reading the index…</p>;
  const { wallets, recoveries } = answer.value;
  return (
    <div data-testid="identity-wallets">
      <h3 className="small">Wallets of this identity</h3>
      <table className="table table--compact">
        <tbody>
          {wallets.map((wallet) => (
            <tr key={wallet.wallet} data-testid="identity-wallet" data-wallet={wallet.wallet}>
              <td><AddressCell address={wallet.wallet} />{wallet.wallet === current.toLowerCase() && <span className="muted small"> (this one)</span>}</td>
              <td>since {formatDate(wallet.registered_time)}</td>
              <td>{investorFlags(wallet).length === 0 ? <Badge tone="ok">active</Badge> : <Flags investor={wallet} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {recoveries.length > 0 && (
        <ul className="doc-list small">
          {recoveries.map((recovery) => (
            <li key={`${recovery.tx_hash}-${recovery.token}`} data-testid="identity-recovery">
              {recovery.symbol} recovered from <AddressCell address={recovery.lost_wallet} /> to <AddressCell address={recovery.new_wallet} /> on {formatDate(recovery.block_time)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
