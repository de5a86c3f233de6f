import type { AddressInfo } from 'node:net';
import { createEmulatedClock } from './clock.js';
import {
  buildGroundTruth,
  type GroundTruth,
  type GroundTruthSummary,
  summarizeGroundTruth,
} from './ground-truth.js';
import { createRandom, hashInts } from './random.js';
import { handleAdmin, MUTATIONS, type MutationName } from './server/admin.js';
import type { TokenConfig } from './server/api-context.js';
import { createCursorCodec } from './server/cursor.js';
import { ApiError, type ErrorCode } from './server/errors.js';
import { type FaultKind, type FaultOptions, FaultPlan, type InjectOptions } from './server/faults.js';
import { type PageMarkdownResponse, pageMarkdownAnswer } from './server/handlers/markdown.js';
import { createApiServer } from './server/http-server.js';
import { createLatencySampler, type LatencyOptions } from './server/latency.js';
import { type LimitOptions, resolveLimits } from './server/limits.js';
import { RateLimiter } from './server/rate-limit.js';
import { type Counters, RequestLog, type RequestLogEntry } from './server/request-log.js';
import {
  type WebhookDelivery,
  WebhookDispatcher,
  type WebhookVerification,
} from './webhooks/webhook-dispatcher.js';
import { resolveWebhookOptions, type WebhookOptions } from './webhooks/webhook-options.js';
import { normalizeUuid } from './workspace/ids.js';
import type { WorkspaceOptions } from './workspace/options.js';
import { Workspace } from './workspace/workspace.js';

/** The token the emulator accepts when none is configured (not a secret: it only opens a local emulator). */
export const DEFAULT_TOKEN = 'ntn_emulator_default_token';

export interface TokenOptions {
  token: string;
  /** "Read user information" capability. Default true. */
  readUsers?: boolean;
  /** "Read comments" capability. Default true. */
  readComments?: boolean;
}

export interface EmulatorOptions {
  /** Generator knobs, or a workspace built beforehand (createWorkspace). */
  workspace?: WorkspaceOptions | Workspace;
  host?: string;
  port?: number;
  /** Per-token budget per 60 s window (emulated); null = no limit. Default 180. */
  rpm?: number | null;
  /** Per-workspace budget per 60 s window across tokens; null (default) = no limit. */
  workspaceRpm?: number | null;
  /** Retry-After (s) once the workspace budget is spent. Default 430. */
  workspaceRetryAfterS?: number;
  /** Emulated time runs this much faster than real time: windows, Retry-After, latency, clock. Default 1. */
  timeScale?: number;
  /** Emulated latency distribution; default false (no latency). */
  latency?: false | LatencyOptions;
  faults?: FaultOptions;
  /**
   * Notion's real limits, on by default at realistic values (see LimitOptions and DEFAULT_LIMITS):
   * search position cap, cursor expiry, search omissions, 25-reference rollups and formulas.
   * `false` turns them all off.
   */
  limits?: LimitOptions | false;
  /** Tokens and their capabilities; default one full-capability DEFAULT_TOKEN. */
  tokens?: TokenOptions[];
  /** Seed of the workspace (when `workspace` gives none), faults and latency. Default 1. */
  seed?: number;
  /** Most rows one data source query returns before request_status incomplete. Default 10,000. */
  queryResultLimit?: number;
  /** More API requests in flight than this are answered 429 (Notion: ~60–70). Default: no limit. */
  maxConcurrent?: number | null;
  /** Emulated clock start (epoch ms). Default: real now. */
  startTime?: number;
  /** Request log entries kept. Default 100,000. */
  requestLogLimit?: number;
  /** Called with unexpected errors (emulator bugs); default writes them to stderr. */
  onError?: (error: unknown) => void;
  /**
   * Answers a request identical to an earlier one (token, version, method, URL, body) with the
   * earlier answer's body (a fresh request id), until the workspace next changes: an API that costs
   * next to no CPU, for measuring a client's own overhead on the same machine. Time-dependent
   * details (search indexing lag, file URL expiry) stay as first answered. Default false.
   */
  responseCache?: boolean;
  /**
   * A webhook subscription: the emulator POSTs the events Notion would send for its mutations to
   * `url`, signed with the verification token, after `delayMs` of emulated time (see WebhookOptions).
   * Default: none (subscribeWebhooks starts one later).
   */
  webhooks?: WebhookOptions;
}

