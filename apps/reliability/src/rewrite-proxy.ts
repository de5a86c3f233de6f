// A rewrite proxy: reshapes the JSON bodies of chosen API responses on their way from the emulator
// to the connector (an API that breaks the expected shape).
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { listenOnLoopback } from './loopback-server.js';

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
  const { url, close } = await listenOnLoopback(server);
  return { url, rewritten: () => [...rewritten], close };
}
