import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { env, launchBrowser, openSession, screenshot } from '../harness.js';
import { TestWallet, WALLET_NAME } from '../wallet.js';

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('connects the test wallet through the EIP-6963 list, adds and switches the chain, follows changes', async () => {
  const { page, pageErrors } = await openSession(browser);
  const wallet = new TestWallet({ chains: { 1: null } });
  await wallet.attach(page);
  await page.goto(env.appUrl);

  const badge = page.getByTestId('network-badge');
  await badge.getByText(/block \d+/).waitFor();
  await screenshot(page, 'markets-disconnected');

  await page.getByRole('button', { name: 'Connect wallet' }).click();
  const option = page.getByRole('list', { name: 'Wallets found in this browser' }).getByRole('button', { name: WALLET_NAME });
  await option.waitFor();
  assert.equal(await option.locator('img').count(), 1, 'the wallet is listed with its icon');
  await screenshot(page, 'connect-dialog');
  await option.click();

  await page.getByTestId('account').getByText(short(wallet.address)).waitFor();
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  assert.equal(wallet.currentChainId, env.chainId, `requests: ${wallet.methods().join(', ')}`);
  const methods = wallet.methods();
  const add = wallet.requests.find((request) => request.method === 'wallet_addEthereumChain');
  assert.ok(add, `the dApp added the chain (requests: ${methods.join(', ')})`);
  assert.deepEqual((add.params[0] as { rpcUrls: string[] }).rpcUrls, [env.rpcUrl]);
  assert.equal((add.params[0] as { chainId: string }).chainId, `0x${env.chainId.toString(16)}`);
  const firstSwitch = methods.indexOf('wallet_switchEthereumChain');
  assert.ok(firstSwitch < methods.indexOf('wallet_addEthereumChain'), 'switch tried first, failed with 4902');
  assert.ok(methods.lastIndexOf('wallet_switchEthereumChain') > methods.indexOf('wallet_addEthereumChain'), 'switched after adding');
  await badge.getByText(/block \d+/).waitFor();
  await screenshot(page, 'connected');

  // The person picks another account in the wallet: the header follows.
  await wallet.selectAccount(1);
  await page.getByTestId('account').getByText(short(wallet.address)).waitFor();

  // The portfolio reads the connected wallet's gas balance from the chain (anvil funds 10,000 ETH).
  await page.getByRole('link', { name: 'Portfolio' }).click();
  await page.getByTestId('portfolio-address').getByText(wallet.address).waitFor();
  await page.getByTestId('gas-balance').getByText('10,000 ETH').waitFor();

  // The wallet moves to another chain: the dApp says so and brings it back.
  await wallet.switchChainFromWallet(1);
  await badge.getByText(/Wrong network/).waitFor();
  await screenshot(page, 'wrong-network');
  await badge.click();
  await badge.getByText(/block \d+/).waitFor();
  assert.equal(wallet.currentChainId, env.chainId);

  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'portfolio-phone');

  // A reload reconnects to the same wallet without asking again.
  const asked = wallet.requests.filter((request) => request.decision !== undefined).length;
  await page.reload();
  await page.getByTestId('account').getByText(short(wallet.address)).waitFor();
  assert.equal(wallet.requests.filter((request) => request.decision !== undefined).length, asked, 'no new prompt');

  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('button', { name: 'Connect wallet' }).waitFor();
  assert.deepEqual(pageErrors, []);
});

test('a rejected connection says so and leaves the wallet disconnected', async () => {
  const { page, pageErrors } = await openSession(browser);
  const wallet = new TestWallet({ chains: { 1: null } });
  wallet.decideNext('wallet_requestPermissions', 'reject');
  await wallet.attach(page);
  await page.goto(env.appUrl);

  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.getByRole('button', { name: WALLET_NAME }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal(await alert.textContent(), 'Not connected. You rejected the request in your wallet.');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'connect-rejected-dark');
  assert.equal(await page.getByTestId('account').count(), 0);
  assert.equal(wallet.methods().includes('wallet_switchEthereumChain'), false);
  assert.deepEqual(pageErrors, []);
});

test('a rejected network switch leaves the wallet connected on the wrong network, with a way back', async () => {
  const { page } = await openSession(browser);
  const wallet = new TestWallet({ chains: { 1: null } });
  wallet.decideNext('wallet_addEthereumChain', 'reject');
  await wallet.attach(page);
  await page.goto(env.appUrl);

  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.getByRole('button', { name: WALLET_NAME }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal(await alert.textContent(), 'Connected, but not on the Keiretsu network. You rejected the request in your wallet.');
  await page.keyboard.press('Escape');
  const badge = page.getByTestId('network-badge');
  await badge.getByText(/Wrong network/).waitFor();
  await badge.click();
  await badge.getByText(/block \d+/).waitFor();
  assert.equal(wallet.currentChainId, env.chainId);
});
