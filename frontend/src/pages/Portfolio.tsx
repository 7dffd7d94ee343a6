import { useBalance } from 'wagmi';
import { RequireWallet } from '../components/RequireWallet';
import { formatTokenAmount } from '../lib/format';
import { useWallet } from '../wallet/useWallet';

function Holdings() {
  const wallet = useWallet();
  const gas = useBalance({ address: wallet.address });
  return (
    <div className="card">
      <h2 className="card__title">Wallet</h2>
      <dl className="facts">
        <div className="facts__row">
          <dt>Address</dt>
          <dd><code data-testid="portfolio-address">{wallet.address}</code></dd>
        </div>
        <div className="facts__row">
          <dt>Gas balance</dt>
          <dd data-testid="gas-balance">
            {gas.data ? formatTokenAmount(gas.data.value, gas.data.decimals, gas.data.symbol, { maxFractionDigits: 4 }) : '…'}
          </dd>
        </div>
      </dl>
    </div>
  );
}

export function Portfolio() {
  return (
    <section className="page">
      <header className="page__header">
        <h1>Portfolio</h1>
        <p className="muted">Your shares, cash, open orders and dividends.</p>
      </header>
      <RequireWallet purpose="to see your portfolio">
        <Holdings />
      </RequireWallet>
    </section>
  );
}
