import { RequireWallet } from '../components/RequireWallet';
import { useKycStatus } from '../hooks/useKycStatus';
import { useWallet } from '../wallet/useWallet';

function IssuerDesk() {
  const wallet = useWallet();
  const kyc = useKycStatus(wallet.address);
  const isIssuer = 'record' in kyc && kyc.record?.issuer === true;
  return (
    <div className="card card--empty" data-testid="issuer-desk">
      {isIssuer
        ? 'Issue a security, run an offering and manage your listings.'
        : 'This wallet is not registered as an issuer: the registrar grants the issuer flag after KYC.'}
    </div>
  );
}

export function Issuer() {
  return (
    <section className="page">
      <header className="page__header">
        <h1>Issuer</h1>
        <p className="muted">Issue shares, run primary offerings, publish documents and pay dividends.</p>
      </header>
      <RequireWallet purpose="to use the issuer desk">
        <IssuerDesk />
      </RequireWallet>
    </section>
  );
}
