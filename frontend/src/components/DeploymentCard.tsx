import { deployment } from '../config/deployment';
import { shortenAddress } from '../lib/format';

/** Which platform contracts this build reaches, so an empty page says why it is empty. */
export function DeploymentCard() {
  const entries = Object.entries(deployment.contracts);
  if (!deployment.deployed || entries.length === 0) {
    return (
      <div className="card card--empty" data-testid="deployment">
        <p>The platform is not deployed on chain {deployment.chainId} yet.</p>
        <p className="muted">Run <code>make up</code>, then rebuild the dApp.</p>
      </div>
    );
  }
  return (
    <div className="card" data-testid="deployment">
      <h2 className="card__title">Platform contracts</h2>
      <dl className="facts">
        {entries.map(([name, entry]) =>
          entry ? (
            <div key={name} className="facts__row">
              <dt>{name}</dt>
              <dd>
                <code title={entry.address}>{shortenAddress(entry.address)}</code>
                {entry.version && <span className="muted"> v{entry.version}</span>}
              </dd>
            </div>
          ) : null,
        )}
      </dl>
    </div>
  );
}
