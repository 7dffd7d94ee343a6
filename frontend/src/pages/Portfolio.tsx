import { DividendsAbi, OrderBookAbi, ShareholderVotesAbi } from '@generated/abis';
import { Link } from 'react-router';
import type { Address, PublicClient } from 'viem';
import { useBalance } from 'wagmi';
import { securityActions, UpcomingActions } from '../components/CorporateActions';
import { RequireWallet } from '../components/RequireWallet';
import { TxStatus } from '../components/TxStatus';
import { OrderHistory, Statement } from '../components/WalletRecords';
import { Badge, Card, Stat, units } from '../components/ui';
import {
  contracts,
  loadCashPosition,
  loadHolding,
  loadOpenOrders,
  loadSubscription,
  loadVotes,
  loadWalletDividends,
  loadWithdrawable,
  type CashInfo,
  type DividendView,
  type Security,
} from '../data/platform';
import { loadIndexedPrices, loadRecoveredFrom } from '../data/indexed';
import { useCash, useChainNow, useLive, useSecurities } from '../hooks/useLive';
import { useTx } from '../hooks/useTx';
import { formatCash, formatDate, formatShares, formatTokenAmount, shortenAddress } from '../lib/format';
import { BUY, changeBps, formatChange, notional, offeringStateLabel } from '../lib/market';
import { valueHolding, valuePortfolio, type PriceSource } from '../lib/valuation';
import { isBusy } from '../lib/txState';
import { useWallet } from '../wallet/useWallet';

/** Everything the wallet has on the platform, read in one go per block. */
async function loadPortfolio(client: PublicClient, wallet: Address, securities: Security[], now: bigint) {
  const recoveredFrom = await loadRecoveredFrom(client, wallet);
  const [cash, positions, prices] = await Promise.all([
    loadCashPosition(client, wallet, null),
    Promise.all(
      securities.map(async (security) => {
        const [holding, orders, credited, subscription, dividends, votes] = await Promise.all([
          loadHolding(client, security.token, wallet),
          security.market ? loadOpenOrders(client, security.market, wallet) : [],
          security.market ? loadWithdrawable(client, security.market, wallet) : 0n,
          security.offering ? loadSubscription(client, security.offering.address, wallet) : null,
          loadWalletDividends(client, security.token, wallet, recoveredFrom.get(security.token) ?? []),
          loadVotes(client, security.token, wallet, now),
        ]);
        return { security, holding, orders, credited, subscription, dividends, votes };
      }),
    ),
    // From the index: each book's last trade and its last a day before, a holding's prices.
    loadIndexedPrices(client, securities, now),
  ]);
  return { cash, positions, prices };
}

type Portfolio = Awaited<ReturnType<typeof loadPortfolio>>;

/** The wallet's address, cash and gas: shown even when the platform cannot be read. */
function WalletFacts({ wallet, cash }: { wallet: Address; cash?: { balance: bigint; info: CashInfo } | undefined }) {
  const gas = useBalance({ address: wallet });
  return (
    <dl className="facts">
      <div className="facts__row"><dt>Wallet</dt><dd><code data-testid="portfolio-address">{wallet}</code></dd></div>
      {cash && (
        <div className="facts__row"><dt>Cash</dt><dd data-testid="cash-balance">{formatCash(cash.balance, cash.info.decimals, cash.info.symbol)}</dd></div>
      )}
      <div className="facts__row">
        <dt>Gas balance</dt>
        <dd data-testid="gas-balance">{gas.data ? formatTokenAmount(gas.data.value, gas.data.decimals, gas.data.symbol, { maxFractionDigits: 4 }) : '…'}</dd>
      </div>
    </dl>
  );
}

/** A security's price history for the valuation: its book's trades, and its offering before them. */
function priceSource(security: Security, data: Portfolio): PriceSource {
  return {
    trades: data.prices.get(security.symbol) ?? [],
    tickSize: security.tickSize,
    lotSize: security.lotSize,
    offering: security.offering ? { price: security.offering.price, lot: security.offering.lot } : null,
  };
}

