import { describe, expect, it } from 'vitest';
import { bucketRates, niceTicks, rateChartSvg } from './svg-chart.js';

describe('bucketRates', () => {
  it('counts requests per bucket as a rate', () => {
    expect(bucketRates([0, 1, 9.9, 10, 25, 29.99], 10, 30)).toEqual([0.3, 0.1, 0.2]);
    // Times past the end land in the last bucket; negative times are ignored.
    expect(bucketRates([-1, 45], 10, 30)).toEqual([0, 0, 0.1]);
  });
});

describe('niceTicks', () => {
  it('gives round steps covering the maximum', () => {
    expect(niceTicks(3, 5)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(10.5, 5)).toEqual([0, 2.5, 5, 7.5, 10, 12.5]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('rateChartSvg', () => {
  it('draws a series per contender, the budget line and the 429 marks', () => {
    const svg = rateChartSvg({
      title: 'backfill <small> @ 180 rpm',
      budgetPerSecond: 3,
      series: [
        { name: 'connector', color: '#1f77b4', requestTimes: [0, 0.5, 1, 61, 62], rateLimitedTimes: [62] },
        { name: 'baseline', color: '#ff7f0e', requestTimes: [0, 30, 90], rateLimitedTimes: [] },
      ],
      bucketSeconds: 10,
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('backfill &lt;small&gt; @ 180 rpm');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('budget 3/s');
    expect(svg).toContain('connector (5 req, 1×429)');
    expect(svg).toContain('baseline (3 req, 0×429)');
    // One red 429 mark besides the budget line.
    expect(svg.match(/stroke="#d62728" stroke-width="1"\/>/g)).toHaveLength(1);
  });

  it('omits the budget line without a limit', () => {
    const svg = rateChartSvg({ title: 't', budgetPerSecond: null, series: [] });
    expect(svg).not.toContain('budget');
  });
  it('charts a large workspace’s 200,000 request times (no spread of them onto the stack)', () => {
    const requestTimes = Array.from({ length: 200_000 }, (_, i) => i / 4);
    const svg = rateChartSvg({
      title: 'large',
      budgetPerSecond: 3,
      series: [{ name: 'connector', color: '#1f77b4', requestTimes, rateLimitedTimes: [] }],
    });
    expect(svg.match(/<polyline /g)).toHaveLength(1);
  });
});
