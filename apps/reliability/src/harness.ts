// The reliability suite's end-to-end harness: builds the bundle, runs it as the Flow runtime
// would (open on stdin, responses on stdout, logs on stderr) against an emulator started in the
// test process, keeps what the runtime keeps (documents up to the last checkpoint, the state
// merged from checkpoints), kills it at chosen points, and compares reduced collections with the
// emulator's ground truth. Used by the *.test.ts files here and by scripts/torture.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CollectionStore, ConnectorExit, ConnectorLog, ConnectorRun } from '@source-notion/connector';
import { createCollectionStore, spawnConnector } from '@source-notion/connector';
import { mergePatchInPlace } from '@source-notion/core';
import type { Emulator, EmulatorOptions, WorkspaceOptions } from '@source-notion/notion-emulator';
import { startEmulator } from '@source-notion/notion-emulator';
import { dataSourceDocument } from '@source-notion/stream-data-sources';
import { pageDocument } from '@source-notion/stream-pages';
import { userDocument } from '@source-notion/stream-users';

export const STREAMS = ['users', 'databases', 'data_sources', 'pages', 'blocks', 'comments'] as const;
export type StreamName = (typeof STREAMS)[number];
export type Doc = Record<string, unknown>;

/** The connector's package directory: its `scripts/build.mjs` writes the bundle. */
const connectorDir = dirname(createRequire(import.meta.url).resolve('@source-notion/connector/package.json'));

/**
 * A fresh build of the bundle into a temporary directory (what the connector's `pnpm build` writes
 * to apps/connector/dist/source-notion.mjs), so the suite tests the current sources. Set
 * SOURCE_NOTION_BUNDLE to test a given bundle instead (e.g. the image's).
 */
export function buildBundle(): { path: string; cleanup(): void } {
  const given = process.env.SOURCE_NOTION_BUNDLE;
  if (given !== undefined && given !== '') {
    if (!existsSync(given)) throw new Error(`SOURCE_NOTION_BUNDLE=${given} does not exist`);
    return { path: given, cleanup: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'source-notion-reliability-'));
  const path = join(dir, 'source-notion.mjs');
  execFileSync(process.execPath, [join(connectorDir, 'scripts', 'build.mjs'), '--outfile', path], {
    stdio: 'pipe',
  });
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small workspace: every kind of special content (synced blocks into unshared pages, unsupported blocks, a deep chain), few requests. */
export const SMALL_WORKSPACE: WorkspaceOptions = {
  pages: 20,
  users: 3,
  dataSources: 3,
  blocksPerPage: 5,
  maxDepth: 6,
  unsharedPages: 1,
};

export interface SeededEmulatorOptions {
  /** Seeds the workspace and the emulator. */
  seed: number;
  /** Seeds the canary token, the only token the emulator accepts. Default `seed`. */
  canarySeed?: number;
  /** On top of SMALL_WORKSPACE. */
  workspace?: Partial<WorkspaceOptions>;
  /** Requests per minute; default null (no rate limit). */
  rpm?: number | null;
  timeScale?: number;
  latency?: EmulatorOptions['latency'];
}

/** An emulator serving the small workspace of `seed` to the canary token of `canarySeed`. */
export async function startSeededEmulator(
  options: SeededEmulatorOptions,
): Promise<{ emulator: Emulator; canary: string }> {
  const { seed, canarySeed = seed, workspace, rpm = null, timeScale, latency } = options;
  const canary = canaryToken(canarySeed);
  const emulator = await startEmulator({
    workspace: { seed, ...SMALL_WORKSPACE, ...workspace },
    rpm,
    tokens: [{ token: canary }],
    seed,
    ...(timeScale === undefined ? {} : { timeScale }),
    ...(latency === undefined ? {} : { latency }),
  });
  return { emulator, canary };
}

export interface Suite {
  /** Path of the freshly built bundle. */
  bundle: string;
  emulator: Emulator;
  canary: string;
  /** Stops the emulator and removes the bundle. */
  close(): Promise<void>;
}

/**
 * The shared setup of the reliability test files: a fresh bundle and a seeded emulator. Call it
 * in beforeAll and `close()` it in afterAll.
 */
export async function startSuite(options: SeededEmulatorOptions): Promise<Suite> {
  const built = buildBundle();
  try {
    const { emulator, canary } = await startSeededEmulator(options);
    return {
      bundle: built.path,
      emulator,
      canary,
      close: async () => {
        try {
          await emulator.close();
        } finally {
          built.cleanup();
        }
      },
    };
  } catch (error) {
    built.cleanup();
    throw error;
  }
}

/** A canary token: a value that must never show up in any output. Not token-shaped on purpose, so
 * only the connector's own secret registration (not the shape redaction) can hide it. */
export function canaryToken(seed: number): string {
  let x = (seed * 2654435761) >>> 0 || 1;
  let tail = '';
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  for (let i = 0; i < 28; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    tail += alphabet[x % alphabet.length];
  }
  return `cnry-${tail}`;
}

export function endpointConfig(token: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    credentials: { auth_type: 'token', token },
    start_date: '2000-01-01T00:00:00Z',
    advanced: { requests_per_minute: 10_000 },
    ...extra,
  };
}

