import { describe, expect, it } from 'vitest';
import type { RequestRecord } from './emulator-protocol.js';
import {
  attributeRequests,
  loggedAttribution,
  type SweepWindow,
  sweepWindowsFromLogs,
} from './steady-attribution.js';

const log = (at: number, msg: string, fields: Record<string, unknown>) => ({
  at,
  line: JSON.stringify({ level: 'info', msg, fields }),
});

describe('sweepWindowsFromLogs', () => {
  it('ends a window at each sweepCompleted line, with the flags of the page sweep before it', () => {
    const { windows, logged } = sweepWindowsFromLogs(
      [
        log(1_000, 'page sweep done', {
          stream: 'pages',
          scan: true,
          refresh: false,
          backfill: false,
          requestsByKind: { listing: 3, pages: 2 },
        }),
        log(1_001, 'Captured pages: 4 documents', { stream: 'pages', sweepCompleted: 2, durationMs: 400 }),
        log(2_000, 'Captured users: 7 documents', { stream: 'users', sweepCompleted: 2, durationMs: 50 }),
        log(3_000, 'page sweep done', { stream: 'pages', scan: false, requestsByKind: { listing: 1 } }),
        log(3_010, 'Captured pages: 0 documents', { stream: 'pages', sweepCompleted: 3, durationMs: 10 }),
        { at: 3_500, line: 'not json' },
      ],
      10_000,
    );
    expect(windows).toEqual([
      { stream: 'pages', start: 601, end: 1_001, backfill: false, scan: true, refresh: false },
      { stream: 'users', start: 1_950, end: 2_000, backfill: false, scan: false, refresh: false },
      { stream: 'pages', start: 3_000, end: 3_010, backfill: false, scan: false, refresh: false },
    ]);
    // The page engine's own counts, when it logs them as `requests`, ride on the window.
    const counted = sweepWindowsFromLogs(
      [
        log(10, 'page sweep done', {
          stream: 'comments',
          refresh: true,
          requests: { refresh: 9, listing: 1 },
        }),
        log(11, 'Captured comments', { stream: 'comments', sweepCompleted: 4, durationMs: 5 }),
      ],
      100,
    );
    expect(counted.windows[0]?.requests).toEqual({ refresh: 9, listing: 1 });
    expect(logged).toEqual({ requestsByKind: { listing: 4, pages: 2 } });
  });

  it('closes a refresh cut short by a restart with the sweep that finished its pages', () => {
    const { windows } = sweepWindowsFromLogs(
      [
        log(1_000, 'page sweep: full refresh of every known page', { stream: 'comments', pages: 10 }),
        // The session ends; the next one's first sweep processes the pending pages.
        log(5_000, 'page sweep done', { stream: 'comments', refresh: false, scan: false }),
        log(5_001, 'Captured comments', { stream: 'comments', sweepCompleted: 1, durationMs: 2_000 }),
      ],
      9_000,
    );
    expect(windows).toEqual([
      { stream: 'comments', start: 1_000, end: 5_001, backfill: false, scan: false, refresh: true },
    ]);
  });

  it('keeps a full refresh still running at the end as a window up to the end', () => {
    const { windows } = sweepWindowsFromLogs(
      [log(5_000, 'page sweep: full refresh of every known page', { stream: 'comments', pages: 10 })],
      9_000,
    );
    expect(windows).toEqual([
      { stream: 'comments', start: 5_000, end: 9_000, backfill: false, scan: false, refresh: true },
    ]);
  });
});

describe('loggedAttribution', () => {
  it('maps the page engine’s counts of the sweeps that ended in the window to kinds', () => {
    const base = { backfill: false, refresh: false, start: 0 };
    const windows: SweepWindow[] = [
      {
        ...base,
        stream: 'pages',
        end: 10,
        scan: true,
        requests: { listing: 5, processing: 2, scanChecks: 7, climbs: 1 },
      },
      {
        ...base,
        stream: 'comments',
        end: 20,
        scan: false,
        refresh: true,
        requests: { listing: 1, refresh: 30 },
      },
      { ...base, stream: 'blocks', end: 30, scan: false, requests: { listing: 2, processing: 4 } },
      { ...base, stream: 'blocks', end: 500, scan: false, requests: { listing: 100 } },
      { ...base, stream: 'users', end: 15, scan: false },
    ];
    expect(loggedAttribution(windows, 0, 100)).toEqual({
      sweeps: 2 + 1 + 1 + 2 + 4,
      commentRefresh: 30,
      deletionScans: 7 + 5,
      other: 0,
    });
    expect(loggedAttribution(windows.slice(4), 0, 100)).toBeUndefined();
  });
});

describe('attributeRequests', () => {
  const windows: SweepWindow[] = [
    { stream: 'pages', start: 100, end: 200, backfill: false, scan: true, refresh: false },
    { stream: 'comments', start: 300, end: 400, backfill: false, scan: false, refresh: true },
    { stream: 'blocks', start: 0, end: 1_000, backfill: false, scan: false, refresh: false },
  ];
  const request = (at: number, route: string | undefined): RequestRecord => ({
    at,
    route,
    status: 200,
    durationMs: 1,
  });

  it('attributes by route and the sweeps running at the time', () => {
    const records = [
      request(10, 'users.list'),
      request(11, 'users.me'),
      request(12, undefined),
      request(150, 'search'),
      request(150, 'pages.get'),
      request(150, 'blocks.children'),
      request(250, 'search'),
      request(250, 'pages.get'),
      request(350, 'comments.list'),
      request(350, 'search'),
      request(450, 'comments.list'),
      request(5_000, 'search'), // outside [0, 1000)
    ];
    const result = attributeRequests(records, windows, 0, 1_000);
    expect(result.total).toBe(11);
    expect(result.byKind).toEqual({ sweeps: 5, commentRefresh: 1, deletionScans: 2, other: 3 });
    expect(result.routesByKind.deletionScans).toEqual({ search: 1, 'pages.get': 1 });
    expect(result.routesByKind.sweeps).toEqual({
      'blocks.children': 1,
      search: 2,
      'pages.get': 1,
      'comments.list': 1,
    });
    expect(result.routesByKind.other).toEqual({ 'users.list': 1, 'users.me': 1, '(other)': 1 });
  });

  it('counts nothing outside the window', () => {
    expect(attributeRequests([request(1_000, 'search')], windows, 0, 1_000).total).toBe(0);
  });
});
