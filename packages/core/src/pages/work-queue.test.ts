import { describe, expect, it } from 'vitest';
import { compactId } from '../notion-ids.js';
import type { PageWorkItem } from './sweep-handler.js';
import { WorkQueue } from './work-queue.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();
const item = (
  n: number,
  minute: number | undefined,
  reason: PageWorkItem['reason'] = 'new',
): PageWorkItem => ({
  id: id(n),
  lastEditedTime: minute === undefined ? undefined : at(minute),
  trashed: false,
  reason,
});

describe('WorkQueue', () => {
  it('runs listed pages oldest first, then the others, and tracks the oldest listed page open', async () => {
    const queue = new WorkQueue(2, 2);
    queue.add(compactId(id(1)), item(1, 30));
    queue.add(compactId(id(2)), item(2, 10));
    queue.add(compactId(id(3)), item(3, 20));
    queue.sortListed();
    queue.add(compactId(id(4)), item(4, undefined, 'pending'));
    expect(queue.has(compactId(id(4)))).toBe(true);
    expect(queue.isQueued(compactId(id(4)))).toBe(true);

    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const work = (page: PageWorkItem) => {
      started.push(page.id);
      return new Promise<string>((resolve) => gates.set(page.id, () => resolve(page.id)));
    };
    // Two at once; the second finishes first.
    const first = queue.next(work);
    expect(started).toEqual([id(2), id(3)]);
    gates.get(id(3))!();
    const settled = await first;
    expect(settled && 'outcome' in settled ? settled.outcome : undefined).toBe(id(3));
    queue.finish(settled!.index);
    // The oldest (page 2, minute 10) is still open: the cursor waits for it, and the lookahead
    // of 2 past it keeps page 1 from starting.
    expect(queue.oldestOpenListed()).toBe(at(10));
    const second = queue.next(work);
    expect(started).toEqual([id(2), id(3)]);
    gates.get(id(2))!();
    queue.finish((await second)!.index);
    expect(queue.oldestOpenListed()).toBe(at(30));

    const rest = queue.next(work);
    expect(started).toEqual([id(2), id(3), id(1), id(4)]);
    gates.get(id(1))!();
    queue.finish((await rest)!.index);
    expect(queue.oldestOpenListed()).toBeUndefined();
    gates.get(id(4))!();
    queue.finish((await queue.next(work))!.index);
    expect(await queue.next(work)).toBeUndefined();
  });

  it('hands back a failure as an error, and stops what runs', async () => {
    const queue = new WorkQueue(1, 1);
    queue.add(compactId(id(1)), item(1, 1));
    queue.sortListed();
    const failure = new Error('boom');
    const settled = await queue.next(() => Promise.reject(failure));
    expect(settled && 'error' in settled ? settled.error : undefined).toBe(failure);
    let aborted = false;
    await queue.stop(() => {
      aborted = true;
    });
    expect(aborted).toBe(false);
  });
});