export interface OpenOptions {
  config: Record<string, unknown>;
  state: unknown;
  streams?: readonly string[];
  /** Per-binding interval (resource config); default PT5M. */
  interval?: string;
  /** stateKey of each binding; default the stream name. */
  stateKey?: (stream: string, index: number) => string;
}

export function openRequest(options: OpenOptions): Record<string, unknown> {
  const streams = options.streams ?? STREAMS;
  return {
    open: {
      capture: {
        name: 'acmeCo/notion',
        connectorType: 'IMAGE',
        config: options.config,
        intervalSeconds: 300,
        bindings: streams.map((stream, index) => ({
          resourceConfig: {
            stream,
            syncMode: 'incremental',
            ...(options.interval ? { interval: options.interval } : {}),
          },
          resourcePath: [stream],
          collection: { name: `acmeCo/${stream}`, key: ['/id'], projections: [], writeSchema: {} },
          backfill: 0,
          stateKey: options.stateKey?.(stream, index) ?? stream,
        })),
      },
      version: 'reliability',
      range: { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 },
      state: options.state ?? {},
    },
  };
}

/** The environment the runtime gives the connector: nothing inherited from the test process. */
export function connectorEnv(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    NOTION_API_BASE_URL: url,
    LOG_LEVEL: 'debug',
    SOURCE_NOTION_STATUS_INTERVAL_MS: '200',
    ...extra,
  };
}

export interface SessionOptions {
  bundle: string;
  env: NodeJS.ProcessEnv;
  open: Record<string, unknown>;
  /** End the session (stdin EOF) once every binding completed this many sweeps. Default 1. */
  sweeps?: number;
  /** Kill the connector (SIGKILL unless `killSignal`) right after it wrote this many stdout lines. */
  killAfterLines?: number;
  killSignal?: NodeJS.Signals;
  /** Called with every response and log; return 'kill' to kill, 'end' to close stdin. */
  watch?: (event: { response?: Doc; log?: ConnectorLog; lines: number }) => 'kill' | 'end' | undefined;
  /** Real-time limit; the connector is killed after it and the result says so. Default 45 s. */
  timeoutMs?: number;
  /** Called once the process runs and has the open request. */
  onSpawn?: (run: ConnectorRun) => void;
}

export interface SessionResult {
  exit: ConnectorExit;
  /** Documents the runtime committed (followed by a checkpoint), per binding index. */
  committed: Doc[][];
  /** Documents written after the last checkpoint: the runtime drops them. */
  uncommitted: number;
  /** Input state with every checkpoint merged in (RFC 7396). */
  state: unknown;
  checkpoints: number;
  logs: ConnectorLog[];
  /** Every stdout and stderr line as text (for canary scans). */
  transcript: string[];
  stdoutLines: number;
  /** Sweeps completed per binding index, from the connector's sweep logs. */
  sweeps: Map<number, number>;
  killed: boolean;
  timedOut: boolean;
  /** Real ms from spawn to exit. */
  durationMs: number;
  pid: number | undefined;
}

