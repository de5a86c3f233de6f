import { createRandom, hashInts } from '../random.js';

export interface LatencyOptions {
  /** Median response time, emulated ms. */
  medianMs: number;
  /** 99th percentile, emulated ms (a lognormal's slow tail). */
  p99Ms: number;
}

/** Notion-like: most responses 0.2–0.8 s, a slow tail of seconds. */
export const NOTION_LATENCY: LatencyOptions = { medianMs: 350, p99Ms: 2_000 };

const Z99 = 2.3263;
const CAP_MS = 30_000;

/** Seeded lognormal latency sampler (emulated ms). */
export function createLatencySampler(
  options: LatencyOptions | false | undefined,
  seed: number,
): () => number {
  if (!options) return () => 0;
  const { medianMs, p99Ms } = options;
  if (!(medianMs >= 0) || !(p99Ms >= medianMs)) throw new RangeError('latency needs 0 <= medianMs <= p99Ms');
  if (medianMs === 0) return () => 0;
  const sigma = Math.log(p99Ms / medianMs) / Z99;
  const rng = createRandom(hashInts(seed, 0x1a7e));
  return () => Math.min(CAP_MS, medianMs * Math.exp(sigma * rng.normal()));
}

/** Parses `350/2000` or `350,2000` (median/p99 ms), `off` or `none`. */
export function parseLatency(text: string): LatencyOptions | false {
  if (text === 'off' || text === 'none' || text === '0') return false;
  const m = /^(\d+(?:\.\d+)?)[/,](\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) throw new Error(`latency must look like MEDIAN/P99 in ms (e.g. 350/2000) or "off", got "${text}"`);
  return { medianMs: Number(m[1]), p99Ms: Number(m[2]) };
}
