import type { RequestRecord } from './emulator-protocol.js';

/** Notion's daily budget at the default 180 requests/minute. */
export const DAILY_BUDGET_180 = 180 * 1440;

/** What a request of a steady-state day was for. */
export const REQUEST_KINDS = ['sweeps', 'commentRefresh', 'deletionScans', 'other'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** One sweep of one binding, in emulated ms, with the page engine's flags (false for other streams). */
export interface SweepWindow {
  stream: string;
  start: number;
  end: number;
  backfill: boolean;
  /** A deletion scan (the page engine's `scan`). */
  scan: boolean;
  /** A full refresh of every known page (the comments stream's daily comment refresh). */
  refresh: boolean;
  /**
   * The requests the page engine counted for this sweep by kind, when its "page sweep done" line
   * carries them (`requests: {listing, processing, scanChecks, refresh, climbs}`).
   */
  requests?: Record<string, number> | undefined;
}

/** A connector log line and when the bench received it (emulated ms). */
export interface TimedLogLine {
  at: number;
  line: string;
}

export interface SweepLogSummary {
  windows: SweepWindow[];
  /**
   * Per-kind request counts the connector logged on its "page sweep done" lines (any field of
   * numbers whose name mentions requests), summed over the sweeps that completed, per field.
   */
  logged: Record<string, Record<string, number>>;
}

type Fields = Record<string, unknown>;

function parseLine(line: string): { msg: string; fields: Fields } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; fields?: unknown };
    const fields =
      typeof parsed.fields === 'object' && parsed.fields !== null ? (parsed.fields as Fields) : {};
    return { msg: typeof parsed.msg === 'string' ? parsed.msg : '', fields };
  } catch {
    return undefined;
  }
}

function numberMap(value: unknown): Record<string, number> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Fields);
  if (entries.length === 0 || !entries.every(([, v]) => typeof v === 'number')) return undefined;
  return Object.fromEntries(entries) as Record<string, number>;
}

/**
 * The sweeps of a session from the connector's logs: each `sweepCompleted` status line ends a
 * window of its `durationMs` (the connector's clock, emulated ms); the page streams' "page sweep
 * done" line just before it gives its flags. A "full refresh of every known page" line opens a
 * refresh window that the stream's next completed sweep closes (a refresh cut short by a session's
 * end goes on as the next session's pending pages), or `endAt` when none completes.
 */
export function sweepWindowsFromLogs(lines: readonly TimedLogLine[], endAt: number): SweepLogSummary {
  const windows: SweepWindow[] = [];
  const logged: Record<string, Record<string, number>> = {};
  const flags = new Map<string, Pick<SweepWindow, 'backfill' | 'scan' | 'refresh' | 'requests'>>();
  const refreshStarted = new Map<string, number>();
  for (const { at, line } of lines) {
    const parsed = parseLine(line);
    if (!parsed) continue;
    const { msg, fields } = parsed;
    const stream = typeof fields.stream === 'string' ? fields.stream : undefined;
    if (!stream) continue;
    if (msg.startsWith('page sweep: full refresh')) refreshStarted.set(stream, at);
    else if (msg === 'page sweep done') {
      const requests = numberMap(fields.requests);
      flags.set(stream, {
        backfill: fields.backfill === true,
        scan: fields.scan === true,
        refresh: fields.refresh === true,
        ...(requests ? { requests } : {}),
      });
      for (const [name, value] of Object.entries(fields)) {
        const counts = /request/i.test(name) ? numberMap(value) : undefined;
        if (!counts) continue;
        const sums = logged[name] ?? {};
        logged[name] = sums;
        for (const [kind, n] of Object.entries(counts)) sums[kind] = (sums[kind] ?? 0) + n;
      }
    } else if (typeof fields.sweepCompleted === 'number') {
      const duration = typeof fields.durationMs === 'number' ? fields.durationMs : 0;
      const own = flags.get(stream) ?? { backfill: false, scan: false, refresh: false };
      flags.delete(stream);
      // A refresh cut short (the connector's daily restart) goes on as the next session's pending
      // pages: the window runs from the refresh's start to the sweep that finished them.
      const refreshedFrom = refreshStarted.get(stream);
      refreshStarted.delete(stream);
      const window = { stream, start: at - duration, end: at, ...own };
      if (refreshedFrom !== undefined) {
        window.start = Math.min(window.start, refreshedFrom);
        window.refresh = true;
      }
      windows.push(window);
    }
  }
  for (const [stream, start] of refreshStarted) {
    windows.push({ stream, start, end: endAt, backfill: false, scan: false, refresh: true });
  }
  return { windows, logged };
}

