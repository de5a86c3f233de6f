import { describe, expect, it } from 'vitest';
import { parseEndpointConfig } from './config.js';
import { ConfigError } from './errors.js';

// The bad-config matrix of issue 7 (in its own file: the fuzz tests register random secrets
// process-wide, which would redact words from these messages).
const NOW = new Date('2026-05-10T12:00:00.000Z');

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
    if (configError.field !== 'config') expect(configError.message).toContain(configError.field as string);
    expect(configError.message).not.toMatch(/\n\s+at /);
    return { ok: false, error: configError };
  }
}

const TOKEN = 'test-token-matrix-0001';
const OK = { credentials: { auth_type: 'token', token: TOKEN } };

interface BadConfigCase {
  name: string;
  raw: unknown;
  field: string;
  message: RegExp;
}

const MATRIX: BadConfigCase[] = [
  {
    name: 'no config at all',
    raw: undefined,
    field: 'config',
    message: /must be an object with credentials/,
  },
  { name: 'config is a string', raw: 'token', field: 'config', message: /must be an object/ },
  { name: 'config is an array', raw: [], field: 'config', message: /got an array/ },
  { name: 'empty config', raw: {}, field: 'credentials.token', message: /credentials\.token is missing/ },
  { name: 'credentials null', raw: { credentials: null }, field: 'credentials.token', message: /missing/ },
  {
    name: 'missing token',
    raw: { credentials: { auth_type: 'token' } },
    field: 'credentials.token',
    message: /credentials\.token is missing.*integration/,
  },
  {
    name: 'empty token',
    raw: { credentials: { auth_type: 'token', token: '' } },
    field: 'credentials.token',
    message: /credentials\.token is empty/,
  },
  {
    name: 'token a number',
    raw: { credentials: { auth_type: 'token', token: 42 } },
    field: 'credentials.token',
    message: /credentials\.token must be a string/,
  },
  {
    name: 'wrong auth_type',
    raw: { credentials: { auth_type: 'apikey', token: TOKEN } },
    field: 'credentials.auth_type',
    message: /"apikey", which is not supported.*"token".*"OAuth2\.0"/,
  },
  {
    name: 'auth_type wrong case',
    raw: { credentials: { auth_type: 'Token', token: TOKEN } },
    field: 'credentials.auth_type',
    message: /not supported/,
  },
  {
    name: 'auth_type a number',
    raw: { credentials: { auth_type: 1, token: TOKEN } },
    field: 'credentials.auth_type',
    message: /credentials\.auth_type is missing/,
  },
  {
    name: 'OAuth without access_token',
    raw: {
      credentials: { auth_type: 'OAuth2.0', client_id: 'test-cid-0001', client_secret: 'test-cs-0001' },
    },
    field: 'credentials.access_token',
    message: /access_token is missing.*reconnect/,
  },
  {
    name: 'OAuth with empty client_secret',
    raw: {
      credentials: {
        auth_type: 'OAuth2.0',
        client_id: 'test-cid-0001',
        client_secret: '',
        access_token: 'test-at-0001',
      },
    },
    field: 'credentials.client_secret',
    message: /client_secret is empty/,
  },
  {
    name: 'malformed start_date',
    raw: { ...OK, start_date: 'last tuesday' },
    field: 'start_date',
    message: /start_date is not a valid date.*ISO-8601/,
  },
  {
    name: 'impossible calendar date',
    raw: { ...OK, start_date: '2024-02-30T00:00:00Z' },
    field: 'start_date',
    message: /not a valid date/,
  },
  {
    name: 'start_date with month 13',
    raw: { ...OK, start_date: '2024-13-01' },
    field: 'start_date',
    message: /not a valid date/,
  },
  {
    name: 'start_date a number',
    raw: { ...OK, start_date: 1706140800 },
    field: 'start_date',
    message: /start_date must be a string/,
  },
  {
    name: 'future start_date',
    raw: { ...OK, start_date: '2027-01-01T00:00:00Z' },
    field: 'start_date',
    message: /start_date is in the future/,
  },
  {
    name: 'advanced a string',
    raw: { ...OK, advanced: 'fast' },
    field: 'advanced',
    message: /advanced must be an object/,
  },
  {
    name: 'requests_per_minute zero',
    raw: { ...OK, advanced: { requests_per_minute: 0 } },
    field: 'advanced.requests_per_minute',
    message: /out of range \(minimum 1\).*whole number/,
  },
  {
    name: 'requests_per_minute negative',
    raw: { ...OK, advanced: { requests_per_minute: -5 } },
    field: 'advanced.requests_per_minute',
    message: /out of range/,
  },
  {
    name: 'requests_per_minute huge',
    raw: { ...OK, advanced: { requests_per_minute: 1e6 } },
    field: 'advanced.requests_per_minute',
    message: /out of range \(maximum 10000\)/,
  },
  {
    name: 'requests_per_minute fractional',
    raw: { ...OK, advanced: { requests_per_minute: 2.5 } },
    field: 'advanced.requests_per_minute',
    message: /not a whole number/,
  },
  {
    name: 'requests_per_minute a string',
    raw: { ...OK, advanced: { requests_per_minute: '180' } },
    field: 'advanced.requests_per_minute',
    message: /must be a number/,
  },
  {
    name: 'old notion_version',
    raw: { ...OK, advanced: { notion_version: '2022-06-28' } },
    field: 'advanced.notion_version',
    message: /unsupported value.*2025-09-03/,
  },
  {
    name: 'inline_comments a string',
    raw: { ...OK, advanced: { inline_comments: 'yes' } },
    field: 'advanced.inline_comments',
    message: /true or false/,
  },
];

describe('bad-config matrix', () => {
  it.each(MATRIX)('$name → one ConfigError naming $field', ({ raw, field, message }) => {
    const outcome = attempt(raw);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.field).toBe(field);
    expect(outcome.error.message).toMatch(message);
    // One error: the first problem, not a dump of every zod issue.
    expect(outcome.error.message.split('\n')).toHaveLength(1);
    expect(outcome.error.message).not.toContain(TOKEN);
  });

  it('unknown fields are ignored, not errors (Flow adds its own)', () => {
    for (const raw of [
      { ...OK, unknown: 1 },
      { ...OK, credentials: { ...OK.credentials, unknown: 'x' } },
      { ...OK, advanced: { unknown: true } },
      { ...OK, _meta: { x: 1 }, streams: [] },
    ]) {
      const outcome = attempt(raw);
      expect(outcome.ok).toBe(true);
      if (outcome.ok)
        expect(Object.keys(outcome.config).sort()).toEqual([
          'advanced',
          'credentials',
          'start_date',
          'webhooks',
        ]);
    }
  });

  it('several problems: the first is named and the rest counted', () => {
    const outcome = attempt({
      credentials: { auth_type: 'token', token: '' },
      advanced: { requests_per_minute: 0, inline_comments: 'x' },
    });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(/\(and 2 more problem\(s\)\)$/);
  });
});
