import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EmulatedClock } from '../clock.js';
import { hashInts } from '../random.js';
import { adaptToVersion, isNotionVersion, type NotionVersion } from '../render/version.js';
import type { ApiEnv, TokenConfig } from './api-context.js';
import { ApiError, rateLimited } from './errors.js';
import type { FaultKind, FaultPlan } from './faults.js';
import { HANDLERS } from './handlers/index.js';
import type { RateLimiter } from './rate-limit.js';
import type { RequestLog } from './request-log.js';
import { matchRoute, type RouteName } from './router.js';

const MAX_BODY = 5 * 1024 * 1024;

export interface AdminResponse {
  status: number;
  body: unknown;
}

export interface ApiServerDeps {
  env: ApiEnv;
  clock: EmulatedClock;
  tokens: ReadonlyMap<string, TokenConfig>;
  limiter: RateLimiter;
  faults: FaultPlan;
  /** Emulated ms of latency for the next response. */
  latency: () => number;
  log: RequestLog;
  /** At most this many API requests in flight; beyond, 429 (Notion's observed behaviour). */
  concurrency: { limit: number; retryAfterS: number } | null;
  admin: (method: string, url: URL, body: string) => AdminResponse;
  /** Unexpected errors (bugs) go here; the client gets a 500. */
  onError: (error: unknown) => void;
  /** Objects (by id) that answer a fixed error on every route naming them (Emulator.failObject). */
  failures: ReadonlyMap<string, ApiError>;
  /** Replay successful answers to identical requests until the workspace changes (EmulatorOptions.responseCache). */
  responseCache?: boolean;
}

/** Most bytes of answers the response cache holds; past it, new answers are not kept. */
const RESPONSE_CACHE_BYTES = 512 * 1024 * 1024;

export interface ApiServer {
  server: Server;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function uuidFrom(a: number, b: number): string {
  const h = [hashInts(a, b, 1), hashInts(a, b, 2), hashInts(a, b, 3), hashInts(a, b, 4)]
    .map((n) => n.toString(16).padStart(8, '0'))
    .join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const HTML_502 = `<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;

function faultError(kind: FaultKind, retryAfterS: number): ApiError | undefined {
  switch (kind) {
    case '429':
      return rateLimited(retryAfterS, 'public_api_request_rate_limit');
    case '529':
      return new ApiError(
        529,
        'service_overload',
        'Notion is experiencing high load. Please try again later.',
        undefined,
        {
          'retry-after': String(retryAfterS),
        },
      );
    case '500':
      return new ApiError(500, 'internal_server_error', 'Unexpected error occurred.');
    case '502json':
      return new ApiError(
        502,
        'bad_gateway',
        'Notion encountered an issue while attempting to complete this request. Please try again.',
      );
    case '503':
      return new ApiError(503, 'service_unavailable', 'Notion is unavailable, please try again later.');
    case '504':
      return new ApiError(
        504,
        'gateway_timeout',
        'Notion timed out while attempting to complete this request. Please try again later.',
      );
    default:
      return undefined;
  }
}

function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'Error parsing JSON body.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(400, 'validation_error', 'body failed validation: body should be an object.');
  }
  return parsed as Record<string, unknown>;
}

function authenticate(header: string | undefined, tokens: ReadonlyMap<string, TokenConfig>): TokenConfig {
  const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  const token = m?.[1] ? tokens.get(m[1].trim()) : undefined;
  if (!token) throw new ApiError(401, 'unauthorized', 'API token is invalid.');
  return token;
}

function checkVersion(header: string | string[] | undefined): NotionVersion {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') {
    throw new ApiError(
      400,
      'missing_version',
      'Notion-Version header failed validation: Notion-Version should be defined, instead was `undefined`.',
    );
  }
  if (!isNotionVersion(value)) {
    throw new ApiError(
      400,
      'validation_error',
      `Notion-Version header failed validation: this emulator serves 2025-09-03 and 2026-03-11, instead was \`"${value}"\`.`,
    );
  }
  return value;
}

