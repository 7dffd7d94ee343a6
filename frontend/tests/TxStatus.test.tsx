// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TxStatus } from '../src/components/TxStatus';
import { isBusy, TX_IDLE, txHeadline, type TxState } from '../src/lib/txState';

const hash = `0x${'ab'.repeat(32)}` as const;

afterEach(cleanup);

describe('TxStatus', () => {
  it('renders nothing when idle', () => {
    const { container } = render(<TxStatus state={TX_IDLE} />);
    expect(container.innerHTML).toBe('');
  });

  it('shows a pending transaction with its hash and no dismiss button', () => {
    render(<TxStatus state={{ status: 'pending', label: 'Buying 10 ACME', hash }} onDismiss={() => undefined} />);
    expect(screen.getByRole('status').textContent).toContain('Buying 10 ACME: waiting for confirmation…');
    expect(screen.getByTitle(hash).textContent).toBe('0xababab…ababab');
    expect(screen.queryByRole('button', { name: 'Dismiss' })).toBeNull();
  });

  it('shows the block and gas of a confirmed transaction', () => {
    const state: TxState = { status: 'confirmed', label: 'Buying 10 ACME', hash, blockNumber: 42n, gasUsed: 51_234n };
    render(<TxStatus state={state} />);
    expect(screen.getByRole('status').textContent).toContain('Buying 10 ACME: confirmed in block 42.');
    expect(screen.getByRole('status').textContent).toContain('gas used 51,234');
  });

  it('shows the decoded and the raw reason of a failure, and can be dismissed', () => {
    const onDismiss = vi.fn();
    const state: TxState = {
      status: 'failed',
      label: 'Selling 5 ACME',
      error: { kind: 'revert', message: 'The sending wallet is frozen for this security.', reason: 'token: sender frozen' },
    };
    render(<TxStatus state={state} onDismiss={onDismiss} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Selling 5 ACME failed: The sending wallet is frozen for this security.');
    expect(alert.textContent).toContain('Contract reason: token: sender frozen');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalledOnce();
  });
});

describe('tx state', () => {
  it('is busy from the check until the receipt', () => {
    expect(isBusy({ status: 'checking', label: 'x' })).toBe(true);
    expect(isBusy({ status: 'signing', label: 'x' })).toBe(true);
    expect(isBusy({ status: 'pending', label: 'x', hash })).toBe(true);
    expect(isBusy({ status: 'failed', label: 'x', error: { kind: 'rejected', message: 'no' } })).toBe(false);
    expect(isBusy(TX_IDLE)).toBe(false);
  });

  it('asks the person to look at the wallet while signing', () => {
    expect(txHeadline({ status: 'signing', label: 'Minting' })).toBe('Minting: confirm in your wallet…');
    expect(txHeadline({ status: 'checking', label: 'Minting' })).toBe('Minting: checking with the contract…');
  });
});
