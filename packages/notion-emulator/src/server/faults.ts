import { createRandom, hashInts, type Random } from '../random.js';
import type { RouteName } from './router.js';

export const FAULT_KINDS = [
  '429',
  '529',
  '500',
  '502json',
  '502html',
  '503',
  '504',
  'reset',
  'slow',
  'truncated',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultScheduleEntry {
  kind: FaultKind;
  /** 1-based ordinal(s) of API requests that get this fault (counted per route when `route` is set). */
  at: number | number[];
  route?: RouteName;
}

export interface FaultOptions {
  /** Seed of the fault PRNG (default: the emulator's seed). */
  seed?: number;
  /** Probability per API request of each fault. */
  rates?: Partial<Record<FaultKind, number>>;
  /** Rates apply only to these routes (default: all). */
  routes?: RouteName[];
  schedule?: FaultScheduleEntry[];
  /** Retry-After (s) of injected 429/529. Default 2. */
  retryAfterS?: number;
  /** Emulated delay before a 'slow' response is sent. Default 90,000 ms (beyond a 60 s client timeout). */
  slowMs?: number;
  /** A search cursor expires once the listing served this many results. */
  searchCursorTtlResults?: number;
  /** A search cursor expires this many emulated seconds after its listing started. */
  searchCursorTtlSeconds?: number;
  /** Search sees edits only this many emulated seconds after they happen. */
  searchIndexLagS?: number;
  /** Share of pages (per page and edit, seeded) that search never returns. */
  searchOmitRate?: number;
}

export interface InjectOptions {
  route?: RouteName;
  /** How many matching requests get it. Default 1. */
  count?: number;
}

interface Injected {
  kind: FaultKind;
  route: RouteName | undefined;
  remaining: number;
}

/** Decides, per API request, whether and how it fails. Seeded: the same request order gives the same faults. */
export class FaultPlan {
  private rng: Random;
  private readonly seed: number;
  private total = 0;
  private readonly perRoute = new Map<RouteName, number>();
  private readonly injected: Injected[] = [];

  constructor(
    private readonly options: FaultOptions,
    defaultSeed: number,
  ) {
    for (const [kind, rate] of Object.entries(options.rates ?? {})) {
      if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown fault kind: ${kind}`);
      if (typeof rate !== 'number' || rate < 0 || rate > 1)
        throw new RangeError(`fault rate of ${kind} must be in [0, 1]`);
    }
    for (const entry of options.schedule ?? []) {
      if (!(FAULT_KINDS as readonly string[]).includes(entry.kind))
        throw new Error(`unknown fault kind: ${entry.kind}`);
    }
    this.seed = options.seed ?? defaultSeed;
    this.rng = createRandom(hashInts(this.seed, 0xfa17));
  }

  get retryAfterS(): number {
    return this.options.retryAfterS ?? 2;
  }
  get slowMs(): number {
    return this.options.slowMs ?? 90_000;
  }

  /** Queues a fault for the next matching request(s). */
  inject(kind: FaultKind, options: InjectOptions = {}): void {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown fault kind: ${kind}`);
    this.injected.push({ kind, route: options.route, remaining: options.count ?? 1 });
  }

  /** The fault for this API request, if any. */
  next(route: RouteName): FaultKind | undefined {
    this.total++;
    const routeCount = (this.perRoute.get(route) ?? 0) + 1;
    this.perRoute.set(route, routeCount);
    const queued = this.injected.find((q) => q.remaining > 0 && (q.route === undefined || q.route === route));
    if (queued) {
      queued.remaining--;
      if (queued.remaining === 0) this.injected.splice(this.injected.indexOf(queued), 1);
      return queued.kind;
    }
    for (const entry of this.options.schedule ?? []) {
      if (entry.route !== undefined && entry.route !== route) continue;
      const ordinal = entry.route !== undefined ? routeCount : this.total;
      const at = Array.isArray(entry.at) ? entry.at : [entry.at];
      if (at.includes(ordinal)) return entry.kind;
    }
    const rates = this.options.rates;
    if (!rates) return undefined;
    const roll = this.rng.next();
    if (this.options.routes && !this.options.routes.includes(route)) return undefined;
    let cumulative = 0;
    for (const kind of FAULT_KINDS) {
      cumulative += rates[kind] ?? 0;
      if (roll < cumulative) return kind;
    }
    return undefined;
  }

  reset(): void {
    this.total = 0;
    this.perRoute.clear();
    this.injected.length = 0;
    this.rng = createRandom(hashInts(this.seed, 0xfa17));
  }
}

/** Parses the CLI's `--faults` value: `500=0.01,502html=0.005,reset=0.001` plus search knobs (`searchOmitRate=0.01`). */
export function parseFaults(text: string): FaultOptions {
  const options: FaultOptions = {};
  const rates: Partial<Record<FaultKind, number>> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, raw] = part.split('=');
    const value = Number(raw);
    if (!key || raw === undefined || Number.isNaN(value))
      throw new Error(`--faults entries look like kind=probability, got "${part}"`);
    if ((FAULT_KINDS as readonly string[]).includes(key)) rates[key as FaultKind] = value;
    else if (
      key === 'searchCursorTtlResults' ||
      key === 'searchCursorTtlSeconds' ||
      key === 'searchIndexLagS' ||
      key === 'searchOmitRate' ||
      key === 'retryAfterS' ||
      key === 'slowMs' ||
      key === 'seed'
    ) {
      options[key] = value;
    } else throw new Error(`unknown fault "${key}" (kinds: ${FAULT_KINDS.join(', ')})`);
  }
  if (Object.keys(rates).length > 0) options.rates = rates;
  return options;
}
