import { z } from 'zod';
import { ConfigError } from './errors.js';
import type { JsonSchema } from './json-schema.js';
import { registerSecret } from './logger.js';
import { WEBHOOKS_FIELD_HINTS, type WebhooksConfig, webhooksSchema } from './webhooks-config.js';

/**
 * The Notion API versions the connector speaks, oldest first. Never 2022-06-28: it fails on
 * multi-source databases. 2025-09-03 stays the default (the SDK's); 2026-03-11 drops `archived` and
 * renames `transcription` to `meeting_notes`; 2026-12-01 lists pages with their title alone unless
 * `filter_properties` names the rest (the connector names every property) and may answer a null
 * person `name`.
 */
export const NOTION_VERSIONS = ['2025-09-03', '2026-03-11', '2026-12-01'] as const;
export type NotionVersion = (typeof NOTION_VERSIONS)[number];
export const DEFAULT_NOTION_VERSION: NotionVersion = '2025-09-03';
export const DEFAULT_REQUESTS_PER_MINUTE = 180;
export const MIN_REQUESTS_PER_MINUTE = 1;
export const MAX_REQUESTS_PER_MINUTE = 10_000;

const tokenCredentialsSchema = z
  .object({
    auth_type: z.literal('token').meta({ default: 'token', order: 0 }),
    token: z.string().min(1).meta({
      title: 'Integration token',
      description:
        'The internal integration secret (secret_… or ntn_…) from notion.so/profile/integrations. Share the pages to capture with the integration.',
      secret: true,
      order: 1,
    }),
  })
  .meta({ title: 'Integration token' });

const oauthCredentialsSchema = z
  .object({
    auth_type: z.literal('OAuth2.0').meta({ default: 'OAuth2.0', order: 0 }),
    client_id: z.string().min(1).meta({
      title: 'Client ID',
      description: 'The OAuth client ID of your public integration.',
      secret: true,
      order: 1,
    }),
    client_secret: z.string().min(1).meta({
      title: 'Client secret',
      description: 'The OAuth client secret of your public integration.',
      secret: true,
      order: 2,
    }),
    access_token: z.string().min(1).meta({
      title: 'Access token',
      description: 'The access token issued by the OAuth flow.',
      secret: true,
      order: 3,
    }),
  })
  .meta({ title: 'OAuth2.0', 'x-oauth2-provider': 'notion' });

const advancedSchema = z
  .object({
    requests_per_minute: z
      .number()
      .int()
      .min(MIN_REQUESTS_PER_MINUTE)
      .max(MAX_REQUESTS_PER_MINUTE)
      .default(DEFAULT_REQUESTS_PER_MINUTE)
      .meta({
        title: 'Requests per minute',
        description:
          'The request budget of the integration per minute, shared by every stream (Notion allows about 180 on most plans).',
        order: 0,
      }),
    notion_version: z.enum(NOTION_VERSIONS).default(DEFAULT_NOTION_VERSION).meta({
      title: 'Notion API version',
      description:
        "The Notion-Version header sent with every request. 2025-09-03 suits most captures; from 2026-03-11 documents have in_trash without archived, and on 2026-12-01 a person's name may be null.",
      order: 1,
    }),
    inline_comments: z.boolean().default(false).meta({
      title: 'Capture inline comments',
      description:
        'Also capture comments on blocks (one request per block with comments; much slower on large workspaces).',
      order: 2,
    }),
  })
  .meta({ title: 'Advanced', description: 'Options most captures leave at their defaults.', advanced: true });

/**
 * The endpoint config as the user writes it (what spec publishes). Unknown top-level fields are
 * stripped. Use `parseEndpointConfig` to parse: it normalizes legacy shapes, fills in defaults
 * that depend on the clock and raises `ConfigError`s that say what to fix.
 */
export const endpointConfigSchema = z
  .object({
    credentials: z
      .discriminatedUnion('auth_type', [tokenCredentialsSchema, oauthCredentialsSchema])
      .meta({ title: 'Authentication', discriminator: { propertyName: 'auth_type' }, order: 0 }),
    start_date: z.string().optional().meta({
      title: 'Start date',
      description:
        'Capture objects last edited at or after this UTC date-time, e.g. 2024-01-25T00:00:00Z. Defaults to two years before the first capture.',
      format: 'date-time',
      order: 1,
    }),
    advanced: advancedSchema.prefault({}).meta({ order: 2 }),
    webhooks: webhooksSchema.prefault({}).meta({ order: 3 }),
  })
  .meta({
    title: 'Notion',
    description: 'Capture users, databases, data sources, pages, blocks and comments from Notion.',
  });