/** Cash the wallet has on the markets: escrowed by its open buys (at their price) and credited to withdraw. */
function cashOnMarkets(data: Portfolio): bigint {
  return data.positions.reduce(
    (sum, { security, orders, credited }) => orders.reduce((escrow, order) => (order.side === BUY ? escrow + notional(order.lots, order.tick, security.tickSize) : escrow), sum + credited),
    0n,
  );
}

function Holdings({ data, cash, wallet, now }: { data: Portfolio; cash: CashInfo; wallet: Address; now: bigint }) {
  const held = data.positions.filter(({ holding }) => holding.balance > 0n).map((position) => ({ ...position, valued: valueHolding(position.holding.balance, priceSource(position.security, data), now) }));
  const onMarkets = cashOnMarkets(data);
  const worth = valuePortfolio(held.map(({ valued }) => valued), data.cash.balance + onMarkets);
  const money = (value: bigint) => formatCash(value, cash.decimals, cash.symbol);
  const change = changeBps(worth.total, worth.previousTotal);
  return (
    <Card title="Holdings" testId="holdings">
      <div className="stats" data-testid="portfolio-value">
        <Stat label="Total value" value={money(worth.total)} testId="portfolio-total" sub={worth.unpriced > 0 ? `${worth.unpriced} holding${worth.unpriced === 1 ? '' : 's'} without a price left out` : undefined} />
        <Stat label="Shares" value={money(worth.holdings)} testId="portfolio-shares-value" sub="at each book's last trade" />
        <Stat label="Cash" value={money(worth.cash)} testId="portfolio-cash" sub={onMarkets > 0n ? `${money(onMarkets)} on the markets` : 'in your wallet'} />
        <Stat
          label="Since yesterday"
          value={`${worth.change > 0n ? '+' : ''}${money(worth.change)}`}
          sub={formatChange(change)}
          testId="portfolio-change"
          tone={worth.change > 0n ? 'up' : worth.change < 0n ? 'down' : undefined}
        />
      </div>
      <WalletFacts wallet={wallet} cash={{ balance: data.cash.balance, info: cash }} />
      {held.length === 0 ? (
        <p className="muted">No shares yet. Subscribe to an offering or buy on the <Link to="/markets">markets</Link>.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr><th>Security</th><th className="num">Balance</th><th className="num hide-phone" title="Balance less what is on orders or frozen">Free</th><th className="num">On orders</th><th className="num">Frozen</th><th className="num">Value</th></tr>
            </thead>
            <tbody>
              {held.map(({ security, holding, valued }) => {
                const unit = units(security, cash);
                return (
                  <tr key={security.token} data-testid={`holding-${security.symbol}`}>
                    <td><Link to={`/security/${security.symbol}`} className="symbol">{security.symbol}</Link> {holding.walletFrozen && <Badge tone="error">wallet frozen</Badge>}</td>
                    <td className="num" data-testid="holding-balance">{formatShares(holding.balance, security.decimals)}</td>
                    <td className="num hide-phone">{formatShares(holding.free, security.decimals)}</td>
                    <td className="num">{formatShares(holding.held, security.decimals)}</td>
                    <td className="num">{formatShares(holding.frozen, security.decimals)}</td>
                    <td className="num" data-testid="holding-value" title={valued.mark?.source === 'offering' ? 'at the offering price: no trade yet' : "at the book's last trade"}>
                      {valued.value === null ? '–' : unit.cash(valued.value)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** Cash an order book could not pay the wallet at the time (the cash token refused it), kept for it to withdraw. */
function CreditedCash({ data, cash }: { data: Portfolio; cash: CashInfo }) {
  const tx = useTx();
  const rows = data.positions.filter(({ security, credited }) => security.market && credited > 0n);
  if (rows.length === 0) return null;
  return (
    <Card title="Cash waiting on the markets" testId="credited-cash">
      <p className="muted small">A payment to this wallet failed when it was due (a refund or the proceeds of a sale), so the order book kept it for you.</p>
      <table className="table table--compact">
        <tbody>
          {rows.map(({ security, credited }) => (
            <tr key={security.token} data-testid={`credited-${security.symbol}`}>
              <td>{security.symbol} order book</td>
              <td className="num">{units(security, cash).cash(credited)}</td>
              <td className="num">
                <button type="button" className="button button--primary button--small" disabled={isBusy(tx.state)} onClick={() => void tx.send({ address: security.market!, abi: OrderBookAbi, functionName: 'withdraw', args: [] }, `Withdraw ${units(security, cash).cash(credited)} from the ${security.symbol} order book`)}>
                  Withdraw
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}

function Orders({ data, cash }: { data: Portfolio; cash: CashInfo }) {
  const tx = useTx();
  const rows = data.positions.flatMap(({ security, orders }) => orders.map((order) => ({ security, order })));
  return (
    <Card title="Open orders" testId="portfolio-orders">
      {rows.length === 0 ? (
        <p className="muted">No open order.</p>
      ) : (
        <table className="table table--compact">
          <thead><tr><th>Security</th><th>Side</th><th className="num">Price / lot</th><th className="num">Lots</th><th /></tr></thead>
          <tbody>
            {rows.map(({ security, order }) => (
              <tr key={`${security.token}-${order.id}`}>
                <td>{security.symbol}</td>
                <td className={order.side === BUY ? 'up' : 'down'}>{order.side === BUY ? 'Buy' : 'Sell'}</td>
                <td className="num">{units(security, cash).price(order.tick)}</td>
                <td className="num">{order.lots.toString()}</td>
                <td className="num"><button type="button" className="button button--small" disabled={isBusy(tx.state)} onClick={() => void tx.send({ address: order.market, abi: OrderBookAbi, functionName: 'cancel_order', args: [order.id] }, `Cancel the ${security.symbol} order`)}>Cancel</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}

function Subscriptions({ data, cash }: { data: Portfolio; cash: CashInfo }) {
  const rows = data.positions.filter(({ subscription }) => subscription && subscription.subscribed > 0n);
  return (
    <Card title="Offering subscriptions" testId="subscriptions">
      {rows.length === 0 ? (
        <p className="muted">No subscription.</p>
      ) : (
        <ul className="doc-list">
          {rows.map(({ security, subscription }) => (
            <li key={security.token}>
              <Link to={`/security/${security.symbol}`} className="symbol">{security.symbol}</Link>{' '}
              {units(security, cash).shares(subscription!.subscribed)} · {offeringStateLabel(security.offering!.state)}
              {subscription!.settled ? <Badge tone="ok">settled</Badge> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Dividends({ data, cash, now }: { data: Portfolio; cash: CashInfo; now: bigint }) {
  const tx = useTx();
  const claim = (security: Security, dividend: DividendView) =>
    dividend.recoveredFrom
      ? tx.send({ address: contracts.dividends!, abi: DividendsAbi, functionName: 'claim_recovered', args: [security.token, dividend.id, dividend.recoveredFrom] }, `Claim the recovered ${security.symbol} dividend`)
      : tx.send({ address: contracts.dividends!, abi: DividendsAbi, functionName: 'claim', args: [security.token, dividend.id] }, `Claim the ${security.symbol} dividend`);
  const rows = data.positions.flatMap(({ security, dividends }) => dividends.filter((dividend) => dividend.entitlement > 0n || dividend.claimed).map((dividend) => ({ security, dividend })));
  return (
    <Card title="Dividends" testId="dividends">
      {rows.length === 0 ? (
        <p className="muted">No dividend due to this wallet.</p>
      ) : (
        <table className="table table--compact">
          <thead><tr><th>Security</th><th className="num">Your share</th><th>Payable</th><th /></tr></thead>
          <tbody>
            {rows.map(({ security, dividend }) => {
              const payable = now >= dividend.paymentDate && now < dividend.expiry;
              return (
                <tr key={`${security.token}-${dividend.id}-${dividend.recoveredFrom ?? 'own'}`} data-testid="dividend-row">
                  <td>
                    {security.symbol} #{dividend.id.toString()}
                    {dividend.recoveredFrom && <span className="muted small" data-testid="recovered-from"> · recovered from {shortenAddress(dividend.recoveredFrom)}</span>}
                  </td>
                  <td className="num">{units(security, cash).cash(dividend.entitlement)}</td>
                  <td>{formatDate(dividend.paymentDate)} – {formatDate(dividend.expiry)}</td>
                  <td className="num">
                    {dividend.claimed ? (
                      <Badge tone="ok">claimed</Badge>
                    ) : payable ? (
                      <button type="button" className="button button--primary button--small" disabled={isBusy(tx.state)} onClick={() => void claim(security, dividend)}>Claim</button>
                    ) : now < dividend.paymentDate ? (
                      <span className="muted small">from {formatDate(dividend.paymentDate, { withTime: true })}</span>
                    ) : (
                      <span className="muted small">expired</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}

function Votes({ data, now }: { data: Portfolio; now: bigint }) {
  const tx = useTx();
  const rows = data.positions.flatMap(({ security, votes }) => votes.filter((vote) => now < vote.closesAt).map((vote) => ({ security, vote })));
  return (
    <Card title="Votes" testId="votes">
      {rows.length === 0 ? (
        <p className="muted">No vote open.</p>
      ) : (
        <ul className="doc-list">
          {rows.map(({ security, vote }) => {
            const started = now >= vote.recordTimestamp;
            return (
              <li key={`${security.token}-${vote.id}`}>
                <strong>{security.symbol}: {vote.question}</strong>
                <div className="muted small">
                  {started ? `Closes ${formatDate(vote.closesAt, { withTime: true })}; your weight ${formatShares(vote.weight, security.decimals)}` : `Opens at the record date, ${formatDate(vote.recordTimestamp, { withTime: true })}`}
                </div>
                {started && vote.weight > 0n && (
                  <div className="actions">
                    {vote.choices.map((choice, index) => {
                      const chosen = vote.ballot?.voted && vote.ballot.choice === BigInt(index);
                      return (
                        <button key={choice} type="button" className={`button button--small${chosen ? ' button--primary' : ''}`} disabled={isBusy(tx.state) || chosen} onClick={() => void tx.send({ address: contracts.votes!, abi: ShareholderVotesAbi, functionName: 'vote', args: [security.token, vote.id, BigInt(index)] }, `Vote “${choice}”`)}>
                          {choice}
                        </button>
                      );
                    })}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}

function PortfolioView() {
  const wallet = useWallet();
  const securities = useSecurities();
  const cash = useCash();
  const now = useChainNow();
  const list = securities.data ?? [];
  const address = wallet.address!;
  const portfolio = useLive(['portfolio', address, list.map((security) => security.token).join()], (client) => loadPortfolio(client, address, list, now ?? 0n), Boolean(securities.data && now !== undefined && cash.data));
  if (!cash.data || !portfolio.data) {
    return (
      <Card title="Holdings">
        <WalletFacts wallet={address} />
        <p className="muted">
          {!contracts.factory ? 'The platform is not deployed on this chain.' : portfolio.error ? `Your portfolio could not be read: ${portfolio.error.message}` : 'Loading your portfolio…'}
        </p>
      </Card>
    );
  }
  return (
    <>
      <Holdings data={portfolio.data} cash={cash.data} wallet={address} now={now!} />
      <CreditedCash data={portfolio.data} cash={cash.data} />
      <UpcomingActions
        rows={portfolio.data.positions.filter(({ holding }) => holding.balance > 0n).flatMap(({ security, dividends, votes }) => securityActions(security, dividends, votes, now!))}
        cash={cash.data}
        showSecurity
      />
      <div className="grid-2">
        <Dividends data={portfolio.data} cash={cash.data} now={now!} />
        <Votes data={portfolio.data} now={now!} />
      </div>
      <div className="grid-2">
        <Orders data={portfolio.data} cash={cash.data} />
        <Subscriptions data={portfolio.data} cash={cash.data} />
      </div>
      <OrderHistory wallet={address} securities={list} cash={cash.data} />
      <Statement wallet={address} securities={list} cash={cash.data} now={now!} />
    </>
  );
}

export function Portfolio() {
  return (
    <section className="page">
      <header className="page__header">
        <h1>Portfolio</h1>
        <p className="muted">Your shares, cash, orders, subscriptions, dividends, votes and statements.</p>
      </header>
      <RequireWallet purpose="to see your portfolio">
        <PortfolioView />
      </RequireWallet>
    </section>
  );
}
