// The whole platform through the dApp, with separate wallets in separate browser contexts:
// the operator onboards, the issuer lists ACME and runs its offering, two investors subscribe,
// trade with each other (one places, the other takes), a refused order explains itself, and a
// dividend is declared and claimed. Screenshots of every page go to e2e/screenshots/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chain, devAccount } from '../chain.js';
import { launchBrowser, screenshot } from '../harness.js';
import { connectWallet, fill, go, send } from '../dapp.js';
import type { TestWallet } from '../wallet.js';

const ISIN = 'CL000ACME000';
const PESO = 1_000_000n;
const issuer = devAccount(1).address;
const alice = devAccount(2).address;
const bob = devAccount(3).address;

let browser: Browser;
const sessions: Record<string, { page: Page; wallet: TestWallet; errors: string[] }> = {};

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  // Each wallet's last page, to see where a failed run stopped.
  for (const [name, session] of Object.entries(sessions)) await screenshot(session.page, `last-${name}`).catch(() => undefined);
  await browser?.close();
});

/** A browser context with its own test wallet holding `accountIndexes`, connected on the dApp. */
async function connect(name: string, accountIndexes: number[]): Promise<Page> {
  const session = await connectWallet(browser, accountIndexes);
  sessions[name] = { page: session.page, wallet: session.wallet, errors: session.pageErrors };
  return session.page;
}

test('the registrar onboards an issuer and two investors', async () => {
  const page = await connect('operator', [0, 1]);
  await page.getByRole('link', { name: 'Registrar' }).click();
  const onboard = page.getByTestId('onboard');
  await onboard.waitFor();

  // Validation speaks before anything is sent.
  await fill(onboard, { wallet: '0x1234', country: '1000' });
  await onboard.getByRole('button', { name: 'Register' }).click();
  await onboard.getByText('An address is 0x followed by 40 hexadecimal characters.').waitFor();
  await onboard.getByText('Enter an ISO 3166 country: two letters such as CL, or a number such as 152.').waitFor();
  await screenshot(page, 'registrar-validation');

  const people: [string, string, string, boolean][] = [
    [issuer, 'kyc/acme-sa.pdf', '2', true],
    [alice, 'kyc/alice.pdf', '1', false],
    [bob, 'kyc/bob.pdf', '1', false],
  ];
  for (const [wallet, reference, kind, isIssuer] of people) {
    await fill(onboard, { wallet, kycReference: reference, country: '152' });
    await onboard.locator('[name="kind"]').selectOption(kind);
    if (isIssuer) await onboard.locator('[name="issuer"]').check();
    await send(onboard, onboard.getByRole('button', { name: 'Register' }), 'Register the investor');
  }

  const manage = page.getByTestId('manage-investor');
  await fill(manage, { lookup: alice });
  await manage.getByTestId('investor-status').getByText('verified').waitFor();
  await screenshot(page, 'registrar');

  // The treasury pays cash to the issuer and the investors (off-platform money coming in).
  const { fund } = chain();
  await fund(issuer, 5_000n * PESO);
  await fund(alice, 20_000n * PESO);
  await fund(bob, 20_000n * PESO);
});