/** The error one object answers (Emulator.failObject). */
export interface ObjectFailure {
  status: number;
  code: ErrorCode;
  /** Default: a message naming the status. */
  message?: string;
}

export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:PORT (what NOTION_API_BASE_URL and the SDK's baseUrl take). */
  url: string;
  /** The default token (the first configured one). */
  token: string;
  workspace: Workspace;
  groundTruth(): GroundTruth;
  /** Counts only (cheap on large workspaces). */
  groundTruthSummary(): GroundTruthSummary;
  /**
   * What `GET /v1/pages/{id}/markdown?markdown_version=v2` would answer for a page or block id, with
   * the emulator's limits (record limit), without a request; undefined where it answers 404.
   */
  pageMarkdown(id: string, options?: { includeTranscript?: boolean }): PageMarkdownResponse | undefined;
  requests(): RequestLogEntry[];
  counters(): Counters;
  /** Clears the request log and counters. */
  resetCounters(): void;
  /** Forgets rate-limit windows (and any workspace-level block). */
  resetRateLimits(): void;
  /** Queues a fault for the next matching request(s). */
  injectFault(kind: FaultKind, options?: InjectOptions): void;
  /**
   * Every API request naming this object (page, block, database or data source id in its path,
   * e.g. a data source query) answers this error until clearObjectFailure.
   */
  failObject(id: string, failure: ObjectFailure): void;
  clearObjectFailure(id: string): void;
  /** Emulated clock, epoch ms. */
  now(): number;
  /**
   * Starts (or re-points) the webhook subscription and POSTs its verification request
   * `{"verification_token": …}`; resolves with the answer's status (null: no answer).
   */
  subscribeWebhooks(options: WebhookOptions): Promise<WebhookVerification>;
  /**
   * Ends the subscription, as deleting it in the integration's settings does: no further event is
   * sent, and those still waiting or due for a retry are dropped (counted as failed in
   * webhookDeliveries). A later subscribeWebhooks starts a new one.
   */
  unsubscribeWebhooks(): void;
  /** The subscription's URL and verification token; undefined without one. */
  webhookSubscription(): { url: string; verificationToken: string } | undefined;
  /** Every webhook event queued so far and how its delivery stands ([] without a subscription). */
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves once no webhook event is waiting, in flight, or due for a retry or a duplicate. */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed = options.seed ?? 1;
  const workspace =
    options.workspace instanceof Workspace
      ? options.workspace
      : new Workspace({ seed, ...(options.workspace ?? {}) });
  const clock = createEmulatedClock({
    scale: options.timeScale ?? 1,
    ...(options.startTime !== undefined ? { startMs: options.startTime } : {}),
  });
  workspace.setClock(() => clock.now());

  const tokenList = options.tokens && options.tokens.length > 0 ? options.tokens : [{ token: DEFAULT_TOKEN }];
  const tokens = new Map<string, TokenConfig>();
  tokenList.forEach((t, i) => {
    if (!t.token) throw new Error('a token must not be empty');
    tokens.set(t.token, {
      token: t.token,
      readUsers: t.readUsers ?? true,
      readComments: t.readComments ?? true,
      label: `token#${i}`,
    });
  });

  const faultOptions = options.faults ?? {};
  const faults = new FaultPlan(faultOptions, seed);
  const limiter = new RateLimiter({
    rpm: options.rpm === undefined ? 180 : options.rpm,
    workspaceRpm: options.workspaceRpm ?? null,
    workspaceRetryAfterS: options.workspaceRetryAfterS ?? 430,
  });
  const log = new RequestLog(options.requestLogLimit ?? 100_000);
  let url = '';
  const env = {
    ws: workspace,
    cursors: createCursorCodec(seed),
    seed,
    baseUrl: () => url,
    queryResultLimit: options.queryResultLimit ?? 10_000,
    search: {
      ...(faultOptions.searchCursorTtlResults !== undefined
        ? { cursorTtlResults: faultOptions.searchCursorTtlResults }
        : {}),
      ...(faultOptions.searchCursorTtlSeconds !== undefined
        ? { cursorTtlSeconds: faultOptions.searchCursorTtlSeconds }
        : {}),
      indexLagMs: (faultOptions.searchIndexLagS ?? 0) * 1000,
      omitRate: faultOptions.searchOmitRate ?? 0,
    },
    limits: resolveLimits(options.limits),
  };

  const mutate = (op: string, args: unknown[]): unknown => {
    if (!(MUTATIONS as readonly string[]).includes(op)) throw new Error(`unknown mutation ${op}`);
    const fn = workspace[op as MutationName] as (...a: unknown[]) => unknown;
    return fn.apply(workspace, args);
  };

  const reportError = (error: unknown): void =>
    (options.onError ?? ((e) => console.error('notion-emulator: unexpected error', e)))(error);
  let dispatcher: WebhookDispatcher | undefined;
  const webhookRandom = createRandom(hashInts(seed, 0x70c));
  const subscribe = (webhookOptions: WebhookOptions): WebhookDispatcher => {
    const resolved = resolveWebhookOptions(webhookOptions, { seed, random: webhookRandom.next });
    if (dispatcher) dispatcher.reconfigure(resolved);
    else
      dispatcher = new WebhookDispatcher({
        options: resolved,
        workspace,
        clock,
        scope: { readComments: [...tokens.values()][0]?.readComments ?? true },
        onError: reportError,
      });
    return dispatcher;
  };

  const failures = new Map<string, ApiError>();
  const failureKey = (id: string): string => {
    const key = normalizeUuid(id);
    if (!key) throw new Error(`not an object id: ${id}`);
    return key;
  };
  const emulator: Emulator = {
    url: '',
    token: tokenList[0]?.token ?? DEFAULT_TOKEN,
    workspace,
    groundTruth: () => buildGroundTruth(workspace, clock.now()),
    groundTruthSummary: () => summarizeGroundTruth(workspace),
    pageMarkdown: (id, markdownOptions = {}) => {
      try {
        return pageMarkdownAnswer(env, id, {
          includeTranscript: markdownOptions.includeTranscript === true,
          now: clock.now(),
        });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    requests: () => log.list(),
    counters: () => log.snapshot(),
    resetCounters: () => log.reset(),
    resetRateLimits: () => limiter.reset(),
    injectFault: (kind, injectOptions) => faults.inject(kind, injectOptions),
    failObject: (id, failure) => {
      const message = failure.message ?? `Request failed with status ${failure.status}.`;
      failures.set(failureKey(id), new ApiError(failure.status, failure.code, message));
    },
    clearObjectFailure: (id) => {
      failures.delete(failureKey(id));
    },
    now: () => clock.now(),
    subscribeWebhooks: (webhookOptions) => subscribe(webhookOptions).verify(),
    unsubscribeWebhooks: () => {
      dispatcher?.close();
      dispatcher = undefined;
    },
    webhookSubscription: () =>
      dispatcher && { url: dispatcher.url, verificationToken: dispatcher.verificationToken },
    webhookDeliveries: () => dispatcher?.deliveries() ?? [],
    webhooksIdle: () => dispatcher?.idle() ?? Promise.resolve(),
    close: async () => {
      dispatcher?.close();
      await api.close();
    },
  };

  const api = createApiServer({
    env,
    clock,
    tokens,
    limiter,
    faults,
    latency: createLatencySampler(options.latency, seed),
    log,
    concurrency: options.maxConcurrent ? { limit: options.maxConcurrent, retryAfterS: 45 } : null,
    responseCache: options.responseCache === true,
    failures,
    admin: (method, adminUrl, body) => handleAdmin({ ...emulator, mutate }, method, adminUrl, body),
    onError: reportError,
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    api.server.once('error', reject);
    api.server.listen(options.port ?? 0, host, () => {
      api.server.off('error', reject);
      resolve();
    });
  });
  const address = api.server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  emulator.url = url;
  if (options.webhooks) {
    const started = subscribe(options.webhooks);
    // The receiver may not be listening yet: the answer only shows in what the receiver saw.
    if (options.webhooks.verifyOnStart !== false) void started.verify();
  }
  return emulator;
}
