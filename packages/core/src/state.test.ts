import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEndpointConfig } from './config.js';
import { createLogger } from './logger.js';
import { applyMergePatch } from './merge-patch.js';
import { isPlainJson, loadStreamState, parseStreamState, reloadStreamState } from './state.js';

const config = parseEndpointConfig(
  { credentials: { auth_type: 'token', token: 'test-token-state-1' }, start_date: '2025-01-01T00:00:00Z' },
  { now: new Date('2026-01-01T00:00:00Z') },
);

const pagesLike = {
  name: 'pages',
  stateSchema: z.object({
    version: z.literal(2),
    cursor: z.string(),
    backfill: z.object({ next: z.string() }).optional(),
  }),
  initialState: (c: typeof config) => ({ version: 2 as const, cursor: c.start_date }),
};

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as { level: string; msg: string }) };
}

describe('parseStreamState', () => {
  it('returns the initial state when there is none, without warning', () => {
    const { logger, lines } = capture();
    expect(parseStreamState(pagesLike, undefined, config, logger)).toEqual({
      version: 2,
      cursor: '2025-01-01T00:00:00.000Z',
    });
    expect(parseStreamState(pagesLike, null, config, logger)).toEqual({
      version: 2,
      cursor: '2025-01-01T00:00:00.000Z',
    });
    expect(lines()).toEqual([]);
  });

  it('returns valid state as parsed', () => {
    const { logger, lines } = capture();
    const raw = { version: 2, cursor: '2025-06-01T00:00:00.000Z', backfill: { next: 'c1' } };
    expect(parseStreamState(pagesLike, raw, config, logger)).toEqual(raw);
    expect(lines()).toEqual([]);
  });

  it('recovers from state that does not parse: warning + fresh backfill', () => {
    const { logger, lines } = capture();
    const raw = { version: 1, cursor: 17, legacy: true };
    expect(parseStreamState(pagesLike, raw, config, logger)).toEqual({
      version: 2,
      cursor: '2025-01-01T00:00:00.000Z',
    });
    const logged = lines();
    expect(logged).toHaveLength(1);
    expect(logged[0]?.level).toBe('warn');
    expect(logged[0]?.msg).toMatch(
      /^state of pages does not parse \(.*version.*\); starting a fresh backfill$/,
    );
    expect(logged[0]?.msg).not.toContain('\n');
  });

  it('loadStreamState returns a reset patch that deletes leftovers of the discarded state', () => {
    const { logger } = capture();
    const raw = { version: 1, cursor: 17, legacy: { deep: true } };
    const loaded = loadStreamState(pagesLike, raw, config, logger);
    expect(loaded.resetPatch).toEqual({ version: 2, cursor: '2025-01-01T00:00:00.000Z', legacy: null });
    expect(applyMergePatch(raw, loaded.resetPatch)).toEqual(loaded.state);
    expect(loadStreamState(pagesLike, undefined, config, logger).resetPatch).toBeUndefined();
  });
});

describe('reloadStreamState', () => {
  it('tells plain JSON data from values a JSON round trip would change', () => {
    expect(isPlainJson({ a: [1, 'x', null, true, { b: {} }], c: -1.5 })).toBe(true);
    expect(isPlainJson(Object.assign(Object.create(null), { a: 1 }))).toBe(true);
    for (const value of [
      { a: undefined },
      [undefined],
      // biome-ignore lint/suspicious/noSparseArray: a hole is what this checks
      [1, , 2],
      Number.NaN,
      { a: Number.POSITIVE_INFINITY },
      -0,
      { at: new Date(0) },
      { toJSON: () => 1 },
      new Map(),
      { f: () => 1 },
      { n: 1n },
    ]) {
      expect(isPlainJson(value), String(value)).toBe(false);
    }
  });

  it('parses the state as a new session would load it from Flow', () => {
    const { logger } = capture();
    const plain = { version: 2, cursor: '2025-06-01T00:00:00.000Z', backfill: { next: 'c1' } };
    expect(reloadStreamState(pagesLike, plain, config, logger)).toEqual(plain);
    // Not plain JSON: through JSON first (an undefined member disappears; NaN would be null).
    const odd = { version: 2, cursor: '2025-06-01T00:00:00.000Z', backfill: undefined };
    expect(reloadStreamState(pagesLike, odd, config, logger)).toStrictEqual({
      version: 2,
      cursor: '2025-06-01T00:00:00.000Z',
    });
    const loose = {
      name: 'x',
      stateSchema: z.looseObject({ n: z.number().nullable() }),
      initialState: () => ({ n: 0 }),
    };
    expect(reloadStreamState(loose, { n: Number.NaN, at: new Date(0) }, config, logger)).toEqual({
      n: null,
      at: '1970-01-01T00:00:00.000Z',
    });
    expect(reloadStreamState(pagesLike, undefined, config, logger)).toEqual({
      version: 2,
      cursor: '2025-01-01T00:00:00.000Z',
    });
  });
});