test('the issuer lists ACME and opens its offering', async () => {
  const { page, wallet } = sessions.operator!;
  await wallet.selectAccount(1);
  await page.getByRole('link', { name: 'Issuer' }).click();
  const issue = page.getByTestId('issue-security');
  await issue.waitFor();
  await fill(issue, { isin: 'CL000ACME001', name: 'Acme Andina SA', symbol: 'ACME' });
  await issue.getByRole('button', { name: 'Issue and list' }).click();
  await issue.getByText('Check digit mismatch: CL000ACME00 ends in 0.').waitFor();
  await fill(issue, {
    isin: ISIN,
    prospectusUri: 'https://example.org/acme/prospectus.pdf',
    prospectusHash: `0x${'ab'.repeat(32)}`,
  });
  await send(issue, issue.getByRole('button', { name: 'Issue and list' }), 'Issue ACME');

  // The same ISIN again: the contract refuses, and the dApp says why in a sentence before any signature.
  const prompts = wallet.methods().filter((method) => method === 'eth_sendTransaction').length;
  await fill(issue, { isin: ISIN, name: 'Acme Andina SA', symbol: 'ACME2' });
  await issue.getByRole('button', { name: 'Issue and list' }).click();
  await issue.getByText('Issue ACME2 failed: A security with this ISIN is already listed.').waitFor();
  await issue.getByText('Contract reason: factory: isin already listed').waitFor();
  assert.equal(wallet.methods().filter((method) => method === 'eth_sendTransaction').length, prompts);

  const offering = page.getByTestId('offering-desk');
  await offering.locator('[name="price"]').waitFor();
  await fill(offering, { price: '10', lot: '1', minPerInvestor: '10', maxPerInvestor: '800', softCap: '500', hardCap: '1000' });
  await send(offering, offering.getByRole('button', { name: 'Open the offering' }), 'Open an offering of ACME');
  await offering.getByText('Open', { exact: true }).waitFor();

  const documents = page.getByTestId('document-desk');
  await fill(documents, { 'doc-name': 'annual-report-2026', 'doc-uri': 'https://example.org/acme/annual-report-2026.pdf', 'doc-hash': `0x${'cd'.repeat(32)}` });
  await send(documents, documents.getByRole('button', { name: 'Publish' }), 'Publish the document');
  await screenshot(page, 'issuer');
});

test('two investors subscribe; the issuer closes the offering at its hard cap and settles', async () => {
  for (const [name, index, lots] of [['alice', 2, '600'], ['bob', 3, '400']] as const) {
    const page = await connect(name, [index]);
    await page.getByTestId('offering-ACME').click();
    const panel = page.getByTestId('offering-panel');
    await fill(panel, { 'subscribe-lots': lots });
    await send(panel, panel.getByRole('button', { name: 'Subscribe' }), `Subscribe ${lots} ACME`);
    await panel.getByTestId('my-subscription').getByText(`${lots} ACME`).waitFor();
  }
  // Bob changes his mind before the end, takes his cash back, then subscribes again.
  const bobPanel = sessions.bob!.page.getByTestId('offering-panel');
  await bobPanel.getByTestId('withdrawal-window').getByText('You can withdraw until', { exact: false }).waitFor();
  await send(bobPanel, bobPanel.getByTestId('withdraw-subscription'), 'Withdraw your 400 ACME subscription');
  await bobPanel.getByTestId('my-subscription').getByText('0 ACME').waitFor();
  await fill(bobPanel, { 'subscribe-lots': '400' });
  await send(bobPanel, bobPanel.getByRole('button', { name: 'Subscribe' }), 'Subscribe 400 ACME');
  await bobPanel.getByTestId('my-subscription').getByText('400 ACME').waitFor();
  const listed = sessions.bob!.page.getByTestId('documents');
  await listed.getByRole('link', { name: 'annual-report-2026' }).waitFor();
  await listed.getByText('0xcdcdcdcdcd…cdcdcdcdcd').waitFor();
  await sessions.bob!.page.getByTestId('offering-progress').getByText('1,000 ACME subscribed of 1,000 ACME (100.00%)', { exact: false }).waitFor();
  await screenshot(sessions.bob!.page, 'security-offering');

  const { page } = sessions.operator!;
  const desk = page.getByTestId('offering-desk');
  await send(desk, desk.getByRole('button', { name: 'Close the offering' }), 'Close the ACME offering');

  // Alice settles her own subscription; the issuer settles the rest in one batch.
  const panel = sessions.alice!.page.getByTestId('offering-panel');
  await panel.getByTestId('offering-state').getByText('Succeeded').waitFor();
  await send(panel, panel.getByRole('button', { name: 'Receive your ACME' }), 'Settle your subscription');
  const lastOffering = desk.getByTestId('last-offering');
  await lastOffering.getByText('1 subscriber still to settle', { exact: false }).waitFor();
  await send(desk, lastOffering.getByRole('button', { name: 'Settle 1' }), 'Settle 1 subscriber');
  await sessions.bob!.page.getByTestId('my-subscription').getByText('400 ACME · settled').waitFor();
  await go(sessions.alice!.page, 'portfolio');
  await sessions.alice!.page.getByTestId('holding-ACME').getByTestId('holding-balance').getByText('600').waitFor();
});