/** One open session of the bundle, as the runtime sees it. */
export async function runSession(options: SessionOptions): Promise<SessionResult> {
  const open = options.open as { open: { state?: unknown; capture: { bindings: unknown[] } } };
  const bindingCount = open.open.capture.bindings.length;
  const wantSweeps = options.sweeps ?? 1;
  const logs: ConnectorLog[] = [];
  const transcript: string[] = [];
  const committed: Doc[][] = Array.from({ length: bindingCount }, () => []);
  let pending: Array<{ binding: number; doc: Doc }> = [];
  let state: unknown = structuredClone(open.open.state ?? {});
  let checkpoints = 0;
  let lines = 0;
  let killed = false;
  let timedOut = false;
  let ended = false;
  const sweeps = new Map<number, number>();
  const started = Date.now();

  let run: ConnectorRun | undefined;
  let signalled = false;
  const kill = (signal: NodeJS.Signals = options.killSignal ?? 'SIGKILL') => {
    // One SIGTERM, as the runtime sends (a second one during the clean stop would be another
    // test); SIGKILL (the time limit) still follows a SIGTERM that did not end the process.
    if (run === undefined || killed || (signalled && signal !== 'SIGKILL')) return;
    signalled = true;
    killed = signal === 'SIGKILL';
    run.child.kill(signal);
  };
  const end = () => {
    if (ended || run === undefined) return;
    ended = true;
    run.end();
  };
  const react = (verdict: 'kill' | 'end' | undefined) => {
    if (verdict === 'kill') kill();
    if (verdict === 'end') end();
  };

  run = spawnConnector({
    command: { command: process.execPath, args: [options.bundle] },
    env: options.env,
    keepResponses: false,
    onResponse: (response) => {
      if (killed) return; // after SIGKILL nothing more reaches the runtime
      lines += 1;
      transcript.push(JSON.stringify(response));
      if ('captured' in response) {
        pending.push(response.captured as { binding: number; doc: Doc });
      } else if ('checkpoint' in response) {
        const checkpoint = response.checkpoint as { state: { updated: unknown; mergePatch?: boolean } };
        state =
          checkpoint.state.mergePatch === true
            ? mergePatchInPlace(state, checkpoint.state.updated)
            : checkpoint.state.updated;
        checkpoints += 1;
        for (const { binding, doc } of pending) committed[binding]?.push(doc);
        pending = [];
      }
      if (options.killAfterLines !== undefined && lines >= options.killAfterLines) kill();
      react(options.watch?.({ response, lines }));
    },
    onLog: (log) => {
      logs.push(log);
      transcript.push(JSON.stringify(log));
      const binding = log.fields.binding;
      if (typeof log.fields.sweepCompleted === 'number' && typeof binding === 'number') {
        sweeps.set(binding, (sweeps.get(binding) ?? 0) + 1);
        if (sweeps.size === bindingCount && [...sweeps.values()].every((n) => n >= wantSweeps)) end();
      }
      react(options.watch?.({ log, lines }));
    },
  });
  run.send(options.open);
  options.onSpawn?.(run);
  const timer = setTimeout(() => {
    timedOut = true;
    kill('SIGKILL');
  }, options.timeoutMs ?? 45_000);
  const exit = await run.done.finally(() => clearTimeout(timer));
  return {
    exit,
    committed,
    uncommitted: pending.length,
    state,
    checkpoints,
    logs,
    transcript,
    stdoutLines: lines,
    sweeps,
    killed,
    timedOut,
    durationMs: Date.now() - started,
    pid: run.child.pid,
  };
}

// ---------------------------------------------------------------------------------------------
// Collections

export type Collections = Record<StreamName, CollectionStore>;

export function newCollections(): Collections {
  return Object.fromEntries(STREAMS.map((s) => [s, createCollectionStore(['/id'])])) as Collections;
}

/** Reduces committed documents (per binding index, bindings in `streams` order) into collections. */
export function reduceInto(
  collections: Collections,
  committed: Doc[][],
  streams: readonly string[] = STREAMS,
): void {
  streams.forEach((stream, index) => {
    const store = collections[stream as StreamName];
    for (const doc of committed[index] ?? []) store.apply(doc);
  });
}

