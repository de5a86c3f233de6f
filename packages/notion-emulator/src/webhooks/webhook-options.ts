/** Notion's webhook event types (the emulator sends those its mutations cause; see webhook-events.ts). */
export const WEBHOOK_EVENT_TYPES = [
  'page.created',
  'page.content_updated',
  'page.properties_updated',
  'page.moved',
  'page.deleted',
  'page.undeleted',
  'page.locked',
  'page.unlocked',
  'comment.created',
  'comment.updated',
  'comment.deleted',
  'data_source.created',
  'data_source.content_updated',
  'data_source.schema_updated',
  'data_source.deleted',
  'data_source.moved',
  'data_source.undeleted',
  'database.created',
  'database.content_updated',
  'database.schema_updated',
  'database.deleted',
  'database.moved',
  'database.undeleted',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Event types Notion aggregates: several changes to one entity within a short window come as one event. */
export const AGGREGATED_EVENT_TYPES: ReadonlySet<WebhookEventType> = new Set([
  'page.content_updated',
  'page.properties_updated',
  'data_source.content_updated',
  'database.content_updated',
]);

/** A webhook subscription the emulator delivers to (EmulatorOptions.webhooks). Times are emulated ms. */
export interface WebhookOptions {
  /** Where events are POSTed. */
  url: string;
  /** The subscription's verification token (signs events). Default: a generated `secret_…`. */
  verificationToken?: string;
  /** Emulated ms from a change to its event's delivery. Default 30,000 ("within about a minute"). */
  delayMs?: number;
  /**
   * Aggregated types (page.content_updated, page.properties_updated, data_source.content_updated,
   * database.content_updated): changes to the same entity within this many emulated ms of the first
   * one come as one event; such an event is sent max(delayMs, aggregateMs) after its first change.
   * Default 30,000; 0 = never aggregate.
   */
  aggregateMs?: number;
  /** Probability that a delivered event is sent again (same id, same body). Default 0. */
  duplicateRate?: number;
  /**
   * Probability that an event coming due is held back and sent just after the next one queued
   * (`true` = 0.5). Default false.
   */
  reorder?: boolean | number;
  /** Seed of event ids, duplicates and reordering. Default: the emulator's seed. */
  seed?: number;
  /** Event types sent. Default: every type. */
  events?: readonly WebhookEventType[];
  /** Delivery attempts before an event is given up (Notion: 1–8). Default 8. */
  maxAttempts?: number;
  /** Emulated ms before the second attempt; doubles with each attempt. Default 60,000. */
  retryBaseMs?: number;
  /** Real ms a POST may take before it counts as failed. Default 10,000. */
  requestTimeoutMs?: number;
  /** Send the verification request `{"verification_token": …}` when the emulator starts. Default true. */
  verifyOnStart?: boolean;
}

export interface ResolvedWebhookOptions {
  url: string;
  verificationToken: string;
  delayMs: number;
  aggregateMs: number;
  duplicateRate: number;
  reorderRate: number;
  seed: number;
  events: ReadonlySet<WebhookEventType>;
  maxAttempts: number;
  retryBaseMs: number;
  requestTimeoutMs: number;
  verifyOnStart: boolean;
}

function rate(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`webhooks.${name} must be within 0..1, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new RangeError(`webhooks.${name} must be a non-negative number, got ${value}`);
  return value;
}

/** A verification token as Notion hands them out (`secret_` and 43 characters), from a seed. */
export function generatedVerificationToken(random: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let token = 'secret_';
  for (let i = 0; i < 43; i++) token += alphabet[Math.floor(random() * alphabet.length)];
  return token;
}

export function resolveWebhookOptions(
  options: WebhookOptions,
  defaults: { seed: number; random: () => number },
): ResolvedWebhookOptions {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new RangeError(`webhooks.url must be an http(s) URL, got ${JSON.stringify(options.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError(`webhooks.url must be an http(s) URL, got ${options.url}`);
  const unknown = (options.events ?? []).filter(
    (t) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(t),
  );
  if (unknown.length > 0) throw new RangeError(`webhooks.events: unknown types ${unknown.join(', ')}`);
  const maxAttempts = options.maxAttempts ?? 8;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError(`webhooks.maxAttempts must be a positive integer, got ${maxAttempts}`);
  const reorder = options.reorder ?? false;
  return {
    url: url.toString(),
    verificationToken: options.verificationToken ?? generatedVerificationToken(defaults.random),
    delayMs: nonNegative('delayMs', options.delayMs ?? 30_000),
    aggregateMs: nonNegative('aggregateMs', options.aggregateMs ?? 30_000),
    duplicateRate: rate('duplicateRate', options.duplicateRate ?? 0),
    reorderRate: rate('reorder', reorder === true ? 0.5 : reorder === false ? 0 : reorder),
    seed: options.seed ?? defaults.seed,
    events: new Set(options.events ?? WEBHOOK_EVENT_TYPES),
    maxAttempts,
    retryBaseMs: nonNegative('retryBaseMs', options.retryBaseMs ?? 60_000),
    requestTimeoutMs: nonNegative('requestTimeoutMs', options.requestTimeoutMs ?? 10_000),
    verifyOnStart: options.verifyOnStart ?? true,
  };
}

/**
 * The CLI's `--webhooks` value: `URL` or `URL,key=value,...` with keys delayMs, aggregateMs,
 * duplicateRate, reorder (a rate, or true/false), seed, maxAttempts, retryBaseMs, requestTimeoutMs,
 * verificationToken, events (types separated by `+`).
 */
export function parseWebhookFlag(spec: string): WebhookOptions {
  const [url, ...pairs] = spec.split(',');
  if (!url) throw new Error('--webhooks needs a URL');
  const options: WebhookOptions = { url };
  const numbers = [
    'delayMs',
    'aggregateMs',
    'duplicateRate',
    'seed',
    'maxAttempts',
    'retryBaseMs',
    'requestTimeoutMs',
  ] as const;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq < 1) throw new Error(`--webhooks: expected key=value, got "${pair}"`);
    if ((numbers as readonly string[]).includes(key)) {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`--webhooks: ${key} must be a number, got "${value}"`);
      options[key as (typeof numbers)[number]] = n;
    } else if (key === 'reorder') {
      options.reorder = value === 'true' ? true : value === 'false' ? false : Number(value);
    } else if (key === 'verificationToken') {
      options.verificationToken = value;
    } else if (key === 'events') {
      options.events = value.split('+') as WebhookEventType[];
    } else throw new Error(`--webhooks: unknown key "${key}"`);
  }
  return options;
}
