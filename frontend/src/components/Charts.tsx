import { AreaSeries, LineType, createChart, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { Level, TradePoint } from '../lib/market';
import { priceSeries } from '../lib/market';

const WIDTH = 600;
const HEIGHT = 200;

/** Last-traded price over time, drawn by lightweight-charts (pan, zoom, crosshair); prices are
 *  plotted in ticks and labelled through `format`, so no precision is lost to floating point. */
export function PriceChart({ trades, format }: { trades: readonly TradePoint[]; format: (tick: bigint) => string }) {
  const container = useRef<HTMLDivElement>(null);
  const series = priceSeries(trades);
  useEffect(() => {
    if (!container.current || series.length === 0) return;
    const chart = createChart(container.current, {
      height: HEIGHT,
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: '#5b6475', attributionLogo: false },
      grid: { vertLines: { visible: false }, horzLines: { color: 'rgba(120, 130, 150, 0.15)' } },
      timeScale: { timeVisible: true, borderVisible: false },
      rightPriceScale: { borderVisible: false },
      localization: { priceFormatter: (tick: number) => format(BigInt(Math.round(tick))) },
    });
    const area = chart.addSeries(AreaSeries, {
      lineColor: '#2f6fed',
      topColor: 'rgba(47, 111, 237, 0.25)',
      bottomColor: 'rgba(47, 111, 237, 0.02)',
      lineWidth: 2,
      lineType: LineType.WithSteps,
    });
    area.setData(series.map((point) => ({ time: point.time as UTCTimestamp, value: Number(point.tick) })));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [JSON.stringify(series, (_, value) => (typeof value === 'bigint' ? value.toString() : value)), format]);
  if (series.length === 0) return <p className="chart chart--empty muted">No trade yet: the chart starts with the first trade.</p>;
  return (
    <figure className="chart" data-testid="price-chart" aria-label={`Price over ${trades.length} trades`}>
      <div ref={container} className="chart__canvas" style={{ height: HEIGHT }} />
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
