import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_REQUESTS_PER_MINUTE,
  MIN_REQUESTS_PER_MINUTE,
  NOTION_VERSIONS,
  parseEndpointConfig,
} from './config.js';
import { ConfigError } from './errors.js';
import { createLogger, sanitizeForLog } from './logger.js';

// Property tests and a bad-config matrix for parseEndpointConfig: every config either parses to
// a normalized EndpointConfig or fails with ONE ConfigError whose `field` names a config field and
// whose message names that field, says what to fix, and never carries a secret value.
const SEED = 7_0002;
const RUNS = 400;
const NOW = new Date('2026-05-10T12:00:00.000Z');

/** The fields a ConfigError may name. */
const KNOWN_FIELDS = new Set([
  'config',
  'credentials',
  'credentials.auth_type',
  'credentials.token',
  'credentials.client_id',
  'credentials.client_secret',
  'credentials.access_token',
  'start_date',
  'advanced',
  'advanced.requests_per_minute',
  'advanced.notion_version',
  'advanced.inline_comments',
]);

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/**
 * Canaries of two kinds: arbitrary text, and the shape of a real Notion token. A fixed pool:
 * `registerSecret` is process-wide and its pattern grows with every secret, so thousands of
 * distinct canaries would make each redaction slow (a real process registers a handful).
 */
const CANARY_POOL = [
  ...fc
    .sample(fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 16, maxLength: 24 }), {
      seed: SEED,
      numRuns: 6,
    })
    .map((t) => `cnry-${t}`),
  ...fc
    .sample(fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 40, maxLength: 44 }), {
      seed: SEED,
      numRuns: 6,
    })
    .map((t) => `ntn_${t}`),
];
const canaryArb = fc.constantFrom(...CANARY_POOL);

function allTexts(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    parts.push(current.message, current.stack ?? '', String(current));
    current = current.cause;
  }
  let logged = '';
  createLogger({ level: 'debug', write: (line) => (logged += line) }).error('config failed', { error });
  parts.push(JSON.stringify(sanitizeForLog(error)), logged);
  return parts.join('\n');
}

type Outcome =
  | { ok: true; config: ReturnType<typeof parseEndpointConfig> }
  | { ok: false; error: ConfigError };

function attempt(raw: unknown): Outcome {
  try {
    return { ok: true, config: parseEndpointConfig(raw, { now: NOW }) };
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.field).toBeDefined();
    expect(KNOWN_FIELDS).toContain(configError.field);
    // The message names the field (or says the whole config is wrong) and what to do.
    if (configError.field !== 'config') expect(configError.message).toContain(configError.field as string);
    expect(configError.message).not.toMatch(/\n\s+at /);
    expect(configError.message.length).toBeLessThan(400);
    return { ok: false, error: configError };
  }
}

function expectValid(config: ReturnType<typeof parseEndpointConfig>): void {
  expect(['token', 'OAuth2.0']).toContain(config.credentials.auth_type);
  expect(new Date(config.start_date).toISOString()).toBe(config.start_date);
  expect(Date.parse(config.start_date)).toBeLessThanOrEqual(NOW.getTime());
  expect(Number.isInteger(config.advanced.requests_per_minute)).toBe(true);
  expect(config.advanced.requests_per_minute).toBeGreaterThanOrEqual(MIN_REQUESTS_PER_MINUTE);
  expect(config.advanced.requests_per_minute).toBeLessThanOrEqual(MAX_REQUESTS_PER_MINUTE);
  expect(NOTION_VERSIONS).toContain(config.advanced.notion_version);
  expect(typeof config.advanced.inline_comments).toBe('boolean');
}

/** Values of every JSON type, plus near-misses of the valid ones. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', 'token', 'OAuth2.0', 'oauth', 'Token', null, 0, -1, 1.5, 1e9, true, false, [], {}),
);

/**
 * Values for secret fields. `registerSecret` is process-wide, so a random word here ("token",
 * "field") would be registered and redact that word from every later message of this file: keep
 * secret-field strings to canaries, short strings (never registered) and non-strings.
 */
const secretValue = (secret: string) =>
  fc.oneof(
    { arbitrary: fc.constant(secret), weight: 4 },
    fc.constantFrom('', ' ', 'ab', null, 0, 42, true, [], {}),
    fc.jsonValue({ maxDepth: 1 }).filter((v) => typeof v !== 'string'),
  );

const credentialsArb = (canary: string) =>
  fc.record(
    {
      auth_type: fc.oneof({ arbitrary: fc.constantFrom('token', 'OAuth2.0'), weight: 4 }, anyValue),
      token: secretValue(canary),
      client_id: secretValue(`${canary}-id`),
      client_secret: secretValue(`${canary}-cs`),
      access_token: secretValue(`${canary}-at`),
      extra: anyValue,
    },
    { requiredKeys: [] },
  );

