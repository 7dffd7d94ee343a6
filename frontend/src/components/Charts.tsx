import { CandlestickSeries, HistogramSeries, createChart, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../hooks/useApi';
import type { ApiCandle } from '../lib/api';
import { candleOf, CANDLE_INTERVALS } from '../lib/candles';
import type { Level } from '../lib/market';

const WIDTH = 600;
const HEIGHT = 200;
const PRICE_HEIGHT = 220;
// The canvas cannot read CSS variables: the light palette's buy and sell colours (styles.css --buy, --sell).
const BUY_COLOUR = '#0f7b4a';
const SELL_COLOUR = '#c0362c';
const BUY_VOLUME = 'rgba(15, 123, 74, 0.35)';
const SELL_VOLUME = 'rgba(192, 54, 44, 0.35)';

/** Candles (open, high, low, close per interval) of a security, from the index, with the lots traded below,
 *  drawn by lightweight-charts (pan, zoom, crosshair). Prices are plotted in whole ticks and labelled through
 *  `format`, so the axis steps by at least one tick and no precision is lost to floating point. */
export function PriceChart({ symbol, format }: { symbol: string; format: (tick: bigint) => string }) {
  const container = useRef<HTMLDivElement>(null);
  const [interval, setChosen] = useState<(typeof CANDLE_INTERVALS)[number]>(CANDLE_INTERVALS[1]);
  const answer = useApi<ApiCandle[]>(`/securities/${encodeURIComponent(symbol)}/candles`, { interval: interval.seconds });
  const candles = (answer.value ?? []).map(candleOf);
  const key = JSON.stringify(candles, (_, value) => (typeof value === 'bigint' ? value.toString() : value));
  useEffect(() => {
    if (!container.current || candles.length === 0) return;
    const chart = createChart(container.current, {
      height: PRICE_HEIGHT,
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: '#5b6475', attributionLogo: false },
      grid: { vertLines: { visible: false }, horzLines: { color: 'rgba(120, 130, 150, 0.15)' } },
      timeScale: { timeVisible: interval.seconds < 86_400, borderVisible: false },
      rightPriceScale: { borderVisible: false, scaleMargins: { top: 0.1, bottom: 0.3 } },
    });
    const price = chart.addSeries(CandlestickSeries, {
      upColor: BUY_COLOUR,
      downColor: SELL_COLOUR,
      wickUpColor: BUY_COLOUR,
      wickDownColor: SELL_COLOUR,
      borderVisible: false,
      // The last price is in the figures above; its tag on the axis would hide an axis label.
      lastValueVisible: false,
      priceLineVisible: false,
      priceFormat: { type: 'custom', minMove: 1, formatter: (tick: number) => format(BigInt(Math.round(tick))) },
    });
    price.setData(candles.map((candle) => ({ time: candle.time as UTCTimestamp, open: Number(candle.open), high: Number(candle.high), low: Number(candle.low), close: Number(candle.close) })));
    // Lots traded per interval, in the lower part of the chart on a scale of their own.
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: 'lots', lastValueVisible: false, priceLineVisible: false, priceFormat: { type: 'volume' } });
    chart.priceScale('lots').applyOptions({ scaleMargins: { top: 0.75, bottom: 0 } });
    volume.setData(candles.map((candle) => ({ time: candle.time as UTCTimestamp, value: Number(candle.lots), color: candle.close >= candle.open ? BUY_VOLUME : SELL_VOLUME })));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [key, format, interval.seconds]);
  const count = candles.reduce((sum, candle) => sum + candle.trades, 0);
  return (
    <figure className="chart" data-testid="price-chart" aria-label={`Price candles of ${interval.label} over ${count} trades`} aria-busy={answer.behind || answer.isPlaceholderData}>
      <div className="chart__toolbar" role="radiogroup" aria-label="Candle interval">
        {CANDLE_INTERVALS.map((option) => (
          <button key={option.key} type="button" role="radio" aria-checked={option === interval} title={option.label} className={`chart__interval${option === interval ? ' is-active' : ''}`} onClick={() => setChosen(option)}>
            {option.key}
          </button>
        ))}
      </div>
      {answer.error ? (
        <p className="notice notice--error">{answer.error.message}</p>
      ) : answer.value === undefined ? (
        <p className="chart--empty muted">Loading the candles…</p>
      ) : candles.length === 0 ? (
        <p className="chart--empty muted">No trade yet: the chart starts with the first trade.</p>
      ) : (
        <div ref={container} className="chart__canvas" style={{ height: PRICE_HEIGHT }} data-testid="candles" data-candles={candles.length} data-trades={count} />
      )}
    </figure>
  );
}

/** Cumulative lots on each side by price: bids to the left of the spread, asks to the right. */
export function DepthChart({ bids, asks, format }: { bids: readonly Level[]; asks: readonly Level[]; format: (tick: bigint) => string }) {
  if (bids.length === 0 && asks.length === 0) return <p className="chart chart--empty muted">The book is empty.</p>;
  const ticks = [...bids, ...asks].map((level) => level.tick);
  let low = ticks[0]!;
  let high = low;
  for (const tick of ticks) {
    if (tick < low) low = tick;
    if (tick > high) high = tick;
  }
  const total = (levels: readonly Level[]) => levels.reduce((sum, level) => sum + level.lots, 0n);
  const deepest = Number(total(bids) > total(asks) ? total(bids) : total(asks)) || 1;
  const span = Number(high - low) || 1;
  const x = (tick: bigint) => (high === low ? WIDTH / 2 : 10 + ((WIDTH - 20) * Number(tick - low)) / span);
  const y = (lots: bigint) => HEIGHT - 6 - ((HEIGHT - 20) * Number(lots)) / deepest;
  const side = (levels: readonly Level[], direction: 1 | -1) => {
    let cumulative = 0n;
    let path = '';
    for (const level of levels) {
      const previous = cumulative;
      cumulative += level.lots;
      path += path === '' ? `M${x(level.tick)},${HEIGHT}V${y(cumulative)}` : `V${y(previous)}H${x(level.tick)}V${y(cumulative)}`;
    }
    if (path === '') return '';
    const edge = direction === 1 ? WIDTH : 0;
    return `${path}H${edge}V${HEIGHT}Z`;
  };
  return (
    <figure className="chart" data-testid="depth-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Order book depth" preserveAspectRatio="none">
        <path d={side(bids, -1)} className="chart__bids" />
        <path d={side(asks, 1)} className="chart__asks" />
      </svg>
      <figcaption className="chart__axis small muted">
        <span>{format(low)}</span>
        <span>depth</span>
        <span>{format(high)}</span>
      </figcaption>
    </figure>
  );
}