export interface Attribution {
  total: number;
  byKind: Record<RequestKind, number>;
  routesByKind: Record<RequestKind, Record<string, number>>;
}

const OTHER_ROUTES = new Set(['users.me', 'users.list', 'users.get']);
/** Routes a deletion scan spends: the whole listing, and a GET of each known page it did not list. */
const SCAN_ROUTES = new Set(['search', 'data_sources.query', 'pages.get']);

/**
 * Attributes each request in [from, to) to a kind, by its route and the sweeps running when it
 * arrived:
 * - `other`: the user listing and the connection check (`users.*`), and unknown routes;
 * - `commentRefresh`: `comments.list` while a full refresh runs;
 * - `deletionScans`: listings (`search`, `data_sources.query`) and page GETs while a deletion scan runs;
 * - `sweeps`: the rest (listings, changed pages' objects, trees, comments and property items,
 *   databases and data sources).
 * Listings are shared by the page streams, so while a scan runs every listing counts as the scan's.
 */
export function attributeRequests(
  records: readonly RequestRecord[],
  windows: readonly SweepWindow[],
  from: number,
  to: number,
): Attribution {
  const scans = windows.filter((w) => w.scan);
  const refreshes = windows.filter((w) => w.refresh);
  const during = (list: readonly SweepWindow[], at: number) => list.some((w) => w.start <= at && at <= w.end);
  const byKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  const routesByKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, {}])) as Attribution['routesByKind'];
  let total = 0;
  for (const record of records) {
    if (record.at < from || record.at >= to) continue;
    const route = record.route ?? '(other)';
    let kind: RequestKind;
    if (record.route === undefined || OTHER_ROUTES.has(route)) kind = 'other';
    else if (route === 'comments.list' && during(refreshes, record.at)) kind = 'commentRefresh';
    else if (SCAN_ROUTES.has(route) && during(scans, record.at)) kind = 'deletionScans';
    else kind = 'sweeps';
    total += 1;
    byKind[kind] += 1;
    routesByKind[kind][route] = (routesByKind[kind][route] ?? 0) + 1;
  }
  return { total, byKind, routesByKind };
}

/**
 * The page sweeps' own counts (SweepWindow.requests) of the sweeps that ended in [from, to), as
 * kinds: `scanChecks`, and a scan's listing, are deletion scans; `refresh` is the comment refresh;
 * the rest (listing, processing, climbs) sweeps. Undefined when no sweep carried counts. Covers
 * the page streams only (users, databases and data sources log none).
 */
export function loggedAttribution(
  windows: readonly SweepWindow[],
  from: number,
  to: number,
): Record<RequestKind, number> | undefined {
  const byKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  let counted = false;
  for (const window of windows) {
    if (!window.requests || window.end < from || window.end >= to) continue;
    counted = true;
    const { listing = 0, processing = 0, scanChecks = 0, refresh = 0, climbs = 0 } = window.requests;
    byKind.deletionScans += scanChecks + (window.scan ? listing : 0);
    byKind.commentRefresh += refresh;
    byKind.sweeps += processing + climbs + (window.scan ? 0 : listing);
  }
  return counted ? byKind : undefined;
}
