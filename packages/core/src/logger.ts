export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Default: the LOG_LEVEL environment variable, else 'info'. */
  level?: LogLevel;
  /** Receives each JSON line (with its newline). Default: process.stderr. */
  write?: (line: string) => void;
  fields?: LogFields;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const REDACTED = '[REDACTED]';
/** Shorter strings are not treated as secrets: redacting them would shred every log line. */
const MIN_SECRET_LENGTH = 8;

const secrets = new Set<string>();
let secretPattern: RegExp | undefined;

/** Token shapes redacted even when never registered: `Bearer x`, Notion's `secret_…` and `ntn_…`. */
const SHAPE_PATTERN = /(Bearer\s+)[^\s"',;]+|\b(?:secret|ntn)_[A-Za-z0-9]{16,}/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Registers a secret process-wide: every logger and every connector error redacts it from then on. */
export function registerSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || secrets.has(secret)) return;
  secrets.add(secret);
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    // The same secret as it appears inside JSON text or a URL.
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(encodeURIComponent(s));
  }
  // Longest first, so a secret containing another is replaced whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  secretPattern = new RegExp(alternatives.join('|'), 'g');
}

/** Replaces every registered secret, `Bearer <x>` and Notion token shape in `text`. */
export function redactSecrets(text: string): string {
  let out = text;
  if (secretPattern !== undefined) out = out.replace(secretPattern, REDACTED);
  return out.replace(SHAPE_PATTERN, (_match, bearer: string | undefined) =>
    bearer === undefined ? REDACTED : `${bearer}${REDACTED}`,
  );
}

const SENSITIVE_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|token|access_token|refresh_token|client_secret|password|secret)$/i;

/**
 * A secret the user must see once, logged as it is (the one sanctioned exception to redaction:
 * the webhook subscription's verification token, which the user pastes into the config). Only a
 * logger writes its value; anywhere else (JSON, strings, errors) it shows as `[REDACTED]`.
 */
export class RevealedSecret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** @internal The value, for the logger. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
}

/** Marks `value` to be logged unredacted, once (see RevealedSecret). */
export function revealSecret(value: string): RevealedSecret {
  return new RevealedSecret(value);
}

/** Placeholders of revealed secrets in a line, put back after the redaction passes. */
const REVEAL_NONCE = Math.random().toString(36).slice(2, 10);
const REVEAL_PLACEHOLDER = new RegExp(`@@reveal-${REVEAL_NONCE}-(\\d+)@@`, 'g');

/**
 * A JSON-safe, redacted copy of a log value (errors expanded, cycles cut, secrets removed).
 * `reveals` (the logger's): RevealedSecrets become placeholders whose values it collects.
 */
export function sanitizeForLog(value: unknown, reveals?: string[]): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactSecrets(v);
    if (v instanceof RevealedSecret) {
      if (reveals === undefined) return REDACTED;
      reveals.push(v.reveal());
      return `@@reveal-${REVEAL_NONCE}-${reveals.length - 1}@@`;
    }
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return v.toString();
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v !== 'object') return String(v);
    if (seen.has(v)) return '[Circular]';
    if (depth > 12) return '[Truncated]';
    seen.add(v);
    try {
      if (v instanceof Error) {
        const out: Record<string, unknown> = { name: v.name, message: redactSecrets(v.message) };
        for (const key of ['code', 'status', 'requestId', 'operation', 'isRetryable'] as const) {
          const field = (v as unknown as Record<string, unknown>)[key];
          if (field !== undefined) out[key] = walk(field, depth + 1);
        }
        if (v.stack !== undefined) out.stack = redactSecrets(v.stack);
        if (v.cause !== undefined) out.cause = walk(v.cause, depth + 1);
        return out;
      }
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
      if (v instanceof URL) return redactSecrets(v.toString());
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1) ?? null);
      if (v instanceof Map) return walk(Object.fromEntries(v), depth);
      if (v instanceof Set) return walk([...v], depth);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) {
        const safeKey = redactSecrets(key);
        out[safeKey] = SENSITIVE_KEY.test(key) && item != null ? REDACTED : walk(item, depth + 1);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}

/** A log level by name (case-insensitive; `warning` and `trace` too), else undefined. */
export function parseLogLevel(raw: string | undefined): LogLevel | undefined {
  const value = raw?.trim().toLowerCase();
  if (value === 'warning') return 'warn';
  if (value === 'trace') return 'debug';
  return LOG_LEVELS.find((level) => level === value);
}

/** LOG_LEVEL (debug, info, warn, error; case-insensitive), else 'info'. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  return parseLogLevel(env.LOG_LEVEL) ?? 'info';
}

/** A logger writing one `{"level","msg","fields"}` JSON line per call, secrets redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? logLevelFromEnv();
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  return makeLogger(SEVERITY[level], write, options.fields ?? {});
}

function makeLogger(threshold: number, write: (line: string) => void, base: LogFields): Logger {
  const log = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (SEVERITY[level] < threshold) return;
    const merged = fields === undefined ? base : { ...base, ...fields };
    const reveals: string[] = [];
    let line: string;
    try {
      line = JSON.stringify({
        level,
        msg: redactSecrets(String(msg)),
        fields: sanitizeForLog(merged, reveals),
      });
    } catch (error) {
      line = JSON.stringify({
        level,
        msg: redactSecrets(String(msg)),
        fields: { logError: redactSecrets(String(error)) },
      });
    }
    // A last pass over the whole line catches anything the structured pass could not see.
    let out = redactSecrets(line);
    if (reveals.length > 0) {
      out = out.replace(REVEAL_PLACEHOLDER, (_match, i: string) =>
        JSON.stringify(reveals[Number(i)] ?? '').slice(1, -1),
      );
    }
    write(`${out}\n`);
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (fields) => makeLogger(threshold, write, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests, library use without logs). */
export function createSilentLogger(): Logger {
  const silent: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    child: () => silent,
  };
  return silent;
}
