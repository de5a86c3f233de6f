import { type Clock, createSystemClock } from '../clock.js';
import { type EndpointConfig, parseEndpointConfig } from '../config.js';
import type { JsonSchema } from '../json-schema.js';
import { createSilentLogger, type Logger } from '../logger.js';
import { applyMergePatch } from '../merge-patch.js';
import { createNotionClient, type NotionClient } from '../notion-client.js';
import { createRateLimiter } from '../rate-limiter.js';
import type { Stream, StreamContext } from '../stream.js';
import type { StreamDocument } from '../stream-documents.js';
import { isDeletionDocument } from '../stream-documents.js';
import { type RecordingStreamContext, recordingStreamContext } from './recording-context.js';

export interface StreamTestContextOptions {
  /** The emulator's url. */
  baseUrl: string;
  token: string;
  /** Merged into the endpoint config (e.g. `{ start_date, advanced: { inline_comments: true } }`). */
  config?: Record<string, unknown>;
  clock?: Clock;
  logger?: Logger;
  /** Default 100,000 (no pacing to speak of). */
  requestsPerMinute?: number;
}

export interface StreamTestContext extends RecordingStreamContext {
  close(): Promise<void>;
}

/** A StreamContext talking to a local server (the emulator), with its own rate limiter. */
export function createStreamTestContext(options: StreamTestContextOptions): StreamTestContext {
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger ?? createSilentLogger();
  const raw = { credentials: { auth_type: 'token', token: options.token }, ...options.config };
  const config: EndpointConfig = parseEndpointConfig(raw, { now: new Date(clock.now()) });
  const requestsPerMinute = options.requestsPerMinute ?? 100_000;
  const notion: NotionClient = createNotionClient({
    token: options.token,
    notionVersion: config.advanced.notion_version,
    baseUrl: options.baseUrl,
    logger,
    clock,
    limiter: createRateLimiter({ requestsPerMinute, clock, logger }),
  });
  return { ...recordingStreamContext({ notion, logger, config, clock }), close: () => notion.close() };
}

export interface RunStreamSweepOptions {
  /** Stop consuming the sweep after this many events (a simulated crash). */
  stopAfterEvents?: number;
}

export interface StreamSweepResult<S> {
  /** Every document yielded (committed or not). */
  docs: StreamDocument[];
  /** Documents followed by a checkpoint: what Flow would have committed. */
  committedDocs: StreamDocument[];
  /** Every checkpoint patch, in order. */
  checkpoints: unknown[];
  /** Every schema the stream declared (`{schema}` events), in order. */
  schemas: JsonSchema[];
  /** The state after applying the checkpoints reached (the state a restart would read). */
  state: S;
  /** False when stopped by `stopAfterEvents` before the sweep ended. */
  completed: boolean;
  events: number;
}

/**
 * Runs one sweep of `stream` from `state`, collecting documents and checkpoints, and applies the
 * checkpoints (merge patches) reached to `state`, as the runtime would. Stopping early
 * (`stopAfterEvents`) simulates a crash: documents after the last checkpoint are not committed.
 */
export async function runStreamSweep<S>(
  stream: Stream<S>,
  ctx: StreamContext,
  state: S,
  options: RunStreamSweepOptions = {},
): Promise<StreamSweepResult<S>> {
  const result: StreamSweepResult<S> = {
    docs: [],
    committedDocs: [],
    checkpoints: [],
    schemas: [],
    state,
    completed: false,
    events: 0,
  };
  let pending: StreamDocument[] = [];
  let current: unknown = state;
  const iterator = stream.read(ctx, state)[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (options.stopAfterEvents !== undefined && result.events >= options.stopAfterEvents) break;
      const next = await iterator.next();
      if (next.done) {
        result.completed = true;
        break;
      }
      result.events++;
      const event = next.value;
      if ('doc' in event) {
        result.docs.push(event.doc);
        pending.push(event.doc);
      } else if ('schema' in event) {
        result.schemas.push(event.schema);
      } else {
        result.checkpoints.push(event.checkpoint);
        current = applyMergePatch(current, event.checkpoint);
        result.committedDocs.push(...pending);
        pending = [];
      }
    }
  } finally {
    if (!result.completed) await iterator.return?.(undefined);
  }
  result.state = current as S;
  return result;
}

/** A collection reduced by key (last write wins; `_meta.op: 'd'` deletes), as Flow would keep it. */
export class TestCollection {
  readonly docs = new Map<string, StreamDocument>();

  constructor(private readonly keyOf: (doc: StreamDocument) => string = (doc) => String(doc.id)) {}

  apply(docs: Iterable<StreamDocument>): this {
    for (const doc of docs) {
      const key = this.keyOf(doc);
      if (isDeletionDocument(doc)) this.docs.delete(key);
      else this.docs.set(key, doc);
    }
    return this;
  }

  get size(): number {
    return this.docs.size;
  }

  /** Documents sorted by key. */
  sorted(): StreamDocument[] {
    return [...this.docs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, doc]) => doc);
  }
}

/**
 * A copy of `value` without what changes on every read although nothing changed: Notion-hosted
 * files carry signed URLs that expire (`{url, expiry_time}` objects become `{signed: true}`).
 */
export function withoutVolatile<T>(value: T): T {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    if (typeof o.url === 'string' && typeof o.expiry_time === 'string') return { signed: true };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, strip(x)]));
  };
  return strip(value) as T;
}

export interface SweepWithCrashesResult<S> {
  collection: TestCollection;
  state: S;
  /** Sweeps run (the interrupted ones included). */
  sweeps: number;
}

/**
 * Runs sweeps of `stream` from `state`, stopping each of the first ones after `stops[i]` events (a
 * crash), then restarting from the state the committed checkpoints reached, until one sweep
 * completes. Only committed documents reach the collection.
 */
export async function sweepWithCrashes<S>(
  stream: Stream<S>,
  ctx: StreamContext,
  state: S,
  stops: readonly number[],
  collection: TestCollection = new TestCollection(),
): Promise<SweepWithCrashesResult<S>> {
  let current = state;
  let sweeps = 0;
  for (let i = 0; ; i++) {
    const stop = stops[i];
    const result = await runStreamSweep(
      stream,
      ctx,
      current,
      stop === undefined ? {} : { stopAfterEvents: stop },
    );
    sweeps++;
    collection.apply(result.committedDocs);
    current = result.state;
    if (result.completed) return { collection, state: current, sweeps };
    if (i > stops.length + 100) throw new Error('sweepWithCrashes: the stream never completes a sweep');
  }
}
