import { describe, expect, it } from 'vitest';
import { probeSearch, type SearchAnswer } from './search-probe.js';

/**
 * A fake search over `pages` (oldest first) and `dataSources`: 100 results a call, cursors are
 * positions, a cursor at or past `cap` results is rejected with a 400 (or, with `incomplete`, the
 * listing ends there with request_status incomplete).
 */
function fakeSearch(pages: string[], dataSources: string[], cap: number, incomplete = false) {
  const calls: string[] = [];
  const post = async (body: Record<string, unknown>): Promise<SearchAnswer> => {
    const filter = (body.filter as { value: string }).value;
    const direction = (body.sort as { direction: string }).direction;
    const items = filter === 'page' ? pages : dataSources;
    const ordered = direction === 'ascending' ? items : [...items].reverse();
    const start = body.start_cursor === undefined ? 0 : Number(body.start_cursor);
    calls.push(`${filter}:${direction}:${start}`);
    if (start >= cap) return { status: 400 };
    const end = Math.min(ordered.length, start + 100);
    const results = ordered.slice(start, end).map((id) => ({ id }));
    if (incomplete && end >= cap && end < ordered.length)
      return {
        status: 200,
        results,
        has_more: false,
        next_cursor: null,
        request_status: { type: 'incomplete' },
      };
    const more = end < ordered.length;
    return { status: 200, results, has_more: more, next_cursor: more ? String(end) : null };
  };
  return { post, calls };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('probeSearch', () => {
  it('reads one listing to its end when search is not capped', async () => {
    const { post, calls } = fakeSearch(ids('p', 250), ids('d', 3), 1_000);
    const reach = await probeSearch(post);
    expect(reach.capped).toBe(false);
    expect(reach.descending).toHaveLength(250);
    expect(reach.descending[0]).toBe('p249');
    expect(reach.ascending).toEqual([]);
    expect(reach.dataSources).toEqual(['d2', 'd1', 'd0']);
    expect(calls).toEqual([
      'page:descending:0',
      'page:descending:100',
      'page:descending:200',
      'data_source:descending:0',
    ]);
  });

  it('reads newest first to the cap, then oldest first up to what it already has', async () => {
    // 500 pages, cap 200: newest p499…p300, then oldest p0…p199 (p200…p299 reachable by neither).
    const { post } = fakeSearch(ids('p', 500), [], 200);
    const reach = await probeSearch(post);
    expect(reach.capped).toBe(true);
    expect(reach.descending).toHaveLength(200);
    expect(reach.descending.at(-1)).toBe('p300');
    expect(reach.ascending).toEqual(ids('p', 200));
  });

  it('stops the oldest-first listing where the newest-first one began', async () => {
    // 300 pages, cap 200: newest p299…p100, then oldest p0…p99 and p100 is already held.
    const { post } = fakeSearch(ids('p', 300), [], 200);
    const reach = await probeSearch(post);
    expect(reach.ascending).toEqual(ids('p', 100));
  });

  it('treats request_status incomplete as the cap', async () => {
    const { post } = fakeSearch(ids('p', 500), [], 200, true);
    const reach = await probeSearch(post);
    expect(reach.capped).toBe(true);
    expect(reach.descending).toHaveLength(200);
    expect(reach.ascending).toHaveLength(200);
  });

  it('fails on any other answer', async () => {
    await expect(probeSearch(async () => ({ status: 500 }))).rejects.toThrow(/answered 500/);
  });
});
