import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTION_VERSION,
  endpointConfigJsonSchema,
  endpointConfigSchema,
  NOTION_VERSIONS,
  notionToken,
  parseEndpointConfig,
} from './config.js';
import { ConfigError } from './errors.js';
import { redactSecrets } from './logger.js';

const NOW = new Date('2026-05-10T12:00:00.000Z');
// Fake, test-only values: not real credentials.
const TOKEN = 'test-token-config-aaaa1111';

function configError(raw: unknown): ConfigError {
  try {
    parseEndpointConfig(raw, { now: NOW });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEndpointConfig', () => {
  it('parses a token config and fills in every default', () => {
    const config = parseEndpointConfig({ credentials: { auth_type: 'token', token: TOKEN } }, { now: NOW });
    expect(config).toEqual({
      credentials: { auth_type: 'token', token: TOKEN },
      start_date: '2024-05-10T12:00:00.000Z',
      advanced: { requests_per_minute: 180, notion_version: DEFAULT_NOTION_VERSION, inline_comments: false },
      webhooks: { enabled: false, port: 8080, verification_token: undefined, max_body_bytes: 65_536 },
    });
    expect(notionToken(config)).toBe(TOKEN);
  });

  it('parses webhooks, registers the verification token as a secret and names a bad field', () => {
    const verification = 'secret_verification0123456789abcdef';
    const config = parseEndpointConfig(
      {
        credentials: { auth_type: 'token', token: TOKEN },
        webhooks: { enabled: true, port: 9090, verification_token: verification, max_body_bytes: 4096 },
      },
      { now: NOW },
    );
    expect(config.webhooks).toEqual({
      enabled: true,
      port: 9090,
      verification_token: verification,
      max_body_bytes: 4096,
    });
    expect(redactSecrets(`token ${verification.slice(0, 30)}!${verification}`)).not.toContain(verification);
    // An empty token is as if it were absent (the user has not pasted it yet).
    const empty = parseEndpointConfig(
      {
        credentials: { auth_type: 'token', token: TOKEN },
        webhooks: { enabled: true, verification_token: '' },
      },
      { now: NOW },
    );
    expect(empty.webhooks?.verification_token).toBeUndefined();
    const error = configError({
      credentials: { auth_type: 'token', token: TOKEN },
      webhooks: { port: 70_000 },
    });
    expect(error.field).toBe('webhooks.port');
    expect(error.message).toMatch(/out of range.*1 to 65535/);
  });

  it('parses an OAuth config and uses its access token', () => {
    const config = parseEndpointConfig(
      {
        credentials: {
          auth_type: 'OAuth2.0',
          client_id: 'test-client-id-1',
          client_secret: 'test-client-secret-1',
          access_token: 'test-access-token-1',
        },
        start_date: '2024-01-25T00:00:00Z',
        advanced: { requests_per_minute: 900, notion_version: '2026-03-11', inline_comments: true },
      },
      { now: NOW },
    );
    expect(config.credentials.auth_type).toBe('OAuth2.0');
    expect(notionToken(config)).toBe('test-access-token-1');
    expect(config.start_date).toBe('2024-01-25T00:00:00.000Z');
    expect(config.advanced).toEqual({
      requests_per_minute: 900,
      notion_version: '2026-03-11',
      inline_comments: true,
    });
  });

  it('accepts every supported Notion-Version, 2025-09-03 by default', () => {
    expect(NOTION_VERSIONS).toEqual(['2025-09-03', '2026-03-11', '2026-12-01']);
    expect(DEFAULT_NOTION_VERSION).toBe('2025-09-03');
    for (const notion_version of NOTION_VERSIONS) {
      const config = parseEndpointConfig(
        { credentials: { auth_type: 'token', token: TOKEN }, advanced: { notion_version } },
        { now: NOW },
      );
      expect(config.advanced.notion_version).toBe(notion_version);
    }
    for (const notion_version of ['2022-06-28', '2026-12-02', '2026-12-01 ', 20261201]) {
      expect(
        configError({ credentials: { auth_type: 'token', token: TOKEN }, advanced: { notion_version } })
          .field,
      ).toBe('advanced.notion_version');
    }
  });

  it('accepts the legacy top-level access_token and credentials without auth_type', () => {
    const legacy = parseEndpointConfig({ access_token: 'test-legacy-token-1' }, { now: NOW });
    expect(legacy.credentials).toEqual({ auth_type: 'token', token: 'test-legacy-token-1' });
    const noType = parseEndpointConfig({ credentials: { token: 'test-token-2222' } }, { now: NOW });
    expect(noType.credentials).toEqual({ auth_type: 'token', token: 'test-token-2222' });
  });

  it('ignores unknown top-level and credentials fields', () => {
    const config = parseEndpointConfig(
      { credentials: { auth_type: 'token', token: TOKEN, extra: 1 }, _flow_internal: { x: 1 }, streams: [] },
      { now: NOW },
    );
    expect(config).not.toHaveProperty('_flow_internal');
    expect(config.credentials).toEqual({ auth_type: 'token', token: TOKEN });
  });

  it('normalizes start_date: date-only, offsets, YAML Date objects', () => {
    const parse = (start_date: unknown) =>
      parseEndpointConfig({ credentials: { auth_type: 'token', token: TOKEN }, start_date }, { now: NOW })
        .start_date;
    expect(parse('2024-01-25')).toBe('2024-01-25T00:00:00.000Z');
    expect(parse('2024-01-25T02:00:00+02:00')).toBe('2024-01-25T00:00:00.000Z');
    expect(parse(new Date('2024-03-01T10:00:00Z'))).toBe('2024-03-01T10:00:00.000Z');
    expect(parse('')).toBe('2024-05-10T12:00:00.000Z');
  });

  it.each([
    [{}, 'credentials.token', /credentials\.token is missing/],
    [{ credentials: { auth_type: 'token', token: '' } }, 'credentials.token', /credentials\.token is empty/],
    [{ credentials: { auth_type: 'token' } }, 'credentials.token', /credentials\.token is missing/],
    [
      { credentials: { auth_type: 'token', token: 42 } },
      'credentials.token',
      /credentials\.token must be a string/,
    ],
    [
      { credentials: { auth_type: 'basic', token: TOKEN } },
      'credentials.auth_type',
      /"basic", which is not supported/,
    ],
    [
      {
        credentials: {
          auth_type: 'OAuth2.0',
          client_id: 'test-client-id-2',
          client_secret: 'test-client-secret-2',
        },
      },
      'credentials.access_token',
      /credentials\.access_token is missing/,
    ],
    [
      { credentials: { auth_type: 'token', token: TOKEN }, advanced: { requests_per_minute: 0 } },
      'advanced.requests_per_minute',
      /out of range \(minimum 1\).*whole number from 1 to 10000/,
    ],
    [
      { credentials: { auth_type: 'token', token: TOKEN }, advanced: { requests_per_minute: 1e6 } },
      'advanced.requests_per_minute',
      /out of range \(maximum 10000\)/,
    ],
    [
      { credentials: { auth_type: 'token', token: TOKEN }, advanced: { requests_per_minute: 12.5 } },
      'advanced.requests_per_minute',
      /not a whole number/,
    ],
    [
      { credentials: { auth_type: 'token', token: TOKEN }, advanced: { notion_version: '2022-06-28' } },
      'advanced.notion_version',
      /unsupported value: use one of "2025-09-03", "2026-03-11", "2026-12-01"/,
    ],
    [
      { credentials: { auth_type: 'token', token: TOKEN }, start_date: 'last tuesday' },
      'start_date',
      /start_date is not a valid date \("last tuesday"\)/,
    ],
    [
      { credentials: { auth_type: 'token', token: TOKEN }, start_date: '2024-02-31' },
      'start_date',
      /not a valid date/,
    ],
    [
      { credentials: { auth_type: 'token', token: TOKEN }, start_date: '2027-01-01T00:00:00Z' },
      'start_date',
      /start_date is in the future \(2027-01-01T00:00:00.000Z\)/,
    ],
    [
      { credentials: { auth_type: 'token', token: TOKEN }, start_date: 20240101 },
      'start_date',
      /must be a string/,
    ],
    [null, 'config', /must be an object/],
  ])('rejects %j naming %s', (raw, field, message) => {
    const error = configError(raw);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('never puts a secret into an error, even a misplaced one', () => {
    const secrets = ['test-secret-in-wrong-place-1', 'test-client-secret-zz-9', 'test-client-id-zz-8'];
    const errors = [
      configError({ credentials: { auth_type: 'bogus', token: secrets[0] } }),
      configError({
        credentials: { auth_type: 'OAuth2.0', client_id: secrets[2], client_secret: secrets[1] },
      }),
      configError({
        credentials: { auth_type: 'token', token: secrets[0] },
        advanced: { notion_version: secrets[0] },
      }),
    ];
    for (const error of errors) {
      const text = `${error.message} ${String(error.stack)} ${JSON.stringify(error.cause ?? null)}`;
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it('registers every secret with the logger, also before rejecting the config', () => {
    parseEndpointConfig(
      {
        credentials: {
          auth_type: 'OAuth2.0',
          client_id: 'test-client-id-reg-1',
          client_secret: 'test-client-secret-reg-1',
          access_token: 'test-access-token-reg-1',
        },
      },
      { now: NOW },
    );
    configError({
      credentials: { auth_type: 'token', token: 'test-token-reg-rejected-1' },
      start_date: 'nope',
    });
    const text = redactSecrets(
      'test-client-id-reg-1 test-client-secret-reg-1 test-access-token-reg-1 test-token-reg-rejected-1',
    );
    expect(text).not.toMatch(/test-/);
  });

  it('the raw schema itself applies the static defaults', () => {
    const parsed = endpointConfigSchema.parse({ credentials: { auth_type: 'token', token: TOKEN } });
    expect(parsed.advanced).toEqual({
      requests_per_minute: 180,
      notion_version: '2025-09-03',
      inline_comments: false,
    });
    expect(parsed.start_date).toBeUndefined();
  });
});

describe('endpointConfigJsonSchema', () => {
  const schema = endpointConfigJsonSchema();

  it('matches the snapshot', () => {
    expect(schema).toMatchSnapshot();
  });

  it('marks every secret and the OAuth variant', () => {
    type Property = { const?: string; secret?: boolean };
    type Variant = { properties: Record<string, Property>; 'x-oauth2-provider'?: string };
    const variants = (schema.properties as { credentials: { oneOf: Variant[] } }).credentials.oneOf;
    const token = variants.find((v) => v.properties.auth_type?.const === 'token');
    const oauth = variants.find((v) => v.properties.auth_type?.const === 'OAuth2.0');
    expect(token?.properties.token?.secret).toBe(true);
    for (const field of ['client_id', 'client_secret', 'access_token'])
      expect(oauth?.properties[field]?.secret).toBe(true);
    expect(oauth?.['x-oauth2-provider']).toBe('notion');
    expect(token?.['x-oauth2-provider']).toBeUndefined();
  });

  it('requires only credentials and publishes the defaults and date-time format', () => {
    const properties = schema.properties as {
      start_date: { format: string };
      advanced: { default: unknown; properties: Record<string, { enum?: string[] }> };
    };
    expect(schema.required).toEqual(['credentials']);
    expect(properties.start_date.format).toBe('date-time');
    expect(properties.advanced.properties.requests_per_minute).toMatchObject({
      default: 180,
      minimum: 1,
      maximum: 10000,
    });
    expect(properties.advanced.properties.notion_version?.enum).toEqual([
      '2025-09-03',
      '2026-03-11',
      '2026-12-01',
    ]);
    expect(schema).not.toHaveProperty('$schema');
    // Every value the JSON schema accepts at the top must also parse: spot-check its defaults.
    expect(() =>
      parseEndpointConfig(
        { credentials: { auth_type: 'token', token: TOKEN }, advanced: properties.advanced.default },
        { now: NOW },
      ),
    ).not.toThrow();
  });
});
