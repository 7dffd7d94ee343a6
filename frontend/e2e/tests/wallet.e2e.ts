// The test wallet itself, driven from the page as a dApp would drive it: the harness that later
// tests rely on to sign contract transactions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createPublicClient, http, numberToHex, recoverMessageAddress, type Hex } from 'viem';
import { env, launchBrowser, openSession } from '../harness.js';
import { TestWallet, WALLET_NAME, WALLET_RDNS } from '../wallet.js';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

type PageResult = { result?: unknown; error?: { code: number; message: string } };

test('the test wallet announces itself, signs with anvil keys, sends raw transactions and rejects on request', async () => {
  const { page } = await openSession(browser);
  const wallet = new TestWallet({ chains: { [env.chainId]: env.rpcUrl } });
  await wallet.attach(page);
  await page.goto(env.appUrl);

  const announced = await page.evaluate(
    () =>
      new Promise<{ name: string; rdns: string }>((resolve) => {
        window.addEventListener('eip6963:announceProvider', (event) => {
          const { info } = (event as CustomEvent<{ info: { name: string; rdns: string } }>).detail;
          resolve({ name: info.name, rdns: info.rdns });
        });
        window.dispatchEvent(new Event('eip6963:requestProvider'));
      }),
  );
  assert.deepEqual(announced, { name: WALLET_NAME, rdns: WALLET_RDNS });

  const ask = (method: string, params: unknown[] = []) =>
    page.evaluate(
      async ([m, p]) => {
        const provider = (window as unknown as { ethereum: { request(a: object): Promise<unknown> } }).ethereum;
        try {
          return { result: await provider.request({ method: m, params: p }) };
        } catch (error) {
          const { code, message } = error as { code: number; message: string };
          return { error: { code, message } };
        }
      },
      [method, params] as const,
    ) as Promise<PageResult>;

  assert.deepEqual(await ask('eth_accounts'), { result: [] });
  assert.deepEqual(await ask('eth_requestAccounts'), { result: [wallet.address] });
  assert.deepEqual(await ask('eth_chainId'), { result: numberToHex(env.chainId) });

  const recipient = wallet.accounts[2]!.address;
  const client = createPublicClient({ transport: http(env.rpcUrl) });
  const before = await client.getBalance({ address: recipient });
  const sent = await ask('eth_sendTransaction', [{ from: wallet.address, to: recipient, value: numberToHex(12345n) }]);
  const receipt = await client.waitForTransactionReceipt({ hash: sent.result as Hex });
  assert.equal(receipt.status, 'success');
  assert.equal(receipt.from.toLowerCase(), wallet.address.toLowerCase());
  assert.equal((await client.getBalance({ address: recipient })) - before, 12345n);

  const message = '0x4b6569726574737520e3818ce38184' as Hex;
  const signature = await ask('personal_sign', [message, wallet.address]);
  assert.equal(await recoverMessageAddress({ message: { raw: message }, signature: signature.result as Hex }), wallet.address);

  wallet.decideNext('eth_sendTransaction', 'reject');
  const refused = await ask('eth_sendTransaction', [{ from: wallet.address, to: recipient, value: '0x1' }]);
  assert.deepEqual(refused, { error: { code: 4001, message: 'User rejected the request.' } });

  // Reads pass through to the node.
  const block = await ask('eth_blockNumber');
  assert.equal(BigInt(block.result as Hex), await client.getBlockNumber());
});