const byId = <T extends { id?: unknown }>(docs: T[]): T[] =>
  [...docs].sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));

/** The ground truth as the documents a complete capture holds (each stream's documented transform). */
export function expectedCollections(emulator: Emulator): Record<StreamName, Doc[]> {
  const truth = emulator.groundTruth();
  return {
    users: byId(truth.users.map((user) => userDocument(user as never) as Doc)),
    databases: byId(truth.databases as Doc[]),
    data_sources: byId(truth.data_sources.map((source) => dataSourceDocument(source as never) as Doc)),
    pages: byId(truth.pages.map((page) => pageDocument(page as never) as Doc)),
    blocks: byId(truth.blocks as unknown as Doc[]),
    comments: byId(truth.comments as unknown as Doc[]),
  };
}

export function collectionDocs(collections: Collections): Record<StreamName, Doc[]> {
  return Object.fromEntries(STREAMS.map((s) => [s, byId(collections[s].documents())])) as Record<
    StreamName,
    Doc[]
  >;
}

export interface StreamDiff {
  stream: StreamName;
  expected: number;
  actual: number;
  missing: string[];
  extra: string[];
  different: string[];
  /** For the first few `different` ids: the first differing JSON path, actual vs expected. */
  details: string[];
}

/** Per stream: ids missing, extra, or with different content (fields that change on every read excluded by the caller). */
export function diffCollections(
  actual: Record<StreamName, Doc[]>,
  expected: Record<StreamName, Doc[]>,
  streams: readonly StreamName[] = STREAMS,
): StreamDiff[] {
  return streams.map((stream) => {
    const want = new Map(expected[stream].map((doc) => [String(doc.id), JSON.stringify(canonical(doc))]));
    const have = new Map(actual[stream].map((doc) => [String(doc.id), JSON.stringify(canonical(doc))]));
    const missing = [...want.keys()].filter((id) => !have.has(id));
    const extra = [...have.keys()].filter((id) => !want.has(id));
    const different = [...want.keys()].filter((id) => have.has(id) && have.get(id) !== want.get(id));
    const details = different.slice(0, 3).map((id) => {
      const a = canonical(actual[stream].find((doc) => String(doc.id) === id));
      const e = canonical(expected[stream].find((doc) => String(doc.id) === id));
      return `${id}${firstDifference(a, e, '')}`;
    });
    return { stream, expected: want.size, actual: have.size, missing, extra, different, details };
  });
}

function firstDifference(a: unknown, e: unknown, path: string): string {
  if (JSON.stringify(a) === JSON.stringify(e)) return '';
  if (typeof a === 'object' && a !== null && typeof e === 'object' && e !== null) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(e)])) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (e as Record<string, unknown>)[key],
        `${path}/${key}`,
      );
      if (found !== '') return found;
    }
  }
  return ` at ${path || '/'}: ${JSON.stringify(a)?.slice(0, 80)} (expected ${JSON.stringify(e)?.slice(0, 80)})`;
}

/** A diff with nothing in it. */
export function isClean(diffs: StreamDiff[]): boolean {
  return diffs.every((d) => d.missing.length === 0 && d.extra.length === 0 && d.different.length === 0);
}

/** A readable one-line-per-stream summary of a diff (for assertion messages and the torture table). */
export function describeDiff(diffs: StreamDiff[]): string {
  return diffs
    .filter((d) => d.missing.length + d.extra.length + d.different.length > 0)
    .map(
      (d) =>
        `${d.stream}: ${d.actual}/${d.expected} docs, missing ${d.missing.length} [${d.missing.slice(0, 3).join(', ')}], extra ${d.extra.length} [${d.extra.slice(0, 3).join(', ')}], different ${d.different.length} [${d.details.join('; ')}]`,
    )
    .join('\n');
}

/**
 * Object keys sorted, so documents compare by content, not key order; minus what changes on every
 * read of an unchanged object: signed file URLs and their `expiry_time` (NOTION-API.md), and a
 * top-level `request_id` (the response envelope's; see the reliability README: a stream that
 * leaves it in its documents is reported, not hidden, by `envelopeLeaks`).
 */
