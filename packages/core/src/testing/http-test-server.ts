import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Which TCP connection carried it (1, 2, …), to see keep-alive and fresh connections. */
  socket: number;
  /** The test's clock at arrival, when `now` was given. */
  at: number;
}

export type TestHandler = (
  request: RecordedRequest,
  response: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A tiny HTTP server on 127.0.0.1:0 for client tests: real sockets, scripted answers. */
export async function startTestServer(
  handler: TestHandler,
  now: () => number = Date.now,
): Promise<TestServer> {
  const sockets = new WeakMap<Socket, number>();
  const open = new Set<Socket>();
  let nextSocket = 1;
  const requests: RecordedRequest[] = [];
  const server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      const request: RecordedRequest = {
        method: raw.method ?? 'GET',
        path: raw.url ?? '/',
        headers: raw.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: sockets.get(raw.socket) ?? 0,
        at: now(),
      };
      requests.push(request);
      Promise.resolve(handler(request, response, raw)).catch((error: unknown) => {
        response.statusCode = 599;
        response.end(String(error));
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.set(socket, nextSocket++);
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer with Notion's headers. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** A Notion error body. */
export function notionError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { object: 'error', status, code, message, request_id: `req-${status}-${code}`, ...extra };
}
