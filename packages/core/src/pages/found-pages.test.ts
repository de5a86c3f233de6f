import { describe, expect, it } from 'vitest';
import { id } from '../testing/fake-page-workspace.js';
import { createFoundPages, type FoundPagesReader } from './found-pages.js';

const child = (n: number) => ({ id: id(n), reason: 'child' as const });
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A sweep's loop over its reader: `work` runs for each take (it may publish); ends when idle() says so. */
async function runReader(
  reader: FoundPagesReader,
  work: (taken: string[]) => Promise<void> | void,
  signal = new AbortController().signal,
): Promise<string[]> {
  const seen: string[] = [];
  try {
    for (;;) {
      const taken = reader.take().map((p) => p.id);
      seen.push(...taken);
      await work(taken);
      if (!(await reader.idle(signal))) return seen;
    }
  } finally {
    reader.leave();
  }
}

describe('FoundPages', () => {
  it('lets a lone sweep finish at once when idle', async () => {
    const found = createFoundPages();
    const reader = found.join();
    expect(reader.take()).toEqual([]);
    await expect(reader.idle(new AbortController().signal)).resolves.toBe(false);
  });

  it('keeps an idle sweep waiting while another may still publish, and ends both together', async () => {
    const found = createFoundPages();
    const pages = found.join();
    const blocks = found.join();
    let pagesDone = false;
    const pagesRun = runReader(pages, () => {}).then((seen) => {
      pagesDone = true;
      return seen;
    });
    await tick();
    expect(pagesDone).toBe(false); // blocks is busy: pages waits
    blocks.publish([child(1), child(2)]);
    await tick();
    expect(pagesDone).toBe(false);
    blocks.publish([child(3)]);
    const blocksSeen = await runReader(blocks, () => {});
    expect(blocksSeen).toEqual([]); // a sweep does not read its own publications
    await expect(pagesRun).resolves.toEqual([id(1), id(2), id(3)]);
  });

  it('terminates three sweeps that publish to each other in turns, without deadlock', async () => {
    const found = createFoundPages();
    const readers = [found.join(), found.join(), found.join()];
    let next = 10;
    // Each reader publishes one new page for its first two takes that bring something.
    const budget = [2, 2, 2];
    const runs = readers.map((reader, i) =>
      runReader(reader, async (taken) => {
        await tick();
        if (budget[i]! > 0 && (taken.length > 0 || budget[i] === 2)) {
          budget[i]!--;
          reader.publish([child(next++)]);
        }
      }),
    );
    const seen = await Promise.all(runs);
    expect(budget).toEqual([0, 0, 0]);
    // Every reader saw every page the others published.
    const all = new Set(seen.flat());
    expect(all.size).toBe(6);
    for (let i = 0; i < 3; i++) expect(seen[i]!.length).toBe(4);
  });

  it('waits for a climb in flight, which publishes before the sweeps end', async () => {
    const found = createFoundPages();
    const reader = found.join();
    let release: () => void = () => {};
    void found.hold(
      new Promise<void>((resolve) => {
        release = resolve;
      }).then(() => found.publish([{ id: id(5), reason: 'parent' }])),
    );
    const run = runReader(reader, () => {});
    await tick();
    release();
    await expect(run).resolves.toEqual([id(5)]);
  });

  it('ends the waiters when the last busy sweep leaves, and rejects a waiter on abort', async () => {
    const found = createFoundPages();
    const a = found.join();
    const b = found.join();
    const waiting = a.idle(new AbortController().signal);
    b.leave();
    await expect(waiting).resolves.toBe(false);

    const c = found.join();
    found.join(); // busy, never idle
    const controller = new AbortController();
    const aborted = c.idle(controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
  });

  it('gives later sweeps the child and parent pages found earlier, ids only; claims a parent once', () => {
    const found = createFoundPages();
    const page = { object: 'page' as const, id: id(2), last_edited_time: '2025-01-01T00:00:00.000Z' };
    found.publish([
      child(1),
      { id: id(2), reason: 'parent', page },
      { id: id(3), reason: 'vanished', gone: true },
    ]);
    expect(found.join().take()).toEqual([child(1), { id: id(2), reason: 'parent' }]);
    expect(found.claim(id(9))).toBe(true);
    expect(found.claim(id(9))).toBe(false);
    expect(found.claim(id(1))).toBe(false); // found already
    found.release(id(9));
    expect(found.claim(id(9))).toBe(true);
  });

  it('holds page objects only until every running sweep has read them', () => {
    const found = createFoundPages();
    const a = found.join();
    const b = found.join();
    const page = { object: 'page' as const, id: id(4), last_edited_time: '2025-01-01T00:00:00.000Z' };
    a.publish([{ id: id(4), reason: 'vanished', page }]);
    expect(b.take()[0]?.page).toBe(page);
    // Read by b (a published it): nothing is left for a later take.
    expect(b.take()).toEqual([]);
    expect(a.take()).toEqual([]);
  });
});