test('one investor places a sell order, the other takes it; the book, tape and portfolios follow', async () => {
  const seller = sessions.alice!.page;
  await go(seller, 'security/ACME');
  const ticket = seller.getByTestId('order-ticket');
  await ticket.getByRole('radio', { name: 'Sell' }).click();
  await fill(ticket, { price: '12', lots: '100' });
  await ticket.getByText('The token allows this order.').waitFor();
  await send(ticket, ticket.getByRole('button', { name: 'Sell ACME' }), 'Sell 100 lots of ACME');
  // What the order changed is on screen with its confirmation, not a block poll later.
  assert.equal(await seller.getByTestId('open-orders').getByTestId('open-order').count(), 1);
  await ticket.getByTestId('order-report').getByText('100 lots rest on the book at 12.00 DPESO per lot.').waitFor();
  await seller.getByTestId('asks').getByText('12.00').waitFor();

  const buyer = sessions.bob!.page;
  await go(buyer, 'security/ACME');
  await buyer.getByTestId('asks').getByText('12.00').click(); // the ladder fills in the price
  const buyTicket = buyer.getByTestId('order-ticket');
  await fill(buyTicket, { lots: '60' });
  await buyTicket.getByText('Trades in full now (60 lots).').waitFor();
  await send(buyTicket, buyTicket.getByRole('button', { name: 'Buy ACME' }), 'Buy 60 lots of ACME');
  const report = buyTicket.getByTestId('order-report');
  await report.getByText('Filled 60 of 60 lots at an average 12.00 DPESO per lot.').waitFor();
  await report.getByText('Paid 720.00 DPESO, fees of 0.00 DPESO included.').waitFor();
  assert.equal(await buyTicket.locator('[data-status]').count(), 1, 'one report in the ticket');
  await buyer.getByTestId('trade-tape').getByTestId('tape-row').first().getByText('12.00', { exact: false }).waitFor();
  // The price chart (lightweight-charts) draws the trade on its canvas.
  await buyer.getByTestId('price-chart').locator('canvas').first().waitFor();
  await buyer.getByTestId('stat-last').getByText('12.00', { exact: false }).waitFor();
  await screenshot(buyer, 'security');

  // The seller's page updates from the chain without a reload: the trade is announced, 40 lots are left.
  await seller.getByTestId('trade-feed').getByText('60 lots traded at 12.00 DPESO').waitFor();
  await seller.getByTestId('open-orders').getByTestId('open-order').getByText('40').waitFor();
  await go(buyer, 'portfolio');
  await buyer.getByTestId('holding-ACME').getByTestId('holding-balance').getByText('460').waitFor();
  await buyer.getByTestId('order-history').getByTestId('order-row').getByText('traded at once').waitFor();
  // Valued at the book's last trade (12.00) against the offering price (10.00) a day ago.
  const money = (units: bigint) => `${(Number(units) / 1e6).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} DPESO`;
  await buyer.getByTestId('holding-ACME').getByTestId('holding-value').getByText('5,520.00 DPESO').waitFor();
  await buyer.getByTestId('portfolio-total').getByText(money(5_520n * PESO + (await chain().cashBalance(bob)))).waitFor();
  await buyer.getByTestId('portfolio-change').getByText('+920.00 DPESO').waitFor();
  assert.equal(await chain().cashBalance(alice), 20_000n * PESO - 6_000n * PESO + 720n * PESO);
});

