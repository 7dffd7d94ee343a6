import { OrderBookAbi } from '@generated/abis';
import { useState } from 'react';
import { useWatchContractEvent } from 'wagmi';
import { Link, useParams } from 'react-router';
import { DepthChart, PriceChart } from '../components/Charts';
import { SecurityCorporateActions } from '../components/CorporateActions';
import { OfferingPanel } from '../components/OfferingPanel';
import { OrderTicket } from '../components/OrderTicket';
import { RequireWallet } from '../components/RequireWallet';
import { TxStatus } from '../components/TxStatus';
import { Badge, Card, Stat, units } from '../components/ui';
import { tradeOf } from '../data/indexed';
import { loadBook, loadDocuments, loadOpenOrders, type Book, type CashInfo, type Security as SecurityData } from '../data/platform';
import { useApi } from '../hooks/useApi';
import { useCash, useChainNow, useLive, useSecurity } from '../hooks/useLive';
import { useTx } from '../hooks/useTx';
import type { ApiMarketSummary, ApiTrade } from '../lib/api';
import { formatDate, formatUnitsExact, shortenAddress, shortenHash } from '../lib/format';
import { BUY, buildLadder, changeBps, formatChange, listingStatus, spreadTicks } from '../lib/market';
import { summaryOf, tradeStatsOf } from '../lib/marketFigures';
import { isBusy } from '../lib/txState';
import { useWallet } from '../wallet/useWallet';

// The tape shows the latest trades, newest first; the whole history is the API's /trades (and its CSV).
const TAPE_LENGTH = 25;

function Ladder({ book, security, cash, onPick }: { book: Book; security: SecurityData; cash: CashInfo; onPick: (tick: bigint) => void }) {
  const unit = units(security, cash);
  const ladder = buildLadder(book.bids, book.asks);
  const spread = spreadTicks(security.bestBid, security.bestAsk);
  const row = (side: 'bid' | 'ask') => (level: (typeof ladder.bids)[number]) => (
    <tr key={`${side}-${level.tick}`} className={`ladder__row ladder__row--${side}`} onClick={() => onPick(level.tick)} title="Use this price">
      <td className="num">{unit.price(level.tick)}</td>
      <td className="num">{level.lots.toString()}</td>
      <td className="num muted">{level.cumulative.toString()}</td>
      <td className="ladder__bar" style={{ ['--share' as string]: `${level.share}%` }} aria-hidden="true" />
    </tr>
  );
  return (
    <div className="ladder" data-testid="ladder">
      <table className="table table--compact">
        <thead>
          <tr>
            <th className="num">Price / lot</th>
            <th className="num">Lots</th>
            <th className="num">Total</th>
            <th aria-hidden="true" />
          </tr>
        </thead>
        <tbody data-testid="asks">{[...ladder.asks].reverse().map(row('ask'))}</tbody>
        <tbody>
          <tr className="ladder__spread">
            <td colSpan={4}>{spread === null ? (book.asks.length + book.bids.length === 0 ? 'No orders yet' : 'One side is empty') : `Spread ${unit.price(spread)}`}</td>
          </tr>
        </tbody>
        <tbody data-testid="bids">{ladder.bids.map(row('bid'))}</tbody>
      </table>
    </div>
  );
}

