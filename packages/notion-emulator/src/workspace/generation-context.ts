import { createRandom, hashInts, type Random } from '../random.js';
import { DAY_MS, floorToMinute } from '../time.js';
import { createIdCodec, type IdCodec } from './ids.js';
import type { ResolvedWorkspaceOptions } from './options.js';

/**
 * What every step of the generator shares. There is one random stream: each step draws from it in
 * a fixed order, so the same seed and options give the same workspace, byte for byte. Changing
 * what a step draws, or the order of the steps, changes every workspace after it.
 */
export interface GenerationContext {
  readonly options: ResolvedWorkspaceOptions;
  readonly rng: Random;
  readonly codec: IdCodec;
  /** `options.now`: no generated timestamp is later. */
  readonly now: number;
  /** A year before `now`: the oldest content. */
  readonly yearAgo: number;
  /** A minute-rounded time drawn from [from, to]. */
  time(from: number, to: number): number;
}

export function createGenerationContext(options: ResolvedWorkspaceOptions): GenerationContext {
  const { seed, now } = options;
  const rng = createRandom(hashInts(seed, 0x6e6e));
  return {
    options,
    rng,
    codec: createIdCodec(seed),
    now,
    yearAgo: now - 365 * DAY_MS,
    time: (from, to) => floorToMinute(from + rng.next() * Math.max(0, to - from)),
  };
}
