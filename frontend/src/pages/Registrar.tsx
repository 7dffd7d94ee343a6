import { SecurityTokenAbi } from '@generated/abis';
import { useState } from 'react';
import { numberToHex, type Address } from 'viem';
import { IdentityWallets, InvestorList, KycQueue } from '../components/InvestorRecords';
import { RequireWallet } from '../components/RequireWallet';
import { TxStatus } from '../components/TxStatus';
import { Badge, Card, Field, TextField } from '../components/ui';
import { contracts, loadHolding, registryAbi } from '../data/platform';
import { useKycStatus } from '../hooks/useKycStatus';
import { useForm } from '../hooks/useForm';
import { useChainNow, useLive, useRoles, useSecurities } from '../hooks/useLive';
import { useTx } from '../hooks/useTx';
import { formatDate, formatTokenAmount } from '../lib/format';
import { parseAddress, parseAmount } from '../lib/parse';
import { isBusy } from '../lib/txState';
import { INVESTOR_KINDS, countryName, parseCountry, parseDateTime, toDateTimeInput, validateOnboarding, type OnboardingInput } from '../lib/validation';
import { useWallet } from '../wallet/useWallet';

const KINDS = [
  [String(INVESTOR_KINDS.natural), 'Natural person'],
  [String(INVESTOR_KINDS.enterprise), 'Enterprise'],
] as const;

const ONE_YEAR_MS = 365 * 86_400_000;
const ONBOARDING_DEFAULTS: OnboardingInput = {
  wallet: '',
  kycReference: '',
  kind: '1',
  country: '',
  expiry: toDateTimeInput(BigInt(Math.floor((Date.now() + ONE_YEAR_MS) / 1000))).slice(0, 10),
  qualified: false,
  issuer: false,
};