/** The API server: Notion's routes, errors, rate limits, faults and latency over node:http. */
export function createApiServer(deps: ApiServerDeps): ApiServer {
  // Answer bodies without their closing `,"request_id":…}`, by request, for one workspace revision.
  const cache = { revision: -1, bytes: 0, answers: new Map<string, string>() };
  const cached = (key: string): string | undefined => {
    if (cache.revision !== deps.env.ws.revision) {
      cache.revision = deps.env.ws.revision;
      cache.bytes = 0;
      cache.answers.clear();
    }
    return cache.answers.get(key);
  };
  let seq = 0;
  let inFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (emulatedMs: number): Promise<void> => {
    const realMs = deps.clock.toRealMs(emulatedMs);
    if (realMs < 1) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, realMs);
      timers.add(timer);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedReal = performance.now();
    const at = deps.clock.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const text = await readBody(req);

    if (url.pathname === '/__emulator' || url.pathname.startsWith('/__emulator/')) {
      const result = deps.admin(method, url, text);
      const json = JSON.stringify(result.body);
      res.writeHead(result.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(json),
      });
      res.end(json);
      return;
    }

    const n = ++seq;
    const requestId = uuidFrom(deps.env.seed, n);
    let route: RouteName | undefined;
    let token: TokenConfig | undefined;
    let fault: FaultKind | undefined;
    let status = 200;
    let payload: string;
    let contentType = 'application/json; charset=utf-8';
    const headers: Record<string, string> = {};
    let counted = false;
    try {
      token = authenticate(req.headers.authorization, deps.tokens);
      const version = checkVersion(req.headers['notion-version']);
      const matched = matchRoute(method, url.pathname);
      route = matched.route;
      const limited = deps.limiter.check(token.label, deps.clock.now());
      if (limited) throw limited;
      inFlight++;
      counted = true;
      if (deps.concurrency && inFlight > deps.concurrency.limit) {
        throw rateLimited(deps.concurrency.retryAfterS, 'public_api_request_rate_limit');
      }
      fault = deps.faults.next(route);
      const injected = fault ? faultError(fault, deps.faults.retryAfterS) : undefined;
      if (injected) throw injected;
      for (const id of Object.values(matched.params)) {
        const failure = deps.failures.get(id);
        if (failure) throw failure;
      }
      const key = deps.responseCache
        ? `${token.label} ${version} ${method} ${url.pathname}${url.search} ${text}`
        : '';
      const answer = deps.responseCache ? cached(key) : undefined;
      if (answer !== undefined) {
        payload = `${answer},"request_id":"${requestId}"}`;
      } else {
        const body = method === 'POST' ? parseJsonBody(text) : {};
        const result = HANDLERS[route](deps.env, {
          route,
          params: matched.params,
          query: url.searchParams,
          body,
          version,
          token,
          now: deps.clock.now(),
        });
        const adapted = adaptToVersion(result, version);
        if (deps.responseCache) {
          const { request_id: _, ...rest } = adapted as Record<string, unknown>;
          // Every answer is a non-empty object: its body up to the closing brace, then the request id.
          const kept = JSON.stringify(rest).slice(0, -1);
          if (cache.bytes + kept.length <= RESPONSE_CACHE_BYTES) {
            cache.answers.set(key, kept);
            cache.bytes += kept.length + key.length;
          }
          payload = `${kept},"request_id":"${requestId}"}`;
        } else {
          payload = JSON.stringify({ ...adapted, request_id: requestId });
        }
      }
    } catch (error) {
      if (!(error instanceof ApiError)) deps.onError(error);
      const e =
        error instanceof ApiError
          ? error
          : new ApiError(500, 'internal_server_error', 'Unexpected error occurred.');
      status = e.status;
      Object.assign(headers, e.headers);
      const envelope: Record<string, unknown> = {
        object: 'error',
        status: e.status,
        code: e.code,
        message: e.message,
        request_id: requestId,
      };
      if (e.additionalData) envelope.additional_data = e.additionalData;
      payload = JSON.stringify(envelope);
    }
    if (fault === '502html') {
      status = 502;
      contentType = 'text/html';
      payload = HTML_502;
    }

    const finish = (): void => {
      if (counted) inFlight--;
      counted = false;
      let code: string | undefined;
      if (status >= 400 && contentType.startsWith('application/json')) {
        try {
          code = (JSON.parse(payload) as { code?: string }).code;
        } catch {
          code = undefined;
        }
      }
      deps.log.record({
        seq: n,
        at,
        method,
        path: url.pathname + url.search,
        route,
        status,
        ...(code ? { code } : {}),
        ...(fault ? { fault } : {}),
        ...(token ? { token: token.label } : {}),
        requestId,
        durationMs: Math.round(performance.now() - startedReal),
      });
    };

    try {
      await sleep(deps.latency() + (fault === 'slow' ? deps.faults.slowMs : 0));
      if (res.destroyed || req.socket.destroyed) return;
      if (fault === 'reset') {
        status = 0;
        req.socket.destroy();
        return;
      }
      const bytes = Buffer.from(payload, 'utf8');
      res.writeHead(status, {
        ...headers,
        'content-type': contentType,
        'content-length': bytes.length,
        'x-notion-request-id': requestId,
        'cf-ray': `${requestId.replace(/-/g, '').slice(0, 16)}-SJC`,
      });
      if (fault === 'truncated') {
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy());
        return;
      }
      res.end(bytes);
    } finally {
      finish();
    }
  };

  const server = createServer({ keepAlive: true, keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.onError(error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'error',
            status: 500,
            code: 'internal_server_error',
            message: 'Unexpected error occurred.',
          }),
        );
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  return {
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
