import type { FaultKind } from './faults.js';

export interface RequestLogEntry {
  seq: number;
  /** Emulated time the request arrived (epoch ms). */
  at: number;
  method: string;
  /** Path and query string. */
  path: string;
  /** Route name, or undefined for unknown routes and admin calls. */
  route: string | undefined;
  /** HTTP status; 0 when the connection was reset without a response. */
  status: number;
  /** Error code when status >= 400. */
  code?: string;
  fault?: FaultKind;
  /** Which token (by label, never the token). */
  token?: string;
  requestId: string;
  /** Real milliseconds from arrival to the last byte. */
  durationMs: number;
}

export interface Counters {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** 429 answers (rate limits and injected ones). */
  rateLimited: number;
  faults: Record<string, number>;
}

export function emptyCounters(): Counters {
  return { requests: 0, byRoute: {}, byStatus: {}, rateLimited: 0, faults: {} };
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private counters: Counters = emptyCounters();

  constructor(private readonly limit: number) {}

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    const c = this.counters;
    c.requests++;
    const route = entry.route ?? '(unknown)';
    c.byRoute[route] = (c.byRoute[route] ?? 0) + 1;
    c.byStatus[String(entry.status)] = (c.byStatus[String(entry.status)] ?? 0) + 1;
    if (entry.status === 429) c.rateLimited++;
    if (entry.fault) c.faults[entry.fault] = (c.faults[entry.fault] ?? 0) + 1;
  }

  list(): RequestLogEntry[] {
    return this.entries.slice();
  }

  snapshot(): Counters {
    return structuredClone(this.counters);
  }

  reset(): void {
    this.entries = [];
    this.counters = emptyCounters();
  }
}