test('a refused order says why before the wallet is asked: no free shares, no KYC, a frozen wallet', async () => {
  const { page, wallet } = sessions.bob!;
  await go(page, 'security/ACME');
  const ticket = page.getByTestId('order-ticket');
  await ticket.getByRole('radio', { name: 'Sell' }).click();
  await fill(ticket, { price: '11', lots: '1000' });
  const pretrade = ticket.getByTestId('pretrade');
  await pretrade.getByText('This order would be refused:').waitFor();
  await pretrade.getByText('You have 460 ACME free to sell', { exact: false }).waitFor();
  assert.equal(await ticket.getByRole('button', { name: 'Sell ACME' }).isDisabled(), true);
  const sent = wallet.methods().filter((method) => method === 'eth_sendTransaction').length;
  await screenshot(page, 'security-refused-order');

  // An unregistered wallet is told it needs KYC.
  const stranger = await connect('stranger', [5]);
  await go(stranger, 'security/ACME');
  const strangerTicket = stranger.getByTestId('order-ticket');
  await fill(strangerTicket, { price: '12', lots: '1' });
  await strangerTicket.getByText('Your wallet is not registered', { exact: false }).waitFor();
  assert.equal(wallet.methods().filter((method) => method === 'eth_sendTransaction').length, sent, 'no transaction was sent');

  // The transfer agent freezes the investor's wallet: the next order is refused for that reason.
  const agentSession = sessions.operator!;
  await agentSession.wallet.selectAccount(0);
  await go(agentSession.page, 'registrar');
  const agent = agentSession.page.getByTestId('agent-desk');
  await fill(agent, { 'agent-wallet': bob });
  await send(agent, agent.getByRole('button', { name: 'Freeze wallet', exact: true }), 'Freeze the wallet');
  await fill(ticket, { lots: '1' });
  await pretrade.getByText('The sending wallet is frozen for this security.').waitFor();
  await screenshot(page, 'security-frozen-order');
  await screenshot(agentSession.page, 'registrar-agent');
  await send(agent, agent.getByRole('button', { name: 'Unfreeze wallet', exact: true }), 'Unfreeze the wallet');
  await pretrade.getByText('The token allows this order.').waitFor();
  assert.equal(wallet.methods().filter((method) => method === 'eth_sendTransaction').length, sent, 'still no transaction from the investor');
  await agentSession.wallet.selectAccount(1);
  await go(agentSession.page, 'issuer');
});

test('the issuer declares a dividend and opens a vote; an investor claims and votes', async () => {
  const { page } = sessions.operator!;
  const desk = page.getByTestId('dividend-desk');
  await fill(desk, { 'dividend-amount': '1000' });
  await send(desk, desk.getByRole('button', { name: 'Declare' }), 'Declare a dividend on ACME');
  // A second dividend, declared by mistake, is cancelled before its record date: its cash comes back.
  await fill(desk, { 'dividend-amount': '250' });
  await send(desk, desk.getByRole('button', { name: 'Declare' }), 'Declare a dividend on ACME');
  const mistaken = desk.getByTestId('declared-dividend').nth(1);
  await mistaken.getByText('250.00', { exact: false }).waitFor();
  await send(desk, mistaken.getByTestId('cancel-dividend'), 'Cancel ACME dividend #2 and take back 250.00 DPESO');
  await mistaken.getByText('cancelled').waitFor();
  const voteDesk = page.getByTestId('vote-desk');
  await fill(voteDesk, { question: 'Approve the 2026 accounts?' });
  await send(voteDesk, voteDesk.getByRole('button', { name: 'Open the vote' }), 'Open the vote');
  // Investors see both from their declaration: 1,000 DPESO over 1,000 shares, an estimate until the record date.
  await go(sessions.alice!.page, 'portfolio');
  const upcoming = sessions.alice!.page.getByTestId('upcoming-actions').getByTestId('upcoming-dividend');
  await upcoming.getByText('1.00 DPESO').waitFor();
  await upcoming.getByText('estimate until the record date').waitFor();
  await sessions.alice!.page.getByTestId('upcoming-actions').getByTestId('upcoming-vote').waitFor();
  assert.equal(await sessions.alice!.page.getByTestId('upcoming-dividend').count(), 1, 'the cancelled dividend is not announced');
  await go(sessions.bob!.page, 'security/ACME');
  await sessions.bob!.page.getByTestId('upcoming-actions').getByTestId('upcoming-dividend').getByText('Dividend of 1,000.00 DPESO').waitFor();

  await chain().travel(3 * 86_400); // past the record date (1 day) and the payment date (2 days)
  const investor = sessions.alice!.page;
  await go(investor, 'portfolio');
  const row = investor.getByTestId('dividend-row');
  await row.getByText('540.00', { exact: false }).waitFor(); // 540 of 1,000 shares at the record date
  await send(investor.getByTestId('dividends'), row.getByRole('button', { name: 'Claim' }), 'Claim the ACME dividend');
  await row.getByText('claimed').waitFor();
  const votes = investor.getByTestId('votes');
  await votes.getByText('your weight 540', { exact: false }).waitFor();
  await send(votes, votes.getByRole('button', { name: 'For' }), 'Vote “For”');
  await screenshot(investor, 'portfolio');
  await go(page, 'issuer');
  await page.getByTestId('vote-desk').getByText('For: 540', { exact: false }).waitFor();
  assert.equal(await chain().cashBalance(alice), 14_720n * PESO + 540n * PESO);
});

