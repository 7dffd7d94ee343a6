import { useState } from 'react';
import { NavLink } from 'react-router';
import { useBlockNumber } from 'wagmi';
import { keiretsuChain } from '../config/chain';
import { useKycStatus, type KycView } from '../hooks/useKycStatus';
import { useRoles, useSecurities } from '../hooks/useLive';
import { formatDate, shortenAddress } from '../lib/format';
import { useWallet } from '../wallet/useWallet';
import { ConnectDialog } from './ConnectDialog';

/** The desks a wallet sees: Issuer for issuers and operators, Registrar for registrars and transfer agents. */
function usePages(): [string, string][] {
  const wallet = useWallet();
  const kyc = useKycStatus(wallet.address);
  const roles = useRoles(wallet.address);
  const pages: [string, string][] = [['/markets', 'Markets'], ['/portfolio', 'Portfolio']];
  const isIssuer = 'record' in kyc && kyc.record?.issuer === true;
  if (isIssuer || roles.data?.operator) pages.push(['/issuer', 'Issuer']);
  if (roles.data?.registrar || (roles.data?.agentOf.length ?? 0) > 0) pages.push(['/registrar', 'Registrar']);
  return pages;
}

function NetworkBadge() {
  const wallet = useWallet();
  const block = useBlockNumber({ watch: true });
  const node = block.isError ? 'node unreachable' : block.data === undefined ? 'connecting…' : `block ${block.data}`;
  if (wallet.status === 'connected' && !wallet.onKeiretsu) {
    return (
      <button type="button" className="badge badge--warn" onClick={() => void wallet.switchToKeiretsu()} data-testid="network-badge">
        Wrong network · switch to {keiretsuChain.name}
      </button>
    );
  }
  return (
    <span className={`badge ${block.isError ? 'badge--error' : 'badge--ok'}`} data-testid="network-badge" title={keiretsuChain.rpcUrls.default.http[0]}>
      {keiretsuChain.name} · {node}
    </span>
  );
}

const KYC_TEXT: Record<KycView['status'], string> = {
  unavailable: 'KYC: –',
  loading: 'KYC…',
  unregistered: 'Not registered',
  verified: 'KYC verified',
  expired: 'KYC expired',
  revoked: 'KYC revoked',
};

function KycBadge({ view }: { view: KycView }) {
  const tone = view.status === 'verified' ? 'ok' : view.status === 'unavailable' || view.status === 'loading' ? 'muted' : 'warn';
  const title =
    'record' in view && view.record
      ? `KYC until ${formatDate(view.record.expiry)}`
      : view.status === 'unavailable'
        ? 'No identity registry on this chain'
        : undefined;
  return (
    <span className={`badge badge--${tone}`} data-testid="kyc-badge" title={title}>
      {KYC_TEXT[view.status]}
    </span>
  );
}

/** What the connected wallet is on the platform: its staff roles, the securities it issues, or an investor. */
function RolesBadge({ view }: { view: KycView }) {
  const wallet = useWallet();
  const roles = useRoles(wallet.address);
  const securities = useSecurities();
  if (!roles.data || !wallet.address) return null;
  const me = wallet.address.toLowerCase();
  const issued = (securities.data ?? []).filter((security) => security.issuer.toLowerCase() === me).map((security) => security.symbol);
  const record = 'record' in view ? view.record : null;
  const names = [
    roles.data.operator ? 'Operator' : null,
    roles.data.registrar ? 'Registrar' : null,
    roles.data.agentOf.length ? 'Transfer agent' : null,
    issued.length ? `Issuer of ${issued.join(', ')}` : record?.issuer ? 'Issuer' : null,
  ].filter((name): name is string => name !== null);
  if (names.length === 0 && record) names.push('Investor');
  if (names.length === 0) return null;
  return (
    <span className="badge badge--info" data-testid="roles-badge" title="What this wallet is on the platform">
      {names.join(' · ')}
    </span>
  );
}

function AccountArea() {
  const wallet = useWallet();
  const kyc = useKycStatus(wallet.address);
  const roles = useRoles(wallet.address);
  const staff = Boolean(roles.data && (roles.data.operator || roles.data.registrar || roles.data.agentOf.length > 0));
  const [open, setOpen] = useState(false);
  const connected = wallet.status === 'connected' && wallet.address;
  return (
    <>
      {connected ? (
        <div className="account">
          {/* KYC is an investor's standing: staff wallets outside the register are not told they lack it. */}
          {!(kyc.status === 'unregistered' && (staff || !roles.data)) && <KycBadge view={kyc} />}
          <RolesBadge view={kyc} />
          <span className="account__address" data-testid="account" title={`${wallet.address} (${wallet.connectorName ?? 'wallet'})`}>
            {shortenAddress(wallet.address!)}
          </span>
          <button type="button" className="button button--ghost" onClick={() => void wallet.disconnect()}>
            Disconnect
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            wallet.clearProblem();
            setOpen(true);
          }}
          disabled={wallet.status === 'reconnecting'}
        >
          {wallet.status === 'reconnecting' ? 'Reconnecting…' : 'Connect wallet'}
        </button>
      )}
      {/* Stays mounted once connected: a refused network switch is reported in it. */}
      <ConnectDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}

export function Header() {
  const pages = usePages();
  return (
    <header className="topbar">
      <NavLink to="/markets" className="brand" aria-label="Keiretsu home">
        <span className="brand__mark" aria-hidden="true">K</span>
        <span className="brand__name">Keiretsu</span>
      </NavLink>
      <nav className="nav" aria-label="Main">
        {pages.map(([to, label]) => (
          <NavLink key={to} to={to} className={({ isActive }) => `nav__link${isActive ? ' nav__link--active' : ''}`}>
            {label}
          </NavLink>
        ))}
      </nav>
      <div className="topbar__status">
        <NetworkBadge />
        <AccountArea />
      </div>
    </header>
  );
}
