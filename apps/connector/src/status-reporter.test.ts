import type { LogFields, Logger } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import { createStatusReporter, formatDuration, progressMessage } from './status-reporter.js';

function recordingLogger(): { logger: Logger; lines: Array<{ msg: string; fields: LogFields | undefined }> } {
  const lines: Array<{ msg: string; fields: LogFields | undefined }> = [];
  const logger: Logger = {
    debug: () => {},
    info: (msg, fields) => lines.push({ msg, fields }),
    warn: () => {},
    error: () => {},
    child: () => logger,
  };
  return { logger, lines };
}

const stats = () => ({
  requests: 12,
  retries: 0,
  rateLimited: 2,
  overloaded: 1,
  serverErrors: 0,
  networkErrors: 0,
  waitedMs: 1500.4,
  pausedMs: 4000,
  inFlight: 0,
  maxInFlight: 3,
  queued: 0,
});

describe('progressMessage', () => {
  it('reads like the Flow status line', () => {
    expect(progressMessage('blocks', { unit: 'pages', done: 1200, total: 5000, backfill: true })).toBe(
      'Backfilling blocks: 1,200 of ~5,000 pages',
    );
    expect(progressMessage('pages', { unit: 'pages', done: 12, backfill: false })).toBe(
      'Capturing changes to pages: 12 pages',
    );
    // An estimate that turned out low never reads "120 of ~100".
    expect(progressMessage('users', { unit: 'users', done: 120, total: 100, backfill: true })).toBe(
      'Backfilling users: 120 of ~120 users',
    );
  });

  it('formats durations compactly', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(5 * 60_000)).toBe('5m');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(90 * 60_000)).toBe('1h30m');
  });
});

describe('createStatusReporter', () => {
  it('logs connectorStatus events at most once per interval per stream', () => {
    const { logger, lines } = recordingLogger();
    let now = 0;
    const reporter = createStatusReporter({ logger, stats, intervalMs: 10_000, now: () => now });
    reporter.progress('blocks', { unit: 'pages', done: 1, total: 10, backfill: true }, 5);
    reporter.progress('blocks', { unit: 'pages', done: 2, total: 10, backfill: true }, 9);
    reporter.progress('pages', { unit: 'pages', done: 3, backfill: true }, 3);
    now = 10_000;
    reporter.progress('blocks', { unit: 'pages', done: 4, total: 10, backfill: true }, 20);
    expect(lines.map((l) => l.msg)).toEqual([
      'Backfilling blocks: 1 of ~10 pages',
      'Backfilling pages: 3 pages',
      'Backfilling blocks: 4 of ~10 pages',
    ]);
    expect(lines[0]?.fields).toMatchObject({
      eventType: 'connectorStatus',
      stream: 'blocks',
      done: 1,
      total: 10,
      documents: 5,
      requests: 12,
      rateLimited: 3,
      pausedMs: 4000,
      waitedMs: 1500,
    });
  });

  it('always logs a completed sweep', () => {
    const { logger, lines } = recordingLogger();
    const reporter = createStatusReporter({ logger, stats, intervalMs: 10_000, now: () => 0 });
    reporter.progress('users', { unit: 'users', done: 1, backfill: true }, 1);
    reporter.sweepCompleted('users', 0, {
      sweep: 1,
      documents: 1234,
      deletions: 2,
      durationMs: 61_000,
      nextInMs: 300_000,
    });
    expect(lines.at(-1)?.msg).toBe('Captured users: 1,234 documents in 1m1s; next sweep in 5m');
    expect(lines.at(-1)?.fields).toMatchObject({
      eventType: 'connectorStatus',
      sweepCompleted: 1,
      binding: 0,
      deletions: 2,
    });
  });

  it('always logs a notice, whatever the interval', () => {
    const { logger, lines } = recordingLogger();
    const reporter = createStatusReporter({ logger, stats, intervalMs: 10_000, now: () => 0 });
    reporter.progress('pages', { unit: 'pages', done: 1, backfill: true }, 1);
    reporter.notice('pages', 'The search for pages ended early');
    reporter.notice('pages', 'The search for pages ended early');
    expect(lines.slice(1).map((l) => l.msg)).toEqual([
      'The search for pages ended early',
      'The search for pages ended early',
    ]);
    expect(lines.at(-1)?.fields).toMatchObject({
      eventType: 'connectorStatus',
      stream: 'pages',
      notice: true,
    });
  });
});
