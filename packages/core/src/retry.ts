import { ConnectorError, NotionApiError } from './errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 8. */
  maxAttempts?: number;
  /** Default 500 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff delay (not of a server-requested Retry-After). Default 60 s. */
  maxDelayMs?: number;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  random: Math.random,
};

/**
 * Delay before retrying after failed attempt number `attempt` (1-based): exponential with full
 * jitter, `random() × min(maxDelay, base × 2^(attempt-1))`, never below a tenth of the base.
 */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const random = options.random ?? DEFAULT_RETRY.random;
  const exponent = Math.min(Math.max(0, attempt - 1), 30);
  const ceiling = Math.min(max, base * 2 ** exponent);
  return Math.max(Math.floor(base / 10), Math.floor(random() * ceiling));
}

/**
 * The longest wait a Retry-After can impose: one hour. Workspace-level waits of several minutes
 * are real and honoured in full; an absurd value (a corrupt header) must not stall the capture
 * forever.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Milliseconds a server asked us to wait: the Retry-After header (delta-seconds or an HTTP date),
 * else `additional_data.retry_after` (seconds) of a Notion error body, at most MAX_RETRY_AFTER_MS.
 * Undefined when neither says.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  body?: unknown,
  now: number = Date.now(),
): number | undefined {
  const ms = requestedWait(header?.trim(), body, now);
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}

function requestedWait(text: string | undefined, body: unknown, now: number): number | undefined {
  if (text) {
    if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
    const date = Date.parse(text);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const additional = additionalData(body);
  const value = additional?.retry_after;
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0)
    return Math.ceil(seconds * 1000);
  return undefined;
}

function additionalData(body: unknown): Record<string, unknown> | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  // Either the whole error body or already its additional_data.
  const nested = record.additional_data;
  if (typeof nested === 'object' && nested !== null) return nested as Record<string, unknown>;
  return 'retry_after' in record ? record : undefined;
}

/** Whether retrying could help: retryable connector errors (network, 409/429/5xx/529). */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof NotionApiError) return error.isRetryable;
  if (error instanceof ConnectorError) return error.isRetryable;
  return false;
}