function OpenOrders({ security, cash, wallet }: { security: SecurityData; cash: CashInfo; wallet: `0x${string}` }) {
  const unit = units(security, cash);
  const orders = useLive(['open-orders', security.market, wallet], (client) => loadOpenOrders(client, security.market!, wallet));
  const tx = useTx();
  const cancel = (id: bigint) => tx.send({ address: security.market!, abi: OrderBookAbi, functionName: 'cancel_order', args: [id] }, 'Cancel the order');
  const list = orders.data ?? [];
  return (
    <Card title="Your open orders" testId="open-orders">
      {list.length === 0 ? (
        <p className="muted">No open order on {security.symbol}.</p>
      ) : (
        <table className="table table--compact">
          <thead>
            <tr><th>Side</th><th className="num">Price / lot</th><th className="num">Lots left</th><th className="hide-phone">Expires</th><th /></tr>
          </thead>
          <tbody>
            {list.map((order) => (
              <tr key={order.id.toString()} data-testid="open-order">
                <td className={order.side === BUY ? 'up' : 'down'}>{order.side === BUY ? 'Buy' : 'Sell'}</td>
                <td className="num">{unit.price(order.tick)}</td>
                <td className="num">{order.lots.toString()}</td>
                <td className="hide-phone">{order.expiry === 0n ? 'never' : formatDate(order.expiry, { withTime: true })}</td>
                <td className="num">
                  <button type="button" className="button button--small" disabled={isBusy(tx.state)} onClick={() => void cancel(order.id)}>Cancel</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TxStatus state={tx.state} onDismiss={tx.reset} />
    </Card>
  );
}

function Documents({ security }: { security: SecurityData }) {
  const documents = useLive(['documents', security.token], (client) => loadDocuments(client, security.token));
  const list = documents.data ?? [];
  return (
    <Card title="Documents" testId="documents">
      {list.length === 0 ? (
        <p className="muted">No document published.</p>
      ) : (
        <ul className="doc-list">
          {list.map((document) => (
            <li key={document.name}>
              <a href={document.uri} target="_blank" rel="noreferrer noopener">{document.name}</a>
              <span className="muted small"> · {formatDate(document.updatedAt)}</span>
              <div className="small">
                keccak-256 <code title={document.hash} className="hash">{shortenHash(document.hash, 10)}</code>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** Announces trades as the order book emits them (the page's figures follow on the same block). */
function useTradeFeed(security: SecurityData, cash: CashInfo): string | null {
  const [latest, setLatest] = useState<string | null>(null);
  const unit = units(security, cash);
  useWatchContractEvent({
    address: security.market ?? undefined,
    abi: OrderBookAbi,
    eventName: 'Trade',
    enabled: Boolean(security.market),
    onLogs: (logs) => {
      const last = logs[logs.length - 1]?.args;
      if (last?.lots !== undefined && last.tick !== undefined) {
        setLatest(`${last.lots} lots traded at ${unit.price(last.tick)}`);
      }
    },
  });
  return latest;
}

function SecurityView({ security, cash }: { security: SecurityData; cash: CashInfo }) {
  const wallet = useWallet();
  const feed = useTradeFeed(security, cash);
  const now = useChainNow();
  const unit = units(security, cash);
  const market = security.market;
  const book = useLive(['book', market], (client) => loadBook(client, market!), Boolean(market));
  const path = `/securities/${encodeURIComponent(security.symbol)}`;
  const figures = useApi<ApiMarketSummary[]>(market && now !== undefined ? '/markets' : undefined, { at: now });
  const tape = useApi<ApiTrade[]>(market ? `${path}/trades/latest` : undefined, { limit: TAPE_LENGTH });
  const [price, setPrice] = useState('');
  const list = (tape.value ?? []).map((trade) => tradeOf(trade, market!));
  // Figures of an index behind the chain's latest block are shown as being updated, not as final.
  const figuresSettled = figures.value !== undefined && !figures.behind && !figures.isPlaceholderData;
  const tapeSettled = tape.value !== undefined && !tape.behind && !tape.isPlaceholderData;
  const stats = tradeStatsOf(summaryOf(figures.value, security.symbol));
  const change = changeBps(stats.last, stats.reference);
  const status = listingStatus(security.status);
  const pick = (tick: bigint) => setPrice(formatUnitsExact(tick * security.tickSize, cash.decimals, { grouping: false }));
  const connected = wallet.status === 'connected' && wallet.onKeiretsu && wallet.address;

  return (
    <>
      <header className="page__header security-head">
        <p className="muted small">
          <Link to="/markets">Markets</Link> / {security.symbol}
        </p>
        <div className="security-head__title">
          <h1>{security.symbol}</h1>
          <span className="muted">{security.name}</span>
          <Badge tone={status.tone} testId="listing-status">{status.label}</Badge>
          {security.paused && <Badge tone="error">Transfers paused</Badge>}
          {feed && <span className="live small" role="status" data-testid="trade-feed">Latest trade: {feed}</span>}
        </div>
        <p className="muted small">
          ISIN <code>{security.isin}</code> · token <code title={security.token}>{shortenAddress(security.token)}</code> · issuer <code title={security.issuer}>{shortenAddress(security.issuer)}</code>
        </p>
      </header>
      {(figures.error ?? tape.error) && <p className="notice notice--error">{(figures.error ?? tape.error)!.message}</p>}
      <div className="stats" aria-busy={!figuresSettled} data-testid="market-figures">
        <Stat label="Last price / lot" value={stats.last === null ? '–' : unit.price(stats.last)} testId="stat-last" />
        <Stat label="24 h change" value={formatChange(change)} tone={change === null || change === 0n ? undefined : change > 0n ? 'up' : 'down'} />
        <Stat label="24 h volume" value={`${stats.volumeLots} lots`} sub={unit.cash(stats.volumeCash)} />
        <Stat label="Holders" value={security.holders.toString()} testId="stat-holders" />
        <Stat label="Shares issued" value={unit.shares(security.totalSupply)} />
        <Stat label="Lot · tick" value={`${unit.shares(security.lotSize)}`} sub={`price step ${unit.price(1n)}`} />
      </div>
      <div className="security-grid">
        <div className="security-grid__main">
          {market && (
            <Card title="Price">
              <PriceChart symbol={security.symbol} format={unit.price} />
            </Card>
          )}
          {security.offering && <OfferingPanel security={security} cash={cash} wallet={connected ? wallet.address : undefined} />}
          {market && book.data && (
            <div className="grid-2">
              <Card title="Order book">
                <Ladder book={book.data} security={security} cash={cash} onPick={pick} />
              </Card>
              <Card title="Depth">
                <DepthChart bids={book.data.bids} asks={book.data.asks} format={unit.price} />
              </Card>
            </div>
          )}
          {market && (
            <Card title="Trades" testId="trade-tape">
              {tape.value === undefined ? (
                <p className="muted">{tape.error ? 'The trades cannot be shown.' : 'Loading the trades…'}</p>
              ) : list.length === 0 ? (
                <p className="muted">No trade yet.</p>
              ) : (
                <table className="table table--compact" aria-busy={!tapeSettled}>
                  <thead>
                    <tr><th>Time (UTC)</th><th>Side</th><th className="num">Price / lot</th><th className="num">Lots</th><th className="num hide-phone">Cash</th></tr>
                  </thead>
                  <tbody>
                    {list.map((trade) => (
                      <tr key={`${trade.transactionHash}-${trade.logIndex}`} data-testid="tape-row" data-trade={`${trade.blockNumber}-${trade.logIndex}`}>
                        <td>{formatDate(trade.timestamp, { withTime: true }).replace(/ UTC$/, '')}</td>
                        <td className={trade.takerSide === BUY ? 'up' : 'down'}>{trade.takerSide === BUY ? 'Buy' : 'Sell'}</td>
                        <td className="num">{unit.price(trade.tick)}</td>
                        <td className="num">{trade.lots.toString()}</td>
                        <td className="num hide-phone">{unit.cash(trade.cash)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Card>
          )}
          <SecurityCorporateActions security={security} cash={cash} />
          <Documents security={security} />
        </div>
        <aside className="security-grid__side">
          {market && book.data && (
            <Card title="Place an order">
              <RequireWallet purpose="to trade">
                {wallet.address && <OrderTicket security={security} cash={cash} book={book.data} wallet={wallet.address} price={price} onPrice={setPrice} />}
              </RequireWallet>
            </Card>
          )}
          {market && connected && <OpenOrders security={security} cash={cash} wallet={wallet.address!} />}
        </aside>
      </div>
    </>
  );
}

export function Security() {
  const { symbol = '' } = useParams();
  const { security, loading, error } = useSecurity(symbol);
  const cash = useCash();
  return (
    <section className="page">
      {security && cash.data ? (
        <SecurityView security={security} cash={cash.data} />
      ) : (
        <>
          <header className="page__header">
            <p className="muted small"><Link to="/markets">Markets</Link> / {symbol}</p>
            <h1>{symbol.toUpperCase()}</h1>
          </header>
          <div className="card card--empty">
            {loading || cash.isLoading ? 'Loading…' : error ? `The security could not be read: ${error.message}` : `No security ${symbol.toUpperCase()} is listed.`}
          </div>
        </>
      )}
    </section>
  );
}
