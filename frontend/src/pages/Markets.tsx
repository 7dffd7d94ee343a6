import { DeploymentCard } from '../components/DeploymentCard';
import { deployment } from '../config/deployment';

export function Markets() {
  return (
    <section className="page">
      <header className="page__header">
        <h1>Markets</h1>
        <p className="muted">Securities listed on Keiretsu, with their last price and order book.</p>
      </header>
      <div className="card card--empty" data-testid="listings">
        {deployment.contracts.IssuanceFactory
          ? 'Listings load from the issuance factory.'
          : 'No listings: the issuance factory is not deployed on this chain.'}
      </div>
      <DeploymentCard />
    </section>
  );
}
