import type { Logger, RateLimiterStats, StreamProgress } from '@source-notion/core';

export const DEFAULT_STATUS_INTERVAL_MS = 10_000;

const numberFormat = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return numberFormat.format(Math.round(value));
}

/** "45s", "5m", "1h30m": for status lines. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60)
    return seconds % 60 === 0 || minutes >= 10 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
}

/** "Backfilling blocks: 1,200 of ~5,000 pages", "Capturing changes to pages: 12 pages". */
export function progressMessage(stream: string, progress: StreamProgress): string {
  const verb = progress.backfill ? `Backfilling ${stream}` : `Capturing changes to ${stream}`;
  const total =
    progress.total === undefined ? '' : ` of ~${formatCount(Math.max(progress.total, progress.done))}`;
  return `${verb}: ${formatCount(progress.done)}${total} ${progress.unit}`;
}

export interface SweepSummary {
  sweep: number;
  documents: number;
  deletions: number;
  durationMs: number;
  nextInMs: number | undefined;
}

export interface StatusReporter {
  /** A stream's progress; logged as a connectorStatus event at most once per interval per stream. */
  progress(stream: string, progress: StreamProgress, documents: number): void;
  /** A completed sweep, always logged. */
  sweepCompleted(stream: string, binding: number, summary: SweepSummary): void;
  /** Something operators should know (a search cut short), always logged. */
  notice(stream: string, message: string): void;
}

export interface StatusReporterOptions {
  logger: Logger;
  stats: () => RateLimiterStats;
  /** Minimum time between two progress events of one stream (real time). */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Progress as `connectorStatus` log events (what the Flow UI shows as the task's status line),
 * rate-limited per stream, with the shared limiter's counters for the preview display.
 */
export function createStatusReporter(options: StatusReporterOptions): StatusReporter {
  const { logger, stats } = options;
  const intervalMs = options.intervalMs ?? DEFAULT_STATUS_INTERVAL_MS;
  const now = options.now ?? (() => Date.now());
  const lastAt = new Map<string, number>();
  const limiterFields = () => {
    const s = stats();
    return {
      requests: s.requests,
      rateLimited: s.rateLimited + s.overloaded,
      pausedMs: Math.round(s.pausedMs),
      waitedMs: Math.round(s.waitedMs),
    };
  };
  return {
    progress(stream, progress, documents) {
      const at = now();
      const last = lastAt.get(stream);
      if (last !== undefined && at - last < intervalMs) return;
      lastAt.set(stream, at);
      logger.info(progressMessage(stream, progress), {
        eventType: 'connectorStatus',
        stream,
        unit: progress.unit,
        done: progress.done,
        ...(progress.total === undefined ? {} : { total: progress.total }),
        backfill: progress.backfill,
        documents,
        ...limiterFields(),
      });
    },
    notice(stream, message) {
      logger.info(message, { eventType: 'connectorStatus', stream, notice: true, ...limiterFields() });
    },
    sweepCompleted(stream, binding, summary) {
      lastAt.set(stream, now());
      const next =
        summary.nextInMs === undefined ? '' : `; next sweep in ${formatDuration(summary.nextInMs)}`;
      logger.info(
        `Captured ${stream}: ${formatCount(summary.documents)} document${summary.documents === 1 ? '' : 's'} in ${formatDuration(summary.durationMs)}${next}`,
        {
          eventType: 'connectorStatus',
          stream,
          binding,
          sweepCompleted: summary.sweep,
          documents: summary.documents,
          deletions: summary.deletions,
          durationMs: Math.round(summary.durationMs),
          ...limiterFields(),
        },
      );
    },
  };
}
