import { useCallback, useRef, useState } from 'react';
import { encodeFunctionData, type Abi, type ContractFunctionArgs, type ContractFunctionName, type Hash } from 'viem';
import { useConfig } from 'wagmi';
import { call, simulateContract, waitForTransactionReceipt, writeContract } from 'wagmi/actions';
import { keiretsuChain } from '../config/chain';
import { describeError } from '../lib/errors';
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
 * before the wallet asks for a signature. A transaction that reverts on chain anyway is replayed
 * against its block to name the reason.
 */
export function useTx() {
  const config = useConfig();
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
        const receipt = await waitForTransactionReceipt(config, { hash, chainId: keiretsuChain.id });
        if (receipt.status === 'reverted') {
          // Replays the call on the state before its block to learn why it reverted.
          await call(config, {
            account: simulation.request.account ?? undefined,
            to: request.address,
            data: encodeFunctionData({ abi: request.abi, functionName: request.functionName, args: request.args } as never),
            value: request.value,
            blockNumber: receipt.blockNumber - 1n,
            chainId: keiretsuChain.id,
          });
          throw new Error('the transaction reverted on chain');
        }
        update({ status: 'confirmed', label, hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed });
        return receipt;
      } catch (error) {
        update({ status: 'failed', label, hash, error: describeError(error) });
        return undefined;
      }
    },
    [config],
  );

  const reset = useCallback(() => {
    run.current += 1;
    setState(TX_IDLE);
  }, []);

  return { state, send, reset };
}
