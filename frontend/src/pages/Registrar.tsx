import { RequireWallet } from '../components/RequireWallet';

export function Registrar() {
  return (
    <section className="page">
      <header className="page__header">
        <h1>Registrar</h1>
        <p className="muted">Register investors after KYC, renew or revoke them, and recover lost wallets.</p>
      </header>
      <RequireWallet purpose="to use the registrar desk">
        <div className="card card--empty">The registrar desk needs the registrar role on the identity registry.</div>
      </RequireWallet>
    </section>
  );
}