test('the issuer halts trading: an order is refused in words until trading resumes', async () => {
  const { page } = sessions.operator!;
  const control = page.getByTestId('market-control');
  await send(control, control.getByRole('button', { name: 'Halt trading' }), 'Halt trading in ACME');
  const investor = sessions.bob!.page;
  await go(investor, 'security/ACME');
  await investor.getByTestId('listing-status').getByText('Halted').waitFor();
  const ticket = investor.getByTestId('order-ticket');
  await fill(ticket, { price: '12', lots: '1' });
  await ticket.getByTestId('pretrade').getByText('ACME is halted: no order can be placed until it resumes (you can still cancel your orders).').waitFor();
  await screenshot(investor, 'security-halted');
  await send(control, control.getByRole('button', { name: 'Resume trading' }), 'Resume trading in ACME');
  await investor.getByTestId('listing-status').getByText('Trading').waitFor();
  await ticket.getByTestId('pretrade').getByText('The token allows this order.').waitFor();
});

test('the registrar recovers a lost wallet to a new wallet of the same investor, which claims its dividend', async () => {
  const { page, wallet } = sessions.operator!;
  await wallet.selectAccount(0);
  await go(page, 'registrar');
  const replacement = devAccount(6).address;
  const manage = page.getByTestId('manage-investor');
  await fill(manage, { lookup: bob, link: replacement });
  await send(manage, manage.getByRole('button', { name: 'Add wallet' }), 'Add the wallet');
  const agent = page.getByTestId('agent-desk');
  await fill(agent, { 'agent-wallet': bob, 'recover-to': replacement });
  await send(agent, agent.getByRole('button', { name: 'Recover' }), 'Recover ACME to the new wallet');
  await fill(agent, { 'agent-wallet': replacement });
  await agent.getByTestId('agent-holding').getByText('460 ACME').first().waitFor();
  await screenshot(page, 'registrar-recovery');

  // The dividend bob's shares earned before the recovery is claimed from the new wallet.
  const heir = await connect('heir', [6]);
  await go(heir, 'portfolio');
  const row = heir.getByTestId('dividend-row').filter({ has: heir.getByTestId('recovered-from') });
  await row.getByText('460.00', { exact: false }).waitFor();
  await send(heir.getByTestId('dividends'), row.getByRole('button', { name: 'Claim' }), 'Claim the recovered ACME dividend');
  await row.getByText('claimed').waitFor();
  assert.equal(await chain().cashBalance(replacement), 460n * PESO);
});

test('every page reads well on a phone, and no page threw', async () => {
  const { page } = sessions.alice!;
  await page.setViewportSize({ width: 390, height: 844 });
  await go(page, 'markets');
  await page.getByTestId('market-row-ACME').getByTestId('last-price').getByText('12.00', { exact: false }).waitFor();
  await screenshot(page, 'markets-phone');
  await go(page, 'security/ACME');
  await page.getByTestId('stat-last').getByText('12.00', { exact: false }).waitFor();
  await screenshot(page, 'security-phone');
  await go(page, 'portfolio');
  await page.getByTestId('holding-ACME').waitFor();
  await screenshot(page, 'portfolio-investor-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
  await go(page, 'markets');
  await page.getByTestId('market-row-ACME').waitFor();
  await screenshot(page, 'markets');
  for (const [name, session] of Object.entries(sessions)) assert.deepEqual(session.errors, [], `${name}: page errors`);
});
