// A fault proxy: for faults the emulator cannot play (a token revoked mid-capture, an integration
// blocked, a capability removed), it forwards to the emulator until `failAfter` API requests
// matched, then answers every matching request with the rule's status and body.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { listenOnLoopback } from './loopback-server.js';

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
  const { url, close } = await listenOnLoopback(server);
  return { url, stats: () => ({ forwarded, failed }), close };
}
