/** One contender's requests on a chart: times in emulated seconds since its session began. */
export interface RateSeries {
  name: string;
  color: string;
  requestTimes: readonly number[];
  /** Times of 429 responses, drawn as marks along the top. */
  rateLimitedTimes: readonly number[];
}

export interface RateChartOptions {
  title: string;
  /** Budget in requests per second (rpm ÷ 60); null draws no budget line. */
  budgetPerSecond: number | null;
  series: readonly RateSeries[];
  /** Bucket width in emulated seconds; default: about 120 buckets over the longest series. */
  bucketSeconds?: number;
  width?: number;
  height?: number;
}

/** Requests per second in consecutive buckets of `bucketSeconds` from 0 to `duration`. */
export function bucketRates(times: readonly number[], bucketSeconds: number, duration: number): number[] {
  const buckets = Math.max(1, Math.ceil(duration / bucketSeconds));
  const counts = new Array<number>(buckets).fill(0);
  for (const t of times) {
    if (t < 0) continue;
    const i = Math.min(buckets - 1, Math.floor(t / bucketSeconds));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count) => count / bucketSeconds);
}

/** About `count` round tick values from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function fmt(value: number): string {
  return Number(value.toFixed(1)).toString();
}

/**
 * A hand-written SVG line chart of requests per second over emulated time, one step line per
 * contender, the budget as a dashed line, 429s as red marks along the top.
 */
export function rateChartSvg(options: RateChartOptions): string {
  const width = options.width ?? 900;
  const height = options.height ?? 380;
  const margin = { top: 48, right: 24, bottom: 48, left: 60 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  // A loop, not Math.max(...times): a large workspace's 125,000 request times overflow the stack.
  let duration = 1;
  for (const s of options.series) {
    for (const t of s.requestTimes) if (t > duration) duration = t;
    for (const t of s.rateLimitedTimes) if (t > duration) duration = t;
  }
  const bucketSeconds = options.bucketSeconds ?? Math.max(1, Math.ceil(duration / 120));
  const rates = options.series.map((s) => bucketRates(s.requestTimes, bucketSeconds, duration));
  const peak = Math.max(options.budgetPerSecond ?? 0, ...rates.flat(), 0.1);
  const yTicks = niceTicks(peak * 1.05);
  const yMax = yTicks[yTicks.length - 1]!;
  const xTicks = niceTicks(duration, 8);
  const xMax = Math.max(duration, xTicks[xTicks.length - 1]!);
  const x = (t: number) => margin.left + (t / xMax) * plotW;
  const y = (v: number) => margin.top + plotH - (v / yMax) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="20" font-size="15" font-weight="600">${escapeXml(options.title)}</text>`,
  );
  for (const tick of yTicks) {
    parts.push(
      `<line x1="${margin.left}" y1="${fmt(y(tick))}" x2="${margin.left + plotW}" y2="${fmt(y(tick))}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 6}" y="${fmt(y(tick) + 4)}" text-anchor="end">${tick}</text>`,
    );
  }
  for (const tick of xTicks) {
    if (tick > xMax) continue;
    parts.push(
      `<line x1="${fmt(x(tick))}" y1="${margin.top + plotH}" x2="${fmt(x(tick))}" y2="${margin.top + plotH + 4}" stroke="#555"/>`,
      `<text x="${fmt(x(tick))}" y="${margin.top + plotH + 18}" text-anchor="middle">${tick}</text>`,
    );
  }
  parts.push(
    `<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="#555"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="#555"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">emulated seconds since the session began (buckets of ${bucketSeconds} s)</text>`,
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">requests per second</text>`,
  );
  if (options.budgetPerSecond !== null) {
    const by = fmt(y(options.budgetPerSecond));
    parts.push(
      `<line x1="${margin.left}" y1="${by}" x2="${margin.left + plotW}" y2="${by}" stroke="#d62728" stroke-dasharray="6 4" stroke-width="1.5"/>`,
      `<text x="${margin.left + plotW - 4}" y="${fmt(y(options.budgetPerSecond) - 5)}" text-anchor="end" fill="#d62728">budget ${fmt(options.budgetPerSecond)}/s</text>`,
    );
  }
  options.series.forEach((series, i) => {
    const values = rates[i]!;
    const points: string[] = [];
    values.forEach((rate, b) => {
      const end = Math.min((b + 1) * bucketSeconds, duration);
      points.push(`${fmt(x(b * bucketSeconds))},${fmt(y(rate))}`, `${fmt(x(end))},${fmt(y(rate))}`);
    });
    parts.push(
      `<polyline fill="none" stroke="${series.color}" stroke-width="1.5" points="${points.join(' ')}"/>`,
    );
    const markY = margin.top - 6 - i * 7;
    for (const t of series.rateLimitedTimes) {
      parts.push(
        `<line x1="${fmt(x(t))}" y1="${markY - 4}" x2="${fmt(x(t))}" y2="${markY + 2}" stroke="#d62728" stroke-width="1"/>`,
      );
    }
    const legendX = margin.left + plotW - 260 + i * 130;
    parts.push(
      `<rect x="${legendX}" y="8" width="14" height="4" fill="${series.color}"/>`,
      `<text x="${legendX + 18}" y="14">${escapeXml(series.name)} (${series.requestTimes.length} req, ${series.rateLimitedTimes.length}×429)</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