export type TokenCredentials = { auth_type: 'token'; token: string };
export type OAuthCredentials = {
  auth_type: 'OAuth2.0';
  client_id: string;
  client_secret: string;
  access_token: string;
};

export interface EndpointConfig {
  credentials: TokenCredentials | OAuthCredentials;
  /** ISO-8601 date-time (UTC, `toISOString()` form). */
  start_date: string;
  advanced: { requests_per_minute: number; notion_version: NotionVersion; inline_comments: boolean };
  /** Absent in configs built by hand (tests, tools): webhooks off. */
  webhooks?: WebhooksConfig | undefined;
}

export interface ParseEndpointConfigOptions {
  /** The time "now" for the start_date default and the future-date check. */
  now?: Date;
}

const SECRET_FIELDS = ['token', 'access_token', 'client_secret', 'client_id'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function registerSecretsIn(raw: unknown): void {
  if (!isRecord(raw)) return;
  if (isRecord(raw.webhooks) && typeof raw.webhooks.verification_token === 'string') {
    if (raw.webhooks.verification_token !== '') registerSecret(raw.webhooks.verification_token);
  }
  if (typeof raw.access_token === 'string' && raw.access_token !== '') registerSecret(raw.access_token);
  if (!isRecord(raw.credentials)) return;
  for (const field of SECRET_FIELDS) {
    const value = raw.credentials[field];
    if (typeof value === 'string' && value !== '') registerSecret(value);
  }
}

/** Legacy and lenient shapes: top-level `access_token`, credentials without `auth_type`. */
function normalize(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const legacyToken = raw.access_token;
  if (out.credentials === undefined || out.credentials === null) {
    if (typeof legacyToken === 'string' && legacyToken !== '') {
      out.credentials = { auth_type: 'token', token: legacyToken };
    }
  } else if (isRecord(out.credentials) && out.credentials.auth_type === undefined) {
    const creds = out.credentials;
    if (creds.client_id !== undefined || creds.client_secret !== undefined) {
      out.credentials = { ...creds, auth_type: 'OAuth2.0' };
    } else if (creds.token !== undefined) {
      out.credentials = { ...creds, auth_type: 'token' };
    } else if (typeof creds.access_token === 'string') {
      out.credentials = { auth_type: 'token', token: creds.access_token };
    }
  }
  if (out.start_date instanceof Date) {
    // YAML 1.1 parsers turn unquoted timestamps into Dates.
    out.start_date = Number.isNaN(out.start_date.getTime()) ? 'Invalid Date' : out.start_date.toISOString();
  }
  if (out.start_date === null || out.start_date === '') delete out.start_date;
  if (out.advanced === null) delete out.advanced;
  if (out.webhooks === null) delete out.webhooks;
  if (isRecord(out.webhooks) && out.webhooks.verification_token === '') {
    out.webhooks = { ...out.webhooks };
    delete (out.webhooks as Record<string, unknown>).verification_token;
  }
  return out;
}

const FIELD_HINTS: Record<string, string> = {
  credentials:
    'set credentials.auth_type to "token" with credentials.token, or to "OAuth2.0" with client_id, client_secret and access_token',
  'credentials.auth_type': 'set it to "token" (an internal integration token) or "OAuth2.0"',
  'credentials.token':
    'set it to the internal integration secret (secret_… or ntn_…) from notion.so/profile/integrations',
  'credentials.client_id': 'set it to the OAuth client ID of your public integration',
  'credentials.client_secret': 'set it to the OAuth client secret of your public integration',
  'credentials.access_token': 'set it to the access token issued by the OAuth flow (reconnect the capture)',
  start_date: 'use an ISO-8601 UTC date-time such as 2024-01-25T00:00:00Z, or leave it out',
  advanced: 'make it an object, or leave it out',
  'advanced.requests_per_minute': `use a whole number from ${MIN_REQUESTS_PER_MINUTE} to ${MAX_REQUESTS_PER_MINUTE} (180 on most Notion plans)`,
  'advanced.notion_version': `use one of ${NOTION_VERSIONS.map((v) => `"${v}"`).join(', ')}`,
  'advanced.inline_comments': 'use true or false',
  ...WEBHOOKS_FIELD_HINTS,
};

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
): { field: string; message: string } {
  const field = issue.path.map(String).join('.') || 'config';
  const hint = FIELD_HINTS[field];
  const creds = raw.credentials;
  let problem: string;
  if (field === 'credentials' || field === 'credentials.auth_type') {
    // A missing credentials object, or an unknown or missing discriminator.
    const authType = isRecord(creds) ? creds.auth_type : undefined;
    if (!isRecord(creds)) {
      return {
        field: 'credentials.token',
        message: `config field credentials.token is missing: ${FIELD_HINTS['credentials.token']}`,
      };
    }
    return {
      field: 'credentials.auth_type',
      message: `config field credentials.auth_type ${
        typeof authType === 'string' ? `is "${authType.slice(0, 40)}", which is not supported` : 'is missing'
      }: ${FIELD_HINTS['credentials.auth_type']}`,
    };
  }
  if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) {
    problem = 'is missing';
  } else if (issue.code === 'too_small' && issue.origin === 'string') {
    problem = 'is empty';
  } else if (issue.code === 'too_small' || issue.code === 'too_big') {
    problem = `is out of range (${issue.code === 'too_small' ? `minimum ${issue.minimum}` : `maximum ${issue.maximum}`})`;
  } else if (issue.code === 'invalid_type' && issue.expected === 'int') {
    problem = 'is not a whole number';
  } else if (issue.code === 'invalid_type') {
    problem = `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
  } else if (issue.code === 'invalid_value') {
    problem = 'has an unsupported value';
  } else {
    problem = 'is invalid';
  }
  // Never echo values: they may be secrets.
  return { field, message: `config field ${field} ${problem}${hint ? `: ${hint}` : ''}` };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (!isRecord(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function parseStartDate(value: string | undefined, now: Date): string {
  if (value === undefined) {
    const d = new Date(now.getTime());
    d.setUTCFullYear(d.getUTCFullYear() - 2);
    return d.toISOString();
  }
  const text = value.trim();
  // Date-only (2024-01-25) or date-time with optional fraction and zone.
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
  const ms = iso.test(text)
    ? Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text.replace(' ', 'T'))
    : Number.NaN;
  if (Number.isNaN(ms) || !validCalendarDate(text)) {
    throw new ConfigError(
      `config field start_date is not a valid date ("${text.slice(0, 40)}"): ${FIELD_HINTS.start_date}`,
      {
        field: 'start_date',
      },
    );
  }
  if (ms > now.getTime()) {
    throw new ConfigError(
      `config field start_date is in the future (${new Date(ms).toISOString()}): use a date in the past, or leave it out to capture the last two years`,
      { field: 'start_date' },
    );
  }
  return new Date(ms).toISOString();
}

/** Rejects 2024-02-31 and friends, which Date.parse would roll over. */
function validCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Parses and normalizes an endpoint config. Registers every secret with the logger first (so no
 * message can leak one), accepts the legacy top-level `access_token`, ignores unknown top-level
 * fields, defaults `start_date` to two years before `now`, and throws a `ConfigError` that names
 * the field and what to fix (never a secret value).
 */
export function parseEndpointConfig(raw: unknown, options: ParseEndpointConfigOptions = {}): EndpointConfig {
  registerSecretsIn(raw);
  if (!isRecord(raw)) {
    throw new ConfigError(
      `the endpoint config must be an object with credentials (got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw})`,
      { field: 'config' },
    );
  }
  const normalized = normalize(raw);
  const result = endpointConfigSchema.safeParse(normalized);
  if (!result.success) {
    const first = result.error.issues[0];
    const { field, message } = first
      ? describeIssue(first, normalized)
      : { field: 'config', message: 'the endpoint config is invalid' };
    const more =
      result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : '';
    throw new ConfigError(`${message}${more}`, { field, cause: result.error });
  }
  const parsed = result.data;
  const now = options.now ?? new Date();
  return {
    credentials: parsed.credentials,
    start_date: parseStartDate(parsed.start_date, now),
    advanced: {
      requests_per_minute: parsed.advanced.requests_per_minute,
      notion_version: parsed.advanced.notion_version,
      inline_comments: parsed.advanced.inline_comments,
    },
    webhooks: {
      enabled: parsed.webhooks.enabled,
      port: parsed.webhooks.port,
      verification_token: parsed.webhooks.verification_token,
      max_body_bytes: parsed.webhooks.max_body_bytes,
    },
  };
}

/** The bearer token the config authenticates with. */
export function notionToken(config: EndpointConfig): string {
  return config.credentials.auth_type === 'token'
    ? config.credentials.token
    : config.credentials.access_token;
}

/** The config JSON schema published by `spec` (input shape: defaults are optional). */
export function endpointConfigJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(endpointConfigSchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  delete schema.$schema;
  return schema;
}