const advancedArb = fc.record(
  {
    requests_per_minute: fc.oneof(
      { arbitrary: fc.integer({ min: -10, max: 20_000 }), weight: 3 },
      fc.double(),
      anyValue,
    ),
    notion_version: fc.oneof(
      { arbitrary: fc.constantFrom(...NOTION_VERSIONS, '2022-06-28'), weight: 3 },
      anyValue,
    ),
    inline_comments: fc.oneof({ arbitrary: fc.boolean(), weight: 3 }, anyValue),
  },
  { requiredKeys: [] },
);

/** Configs near the valid shape: each field present or not, valid or a random value. */
const configArb = (canary: string) =>
  fc.record(
    {
      credentials: fc.oneof(
        { arbitrary: credentialsArb(canary), weight: 5 },
        fc.constantFrom(null, 0, true, [], 'credentials', {}),
      ),
      access_token: secretValue(canary),
      start_date: fc.oneof(
        fc
          .date({ min: new Date('1990-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        fc.constantFrom(
          '2024-01-25',
          '2024-01-25T00:00:00Z',
          '2024-02-30',
          '2099-01-01T00:00:00Z',
          'yesterday',
          '25/01/2024',
        ),
        anyValue,
      ),
      advanced: fc.oneof({ arbitrary: advancedArb, weight: 3 }, anyValue),
      unknown_field: anyValue,
    },
    { requiredKeys: [] },
  );

describe('parseEndpointConfig under fuzz', () => {
  it('arbitrary JSON: a valid config or one ConfigError naming a field', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const outcome = attempt(raw);
        if (outcome.ok) expectValid(outcome.config);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('near-valid configs: a valid config or one ConfigError; secrets never in any message, stack or log', () => {
    let parsed = 0;
    let rejected = 0;
    fc.assert(
      fc.property(
        canaryArb.chain((canary) => fc.tuple(fc.constant(canary), configArb(canary))),
        ([canary, raw]) => {
          const outcome = attempt(raw);
          if (outcome.ok) {
            parsed += 1;
            expectValid(outcome.config);
          } else {
            rejected += 1;
            const texts = allTexts(outcome.error);
            // Each secret variant the config holds.
            for (const secret of [canary, `${canary}-id`, `${canary}-cs`, `${canary}-at`]) {
              expect(texts).not.toContain(secret);
            }
          }
        },
      ),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    // Both outcomes are exercised.
    expect(parsed).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(10);
  });

  it('a token-shaped value pasted into the wrong field is not echoed', () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: fc.constantFrom(...ALPHABET), minLength: 40, maxLength: 44 })
          .map((t) => `ntn_${t}`),
        fc.constantFrom('start_date', 'auth_type', 'notion_version', 'requests_per_minute'),
        (canary, field) => {
          const raw: Record<string, unknown> = {
            credentials: { auth_type: 'token', token: 'test-token-fuzz-0001' },
          };
          if (field === 'start_date') raw.start_date = canary;
          if (field === 'auth_type') raw.credentials = { auth_type: canary, token: 'test-token-fuzz-0001' };
          if (field === 'notion_version') raw.advanced = { notion_version: canary };
          if (field === 'requests_per_minute') raw.advanced = { requests_per_minute: canary };
          const outcome = attempt(raw);
          expect(outcome.ok).toBe(false);
          if (!outcome.ok) expect(allTexts(outcome.error)).not.toContain(canary);
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('parsing is idempotent: a parsed config parses to itself', () => {
    fc.assert(
      fc.property(
        canaryArb.chain((canary) => configArb(canary)),
        (raw) => {
          const outcome = attempt(raw);
          if (!outcome.ok) return;
          const again = attempt(JSON.parse(JSON.stringify(outcome.config)));
          expect(again).toEqual(outcome);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('every valid start_date in the past round-trips to the same instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01'), max: NOW, noInvalidDate: true }), (date) => {
        const outcome = attempt({
          credentials: { auth_type: 'token', token: 'test-token-fuzz-0001' },
          start_date: date.toISOString(),
        });
        expect(outcome.ok).toBe(true);
        if (outcome.ok) expect(outcome.config.start_date).toBe(date.toISOString());
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('every start_date after now is rejected as in the future', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(NOW.getTime() + 1000), max: new Date('2200-01-01'), noInvalidDate: true }),
        (date) => {
          const outcome = attempt({
            credentials: { auth_type: 'token', token: 'test-token-fuzz-0001' },
            start_date: date.toISOString(),
          });
          expect(outcome.ok).toBe(false);
          if (!outcome.ok) {
            expect(outcome.error.field).toBe('start_date');
            expect(outcome.error.message).toMatch(/future/);
          }
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});