function Onboard() {
  const now = useChainNow() ?? 0n;
  const form = useForm(ONBOARDING_DEFAULTS);
  const tx = useTx();
  const result = validateOnboarding(form.values, now);
  const errors = form.shown(result);
  const submit = async () => {
    form.submit();
    if (!result.ok) return;
    const { wallet, kycHash, kind, country, expiry, flags } = result.value;
    if (await tx.send({ address: contracts.registry!, abi: registryAbi, functionName: 'register_investor', args: [wallet, kycHash, kind, country, expiry, flags] }, 'Register the investor')) form.reset();
  };
  const { values, set } = form;
  const country = parseCountry(values.country);
  return (
    <Card title="Onboard an investor" testId="onboard">
      <form className="form" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <TextField label="Wallet address" name="wallet" value={values.wallet} onChange={set('wallet')} error={errors.wallet} placeholder="0x…" />
        <TextField label="KYC file reference" name="kycReference" value={values.kycReference} onChange={set('kycReference')} error={errors.kycReference} hint="Only its keccak-256 hash goes on chain; its first 20 bytes identify the investor." />
        <div className="form-row">
          <Field label="Kind" error={errors.kind}>
            {(id) => (
              <select id={id} name="kind" className="input" value={values.kind} onChange={(event) => set('kind')(event.target.value)}>
                {KINDS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
              </select>
            )}
          </Field>
          <TextField label="Country (ISO 3166 code)" name="country" value={values.country} onChange={set('country')} error={errors.country} placeholder="CL or 152" hint={country.ok ? countryName(country.value) : 'Two letters or the number'} />
        </div>
        <TextField label="KYC valid until (UTC)" name="expiry" type="date" value={values.expiry} onChange={set('expiry')} error={errors.expiry} />
        <label className="checkbox"><input type="checkbox" name="qualified" checked={values.qualified} onChange={(event) => set('qualified')(event.target.checked)} /> Qualified investor</label>
        <label className="checkbox"><input type="checkbox" name="issuer" checked={values.issuer} onChange={(event) => set('issuer')(event.target.checked)} /> May issue securities (enterprises only)</label>
        {errors.issuer && <p className="field__error" role="alert">{errors.issuer}</p>}
        <button type="submit" className="button button--primary" disabled={isBusy(tx.state)}>Register</button>
        <TxStatus state={tx.state} onDismiss={tx.reset} />
      </form>
    </Card>
  );
}

function Investor({ text, setText }: { text: string; setText: (text: string) => void }) {
  const parsed = parseAddress(text);
  const wallet = parsed.ok ? parsed.value : undefined;
  const kyc = useKycStatus(wallet);
  const now = useChainNow() ?? 0n;
  const tx = useTx();
  const [expiry, setExpiry] = useState('');
  const [linked, setLinked] = useState('');
  const record = 'record' in kyc ? kyc.record : null;
  const registry = contracts.registry!;
  const newExpiry = parseDateTime(expiry);
  const expiryError = expiry && (!newExpiry.ok ? newExpiry.error : newExpiry.value <= now ? 'The new expiry must be in the future.' : undefined);
  const linkedWallet = parseAddress(linked);
  const busy = isBusy(tx.state);
  return (
    <Card title="Manage an investor" testId="manage-investor">
      <TextField label="Wallet address" name="lookup" value={text} onChange={setText} error={text && !parsed.ok ? parsed.error : undefined} placeholder="0x…" />
      {wallet && (
        <div className="form">
          {!record ? (
            <p className="muted">{kyc.status === 'loading' ? 'Reading the registry…' : 'This wallet is not registered.'}</p>
          ) : (
            <>
              <dl className="facts small">
                <div className="facts__row"><dt>Status</dt><dd><Badge tone={kyc.status === 'verified' ? 'ok' : 'warn'} testId="investor-status">{kyc.status}</Badge></dd></div>
                <div className="facts__row"><dt>Kind · country</dt><dd>{record.kind === INVESTOR_KINDS.enterprise ? 'Enterprise' : 'Natural person'} · {countryName(record.country)}</dd></div>
                <div className="facts__row"><dt>KYC until</dt><dd>{formatDate(record.expiry)}</dd></div>
                <div className="facts__row"><dt>Flags</dt><dd>{[record.qualified && 'qualified', record.issuer && 'issuer'].filter(Boolean).join(', ') || 'none'}</dd></div>
              </dl>
              <IdentityWallets identity={numberToHex(record.identity, { size: 20 })} current={wallet} />
              <div className="inline-form">
                <TextField label="Renew KYC until (UTC)" name="renew" type="date" value={expiry} onChange={setExpiry} error={expiryError || undefined} />
                <button type="button" className="button" disabled={busy || !newExpiry.ok || Boolean(expiryError)} onClick={() => newExpiry.ok && void tx.send({ address: registry, abi: registryAbi, functionName: 'update_identity', args: [[wallet], record.kind, record.country, newExpiry.value, record.flags & 3] }, 'Update the KYC')}>Update KYC</button>
              </div>
              <div className="inline-form">
                <TextField label="Add another wallet of this investor" name="link" value={linked} onChange={setLinked} error={linked && !linkedWallet.ok ? linkedWallet.error : undefined} placeholder="0x…" hint="A new or replacement wallet joins the same identity; shares can then be recovered to it." />
                <button type="button" className="button" disabled={busy || !linkedWallet.ok} onClick={() => linkedWallet.ok && void tx.send({ address: registry, abi: registryAbi, functionName: 'add_wallet', args: [wallet, linkedWallet.value] }, 'Add the wallet')}>Add wallet</button>
              </div>
              <div className="actions">
                {record.revoked ? (
                  <button type="button" className="button" disabled={busy} onClick={() => void tx.send({ address: registry, abi: registryAbi, functionName: 'reinstate_identity', args: [[wallet]] }, 'Reinstate the identity')}>Reinstate</button>
                ) : (
                  <button type="button" className="button button--danger" disabled={busy} onClick={() => void tx.send({ address: registry, abi: registryAbi, functionName: 'revoke_identity', args: [[wallet]] }, 'Revoke the identity')}>Revoke identity</button>
                )}
                <button type="button" className="button button--danger" disabled={busy} title="Once its shares are recovered to another wallet: a removed wallet can neither receive shares nor trade." onClick={() => void tx.send({ address: registry, abi: registryAbi, functionName: 'remove_wallet', args: [wallet] }, 'Remove the wallet from the register')}>Remove wallet</button>
              </div>
              <p className="muted small">To retire a lost wallet: add the new wallet, recover each security to it below, then remove the lost wallet.</p>
            </>
          )}
        </div>
      )}
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}

function AgentDesk({ tokens }: { tokens: Address[] }) {
  const securities = (useSecurities().data ?? []).filter((security) => tokens.includes(security.token));
  const [tokenIndex, setTokenIndex] = useState(0);
  const security = securities[tokenIndex] ?? securities[0];
  const [walletText, setWalletText] = useState('');
  const [amountText, setAmountText] = useState('');
  const [newWalletText, setNewWalletText] = useState('');
  const tx = useTx();
  const wallet = parseAddress(walletText);
  const newWallet = parseAddress(newWalletText);
  const investor = wallet.ok ? wallet.value : undefined;
  const holding = useLive(['holding', security?.token, investor], (client) => loadHolding(client, security!.token, investor!), Boolean(security && investor));
  if (!security) return <Card title="Transfer agent"><p className="muted">No security lists you as its transfer agent.</p></Card>;
  const amount = parseAmount(amountText, security.decimals);
  const busy = isBusy(tx.state);
  const token = security.token;
  const fmt = (value: bigint) => formatTokenAmount(value, security.decimals, security.symbol);
  return (
    <Card title="Freeze, unfreeze and recover" testId="agent-desk">
      <div className="form">
        <Field label="Security">
          {(id) => (
            <select id={id} name="agent-security" className="input" value={tokenIndex} onChange={(event) => setTokenIndex(Number(event.target.value))}>
              {securities.map((item, index) => <option key={item.token} value={index}>{item.symbol} · {item.name}</option>)}
            </select>
          )}
        </Field>
        <TextField label="Investor wallet" name="agent-wallet" value={walletText} onChange={setWalletText} error={walletText && !wallet.ok ? wallet.error : undefined} placeholder="0x…" />
        {wallet.ok && holding.data && (
          <dl className="facts small" data-testid="agent-holding">
            <div className="facts__row"><dt>Balance</dt><dd>{fmt(holding.data.balance)}</dd></div>
            <div className="facts__row"><dt>Held on orders · frozen</dt><dd>{fmt(holding.data.held)} · {fmt(holding.data.frozen)}</dd></div>
            <div className="facts__row"><dt>Wallet</dt><dd>{holding.data.walletFrozen ? <Badge tone="error">frozen</Badge> : <Badge tone="ok">active</Badge>}</dd></div>
          </dl>
        )}
        {wallet.ok && holding.data && (
          <>
            <div className="actions">
              <button type="button" className={holding.data.walletFrozen ? 'button' : 'button button--danger'} disabled={busy} onClick={() => void tx.send({ address: token, abi: SecurityTokenAbi, functionName: 'setAddressFrozen', args: [wallet.value, !holding.data!.walletFrozen] }, holding.data!.walletFrozen ? 'Unfreeze the wallet' : 'Freeze the wallet')}>
                {holding.data.walletFrozen ? 'Unfreeze wallet' : 'Freeze wallet'}
              </button>
            </div>
            <div className="inline-form">
              <TextField label={`Shares to freeze or unfreeze (${security.symbol})`} name="freeze-amount" value={amountText} onChange={setAmountText} inputMode="decimal" error={amountText && !amount.ok ? amount.error : undefined} />
              <button type="button" className="button" disabled={busy || !amount.ok} onClick={() => amount.ok && void tx.send({ address: token, abi: SecurityTokenAbi, functionName: 'freezePartialTokens', args: [wallet.value, amount.value] }, `Freeze ${fmt(amount.value)}`)}>Freeze</button>
              <button type="button" className="button" disabled={busy || !amount.ok} onClick={() => amount.ok && void tx.send({ address: token, abi: SecurityTokenAbi, functionName: 'unfreezePartialTokens', args: [wallet.value, amount.value] }, `Unfreeze ${fmt(amount.value)}`)}>Unfreeze</button>
            </div>
            <div className="inline-form">
              <TextField label="Recover to wallet" name="recover-to" value={newWalletText} onChange={setNewWalletText} error={newWalletText && !newWallet.ok ? newWallet.error : undefined} hint="The new wallet must belong to the same investor (add it under Manage an investor first)." placeholder="0x…" />
              <button type="button" className="button" disabled={busy || !newWallet.ok} onClick={() => newWallet.ok && void tx.send({ address: token, abi: SecurityTokenAbi, functionName: 'recoveryAddress', args: [wallet.value, newWallet.value] }, `Recover ${security.symbol} to the new wallet`)}>Recover</button>
            </div>
          </>
        )}
        <TxStatus state={tx.state} onDismiss={tx.reset} />
      </div>
    </Card>
  );
}

function RegistrarDesk() {
  const wallet = useWallet();
  const roles = useRoles(wallet.address);
  const [managed, setManaged] = useState('');
  const manage = (investor: Address) => {
    setManaged(investor);
    // The list and the queue sit below the form: bring the form to the registrar.
    document.querySelector('[data-testid="manage-investor"]')?.scrollIntoView({ block: 'start' });
  };
  if (!roles.data) return <div className="card card--empty">Reading your roles…</div>;
  if (!roles.data.registrar && roles.data.agentOf.length === 0) {
    return <div className="card card--empty" data-testid="not-registrar">This wallet is neither a registrar on the identity registry nor a transfer agent of any security.</div>;
  }
  return (
    <>
      <div className="desk" data-testid="registrar-desk">
        {roles.data.registrar && <Onboard />}
        {roles.data.registrar && <Investor text={managed} setText={setManaged} />}
        {roles.data.agentOf.length > 0 && <AgentDesk tokens={roles.data.agentOf} />}
      </div>
      {roles.data.registrar && (
        <>
          <KycQueue onRenew={manage} />
          <InvestorList onManage={manage} />
        </>
      )}
    </>
  );
}

export function Registrar() {
  return (
    <section className="page">
      <header className="page__header">
        <h1>Registrar</h1>
        <p className="muted">Register investors after KYC, renew or revoke them, freeze wallets and recover lost ones.</p>
      </header>
      <RequireWallet purpose="to use the registrar desk">
        <RegistrarDesk />
      </RequireWallet>
    </section>
  );
}
