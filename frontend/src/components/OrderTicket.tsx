import { OrderBookAbi } from '@generated/abis';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Address } from 'viem';
import { useBlockNumber, usePublicClient } from 'wagmi';
import { loadCashPosition, loadHolding, loadRestriction, type Book, type CashInfo, type Security } from '../data/platform';
import { useKycStatus } from '../hooks/useKycStatus';
import { useChainNow, useLive } from '../hooks/useLive';
import { useTx } from '../hooks/useTx';
import { BUY, ORDER_TYPE_MARKET, ORDER_TYPES, SELL, buyEscrow, feeOf, walkBook, type Side } from '../lib/market';
import { parseLots, parsePriceToTicks } from '../lib/parse';
import { decodeOrderReport, describeOrderReport, type OrderReport } from '../lib/orderReport';
import { checkOrder } from '../lib/preTrade';
import { isBusy } from '../lib/txState';
import { parseDateTime } from '../lib/validation';
import { TxStatus } from './TxStatus';
import { Field, TextField, units } from './ui';

const MAX_TICK = 65_535n;
const MAX_LOTS = (1n << 36n) - 1n;
const MAX_FILLS = 32n;

/** The order form: every order type, with the pre-trade check in words before the wallet is asked. */
export function OrderTicket({ security, cash, book, wallet, price, onPrice }: {
  security: Security;
  cash: CashInfo;
  book: Book;
  wallet: Address;
  price: string;
  onPrice: (price: string) => void;
}) {
  const client = usePublicClient();
  const block = useBlockNumber({ watch: true });
  const now = useChainNow() ?? 0n;
  const kyc = useKycStatus(wallet);
  const tx = useTx();
  const [side, setSide] = useState<Side>(BUY);
  const [orderType, setOrderType] = useState(0);
  const [lotsText, setLotsText] = useState('');
  const [expiryText, setExpiryText] = useState('');
  const [touched, setTouched] = useState(false);
  // What the latest order did; one at a time, gone with its confirmation.
  const [report, setReport] = useState<OrderReport | null>(null);
  const unit = units(security, cash);
  const market = security.market!;
  const buying = side === BUY;
  const opposite = buying ? book.asks : book.bids;
  const isMarket = orderType === ORDER_TYPE_MARKET;

  const lots = parseLots(lotsText, { lotSize: security.lotSize, shareDecimals: security.decimals, maxLots: MAX_LOTS });
  const walk = lots.ok ? walkBook(opposite, lots.value.lots, security.tickSize) : null;
  const defaultWorst = walk?.worst ?? (buying ? MAX_TICK : 1n);
  const tick = isMarket && price.trim() === '' ? ({ ok: true, value: defaultWorst } as const) : parsePriceToTicks(price, { tickSize: security.tickSize, cashDecimals: cash.decimals, maxTicks: MAX_TICK });
  const rests = orderType === 0 || orderType === 3;
  const expiry = !rests || expiryText.trim() === '' ? ({ ok: true, value: 0n } as const) : parseDateTime(expiryText);
  const expiryError = expiry.ok ? (expiry.value !== 0n && expiry.value <= now ? 'The expiry must be in the future.' : undefined) : expiry.error;

  const shares = lots.ok ? lots.value.amount : 0n;
  const holding = useLive(['holding', security.token, wallet], (c) => loadHolding(c, security.token, wallet));
  const position = useLive(['cash', wallet, market], (c) => loadCashPosition(c, wallet, market));
  // Keyed by what is asked, and asked again on every block: the answer on screen never blinks away.
  const restriction = useQuery({
    queryKey: ['restriction', security.token, wallet, side, shares.toString()],
    queryFn: () => loadRestriction(client!, security.token, wallet, buying ? 'receive' : 'send', shares),
    enabled: Boolean(client) && lots.ok,
  });
  const { refetch } = restriction;
  const asking = Boolean(client) && lots.ok;
  useEffect(() => {
    if (asking) void refetch();
  }, [block.data, asking, refetch]);

  const fee = book.makerFeeBps > book.takerFeeBps ? book.makerFeeBps : book.takerFeeBps;
  const cashNeeded = !lots.ok || !tick.ok ? 0n : isMarket ? walk!.cash + feeOf(walk!.cash, fee) : buyEscrow(lots.value.lots, tick.value, security.tickSize, fee);
  const ready = lots.ok && tick.ok && !expiryError && restriction.data && holding.data && position.data && kyc.status !== 'loading';
  const check = ready
    ? checkOrder({
        symbol: security.symbol,
        marketStatus: book.status,
        kyc: kyc.status,
        side,
        orderType,
        tick: tick.value,
        lots: lots.value.lots,
        shares,
        share: unit.share,
        cash: unit.money,
        restriction: restriction.data!,
        freeShares: holding.data!.free,
        cashBalance: position.data!.balance,
        cashAllowance: position.data!.allowance,
        cashNeeded,
        opposite,
      })
    : null;

  const submit = async () => {
    setTouched(true);
    if (!check || check.refusals.length > 0 || !lots.ok || !tick.ok || !expiry.ok) return;
    const label = `${buying ? 'Buy' : 'Sell'} ${lots.value.lots} lots of ${security.symbol}`;
    setReport(null);
    if (buying && !(await tx.ensureAllowance(cash.address, market, cashNeeded, `Approve ${unit.cash(cashNeeded)} for the order book`))) return;
    const receipt = await tx.send(
      { address: market, abi: OrderBookAbi, functionName: 'place_order', args: [side, tick.value, lots.value.lots, orderType, expiry.value, MAX_FILLS] },
      label,
    );
    if (receipt) {
      setReport(decodeOrderReport(receipt.logs, market, wallet, { side, lots: lots.value.lots }));
      setLotsText('');
      setTouched(false);
    }
  };

  const busy = isBusy(tx.state);
  const type = ORDER_TYPES[orderType]!;
  return (
    <form
      className="ticket"
      data-testid="order-ticket"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="segmented" role="radiogroup" aria-label="Side">
        {[BUY, SELL].map((value) => (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={side === value}
            className={`segmented__option segmented__option--${value === BUY ? 'buy' : 'sell'}${side === value ? ' is-active' : ''}`}
            onClick={() => setSide(value as Side)}
          >
            {value === BUY ? 'Buy' : 'Sell'}
          </button>
        ))}
      </div>
      <Field label="Order type" hint={type.help}>
        {(id, describedBy) => (
          <select id={id} className="input" value={orderType} aria-describedby={describedBy} onChange={(event) => setOrderType(Number(event.target.value))}>
            {ORDER_TYPES.map((option) => (
              <option key={option.value} value={option.value}>{option.label}</option>
            ))}
          </select>
        )}
      </Field>
      <div className="form-row">
        <TextField
          label={isMarket ? `Worst price per lot (${cash.symbol})` : `Limit price per lot (${cash.symbol})`}
          value={price}
          onChange={onPrice}
          inputMode="decimal"
          placeholder={isMarket ? 'any' : '0.00'}
          error={touched || price ? (tick.ok ? undefined : tick.error) : undefined}
          name="price"
        />
        <TextField
          label="Lots"
          value={lotsText}
          onChange={setLotsText}
          inputMode="numeric"
          placeholder="0"
          hint={lots.ok ? `${unit.shares(lots.value.amount)}` : `1 lot = ${unit.shares(security.lotSize)}`}
          error={touched || lotsText ? (lots.ok ? undefined : lots.error) : undefined}
          name="lots"
        />
      </div>
      {rests && (
        <TextField label="Expires (UTC, optional)" type="datetime-local" value={expiryText} onChange={setExpiryText} error={expiryError} name="expiry" />
      )}
      <dl className="facts small">
        <div className="facts__row">
          <dt>{buying ? 'Cash needed' : 'Free to sell'}</dt>
          <dd>{buying ? unit.cash(cashNeeded) : holding.data ? unit.shares(holding.data.free) : '…'}</dd>
        </div>
        <div className="facts__row">
          <dt>{buying ? 'Cash in wallet' : 'Held on orders'}</dt>
          <dd>{buying ? (position.data ? unit.cash(position.data.balance) : '…') : holding.data ? unit.shares(holding.data.held) : '…'}</dd>
        </div>
      </dl>
      <div className={`pretrade${check && check.refusals.length ? ' pretrade--refused' : ''}`} data-testid="pretrade" aria-live="polite">
        {!lots.ok || !tick.ok ? (
          <p className="muted">Enter a price and a number of lots: the order is checked against the token's rules before you sign.</p>
        ) : !check ? (
          <p className="muted">Checking with the token…</p>
        ) : check.refusals.length > 0 ? (
          <>
            <p className="pretrade__title">This order would be refused:</p>
            <ul>{check.refusals.map((refusal) => <li key={refusal}>{refusal}</li>)}</ul>
          </>
        ) : (
          <>
            <p className="pretrade__title pretrade__title--ok">The token allows this order.</p>
            <p>{check.outcome}</p>
            {check.approve > 0n && <p className="muted">Your wallet will first ask to let the order book use {unit.cash(check.approve)}.</p>}
          </>
        )}
      </div>
      <button type="submit" className={`button button--${buying ? 'buy' : 'sell'} button--block`} disabled={busy || !check || check.refusals.length > 0}>
        {buying ? 'Buy' : 'Sell'} {security.symbol}
      </button>
      <TxStatus
        state={tx.state}
        onDismiss={() => {
          tx.reset();
          setReport(null);
        }}
      >
        {tx.state.status === 'confirmed' && report && (
          <ul className="tx__detail" data-testid="order-report">
            {describeOrderReport(report, { money: unit.cash, price: unit.price }).map((line) => <li key={line}>{line}</li>)}
          </ul>
        )}
      </TxStatus>
    </form>
  );
}