function canonical(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const signed = typeof record.expiry_time === 'string' && typeof record.url === 'string';
  return Object.fromEntries(
    Object.keys(record)
      .filter((key) => !(signed && (key === 'url' || key === 'expiry_time')))
      .filter((key) => !(depth === 0 && key === 'request_id'))
      .sort()
      .map((key) => [key, canonical(record[key], depth + 1)]),
  );
}

/** Streams whose documents carry the response envelope's `request_id` (a new value on every read). */
export function envelopeLeaks(actual: Record<StreamName, Doc[]>): StreamName[] {
  return STREAMS.filter((stream) => actual[stream].some((doc) => 'request_id' in doc));
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** Where the canary shows up: stdout/stderr lines, the state or documents. Empty when nowhere. */
export function findCanary(canary: string, ...texts: unknown[]): string[] {
  const hits: string[] = [];
  for (const text of texts) {
    const s = typeof text === 'string' ? text : JSON.stringify(text);
    if (s === undefined) continue;
    const at = s.indexOf(canary);
    if (at >= 0)
      hits.push(s.slice(Math.max(0, at - 80), at + canary.length + 20).replace(canary, '<CANARY>'));
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// A fault proxy: for faults the emulator cannot play (a token revoked mid-capture, an integration
// blocked, a capability removed), it forwards to the emulator until `failAfter` API requests
// matched, then answers every matching request with `respond`.

export interface ProxyRule {
  /** Which API requests count and fail (method + path). Default: all. */
  match?: (method: string, path: string) => boolean;
  /** Matching requests that pass before the rule starts failing them. */
  failAfter: number;
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface FaultProxy {
  url: string;
  /** API requests forwarded and answered by the rule. */
  stats(): { forwarded: number; failed: number };
  close(): Promise<void>;
}

/**
 * Rewrites the JSON body of matching API responses (an API that breaks the expected shape);
 * `rewritten()` lists the request ids of the responses it changed.
 */
export interface RewriteRule {
  match: (method: string, path: string) => boolean;
  transform: (body: Record<string, unknown>) => Record<string, unknown>;
}

export async function startRewriteProxy(
  target: string,
  rule: RewriteRule,
): Promise<{ url: string; rewritten(): string[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const rewritten: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const proxied = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path,
        headers: { ...req.headers, 'accept-encoding': 'identity' },
      },
      (upstreamRes) => {
        const status = upstreamRes.statusCode ?? 502;
        if (!(status === 200 && path.startsWith('/v1/') && rule.match(method, path))) {
          res.writeHead(status, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          const body = rule.transform(
            JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          );
          rewritten.push(String(body.request_id ?? upstreamRes.headers['x-notion-request-id'] ?? ''));
          const text = JSON.stringify(body);
          const headers = { ...upstreamRes.headers, 'content-length': String(Buffer.byteLength(text)) };
          delete headers['transfer-encoding'];
          res.writeHead(status, headers);
          res.end(text);
        });
        upstreamRes.on('error', () => res.destroy());
      },
    );
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rewritten: () => [...rewritten],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startFaultProxy(target: string, rule: ProxyRule): Promise<FaultProxy> {
  const upstream = new URL(target);
  let matched = 0;
  let forwarded = 0;
  let failed = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const isApi = path.startsWith('/v1/');
    if (isApi && (rule.match?.(method, path) ?? true)) {
      matched += 1;
      if (matched > rule.failAfter) {
        failed += 1;
        req.resume();
        const body = JSON.stringify({
          object: 'error',
          status: rule.status,
          request_id: `proxy-${failed}`,
          ...rule.body,
        });
        res.writeHead(rule.status, { 'content-type': 'application/json', ...rule.headers });
        res.end(body);
        return;
      }
    }
    forwarded += 1;
    const proxied = httpRequest(
      { host: upstream.hostname, port: upstream.port, method, path, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => res.destroy());
      },
    );
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ forwarded, failed }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Memory

/** Resident set size of a process in KiB (Linux /proc), or undefined when it is gone. */
export function vmRssKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** A deterministic PRNG (mulberry32) for seeded kill points and mutations. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
