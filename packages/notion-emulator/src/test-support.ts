/** Helpers for this package's tests (raw HTTP against a running emulator). */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH';
  body?: unknown;
  rawBody?: string;
  token?: string | null;
  version?: string | null;
}

export async function call(
  base: { url: string; token: string },
  path: string,
  options: CallOptions = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? base.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const version = options.version === undefined ? '2025-09-03' : options.version;
  if (version !== null) headers['notion-version'] = version;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base.url}${path}`, {
    method: options.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Follows next_cursor to the end; returns every page's response. */
export async function listAll(
  base: { url: string; token: string },
  path: string,
  options: { body?: Record<string, unknown>; pageSize?: number; version?: string } = {},
): Promise<Record<string, unknown>[]> {
  const pages: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    let response: RawResponse;
    if (options.body) {
      const body = {
        ...options.body,
        ...(options.pageSize ? { page_size: options.pageSize } : {}),
        ...(cursor ? { start_cursor: cursor } : {}),
      };
      response = await call(base, path, { body, ...(options.version ? { version: options.version } : {}) });
    } else {
      const q = new URLSearchParams();
      if (options.pageSize) q.set('page_size', String(options.pageSize));
      if (cursor) q.set('start_cursor', cursor);
      const sep = path.includes('?') ? '&' : '?';
      response = await call(
        base,
        `${path}${q.size ? sep + q.toString() : ''}`,
        options.version ? { version: options.version } : {},
      );
    }
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${response.text}`);
    pages.push(response.json);
    if (!response.json.has_more) return pages;
    cursor = response.json.next_cursor as string;
  }
  throw new Error('listing did not end');
}

export function results(pages: Record<string, unknown>[]): Record<string, unknown>[] {
  return pages.flatMap((p) => p.results as Record<string, unknown>[]);
}
