import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { erc20Abi, type Abi, type Address, type ContractFunctionArgs, type ContractFunctionName, type Hash } from 'viem';
import { useConfig } from 'wagmi';
import { waitForTransactionReceipt } from 'viem/actions';
import { getAccount, readContract, simulateContract, writeContract } from 'wagmi/actions';
import { keiretsuChain } from '../config/chain';
import { describeError, RevertedOnChainError } from '../lib/errors';
import { TX_IDLE, type TxState } from '../lib/txState';

type Mutability = 'nonpayable' | 'payable';

export interface TxRequest<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, Mutability>,
> {
  address: `0x${string}`;
  abi: abi;
  functionName: functionName;
  args: ContractFunctionArgs<abi, Mutability, functionName>;
  value?: bigint;
}

/**
 * Sends one contract transaction through the connected wallet and follows it to its receipt.
 * The call is simulated first, so a refusal (frozen wallet, sold-out offering…) is explained
 * before the wallet asks for a signature. A transaction that reverts on chain anyway (the state
 * moved between simulation and inclusion) is replayed on the state before its block to name the reason.
 * "Confirmed" is reported only once the page's reads have been refetched after the receipt.
 */
export function useTx() {
  const config = useConfig();
  const queryClient = useQueryClient();
  const [state, setState] = useState<TxState>(TX_IDLE);
  const run = useRef(0);

  const send = useCallback(
    async <const abi extends Abi, functionName extends ContractFunctionName<abi, Mutability>>(
      request: TxRequest<abi, functionName>,
      label: string,
    ) => {
      const id = ++run.current;
      const update = (next: TxState) => {
        if (run.current === id) setState(next);
      };
      let hash: Hash | undefined;
      try {
        update({ status: 'checking', label });
        const parameters = { ...request, chainId: keiretsuChain.id } as Parameters<typeof simulateContract>[1];
        const simulation = await simulateContract(config, parameters);
        update({ status: 'signing', label });
        hash = await writeContract(config, simulation.request as Parameters<typeof writeContract>[1]);
        update({ status: 'pending', label, hash });
        // viem's wait, not wagmi's: wagmi's turns a reverted receipt into an error with a garbled reason.
        const receipt = await waitForTransactionReceipt(config.getClient({ chainId: keiretsuChain.id }), { hash });
        if (receipt.status === 'reverted') {
          // Replays the call on the state before its block, so that the revert names its reason.
          await simulateContract(config, { ...parameters, account: simulation.request.account, blockNumber: receipt.blockNumber - 1n } as Parameters<typeof simulateContract>[1]);
          throw new RevertedOnChainError();
        }
        // The pages' reads follow the polled block number, which may not have seen this block yet:
        // every read on screen is refetched first, so what the transaction changed shows with its confirmation.
        await queryClient.invalidateQueries({ refetchType: 'active' });
        update({ status: 'confirmed', label, hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed });
        return receipt;
      } catch (error) {
        update({ status: 'failed', label, hash, error: describeError(error) });
        return undefined;
      }
    },
    [config, queryClient],
  );

  /**
   * Lets `spender` move `amount` of the cash token `token` from the connected wallet, asking the
   * wallet to approve only when the chain's allowance falls short. The allowance is read now, not
   * taken from the page's cached reads: a transaction confirmed a moment ago (the previous dividend,
   * order or subscription) may have spent it, and the next call would then fail on it.
   */
  const ensureAllowance = useCallback(
    async (token: Address, spender: Address, amount: bigint, label: string): Promise<boolean> => {
      const owner = getAccount(config).address;
      if (owner) {
        const allowance = await readContract(config, { address: token, abi: erc20Abi, functionName: 'allowance', args: [owner, spender], chainId: keiretsuChain.id }).catch(() => 0n);
        if (allowance >= amount) return true;
      }
      return (await send({ address: token, abi: erc20Abi, functionName: 'approve', args: [spender, amount] }, label)) !== undefined;
    },
    [config, send],
  );

  const reset = useCallback(() => {
    run.current += 1;
    setState(TX_IDLE);
  }, []);

  return { state, send, ensureAllowance, reset };
}
