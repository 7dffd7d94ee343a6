import type { ReactNode } from 'react';
import { keiretsuChain } from '../config/chain';
import { useWallet } from '../wallet/useWallet';

/** Shows its children only to a wallet connected on the Keiretsu chain; says what is missing otherwise. */
export function RequireWallet({ children, purpose }: { children: ReactNode; purpose: string }) {
  const wallet = useWallet();
  if (wallet.status !== 'connected') {
    return (
      <div className="card card--empty">
        <p>Connect a wallet {purpose}.</p>
        <p className="muted">Use “Connect wallet” at the top right.</p>
      </div>
    );
  }
  if (!wallet.onKeiretsu) {
    return (
      <div className="card card--empty">
        <p>
          Your wallet is on chain {wallet.chainId}; {purpose} it must be on {keiretsuChain.name} (chain {keiretsuChain.id}).
        </p>
        <button type="button" className="button button--primary" onClick={() => void wallet.switchToKeiretsu()}>
          Switch network
        </button>
        {wallet.problem && <p role="alert" className="notice notice--error">{wallet.problem.error.message}</p>}
      </div>
    );
  }
  return <>{children}</>;
}
