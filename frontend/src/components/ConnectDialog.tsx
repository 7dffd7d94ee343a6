import { useEffect, useRef } from 'react';
import { useWallet } from '../wallet/useWallet';

/** The list of wallets found in this browser (EIP-6963), each with its name and icon. */
export function ConnectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const wallet = useWallet();
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  useEffect(() => {
    if (open && wallet.status === 'connected' && !wallet.busy && !wallet.problem) onClose();
  }, [open, wallet.status, wallet.busy, wallet.problem, onClose]);

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="connect-title" onClose={onClose}>
      <header className="dialog__header">
        <h2 id="connect-title">Connect a wallet</h2>
        <button type="button" className="button button--ghost" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      {wallet.wallets.length === 0 ? (
        <p className="muted">
          No wallet found in this browser. Install a wallet extension (one supporting EIP-6963), then reload this page.
        </p>
      ) : (
        <ul className="wallet-list" aria-label="Wallets found in this browser">
          {wallet.wallets.map((connector) => (
            <li key={connector.uid}>
              <button
                type="button"
                className="wallet-option"
                disabled={wallet.busy !== null}
                onClick={() => void wallet.connect(connector)}
              >
                {connector.icon ? <img src={connector.icon} alt="" width={28} height={28} /> : <span className="wallet-option__blank" />}
                <span>{connector.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {wallet.busy === 'connecting' && <p className="muted">Waiting for your wallet…</p>}
      {wallet.busy === 'switching' && <p className="muted">Asking your wallet to switch to the Keiretsu network…</p>}
      {wallet.problem && (
        <p role="alert" className="notice notice--error">
          {wallet.problem.stage === 'switch' ? 'Connected, but not on the Keiretsu network. ' : 'Not connected. '}
          {wallet.problem.error.message}
        </p>
      )}
    </dialog>
  );
}
