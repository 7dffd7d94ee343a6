// What the tests do on the chain outside the dApp: the treasury funding investors with cash (an
// off-platform payment in real life) and moving chain time to a record or payment date.
import { createPublicClient, createTestClient, createWalletClient, http, parseAbi, type Address } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { readFileSync } from 'node:fs';
import { env } from './harness.js';
import { ANVIL_MNEMONIC } from './wallet.js';

export const devAccount = (addressIndex: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });

export function manifest(): { contracts: Record<string, { address: Address }> } {
  return JSON.parse(readFileSync(process.env.KEIRETSU_E2E_MANIFEST!, 'utf8'));
}

const cashAbi = parseAbi(['function mint(address owner, uint256 amount)', 'function balanceOf(address) view returns (uint256)']);

export function chain() {
  const transport = http(env.rpcUrl);
  const local = { id: env.chainId, name: 'e2e', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [env.rpcUrl] } } } as const;
  const reader = createPublicClient({ chain: local, transport });
  const testClient = createTestClient({ chain: local, mode: 'anvil', transport });
  const treasury = createWalletClient({ chain: local, transport, account: devAccount(0) });
  const cash = manifest().contracts.CashToken!.address;
  return {
    reader,
    /** The treasury (dev account 0, the cash token's owner) pays `amount` base units to `to`. */
    async fund(to: Address, amount: bigint) {
      const hash = await treasury.writeContract({ address: cash, abi: cashAbi, functionName: 'mint', args: [to, amount] });
      await reader.waitForTransactionReceipt({ hash });
    },
    cashBalance: (owner: Address) => reader.readContract({ address: cash, abi: cashAbi, functionName: 'balanceOf', args: [owner] }),
    /** Moves chain time forward and mines a block, so that the dApp reads the new time. */
    async travel(seconds: number) {
      await testClient.increaseTime({ seconds });
      await testClient.mine({ blocks: 1 });
    },
  };
}
