import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../merge-patch.js';
import { compactId, packIds } from '../notion-ids.js';
import {
  initialPageSweepState,
  PageLedger,
  PageRecord,
  type PageSweepState,
  pageSweepStateSchema,
  readPageRecord,
} from './page-state.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const MINUTE = 60_000;
const T = Date.UTC(2025, 5, 1, 10, 0, 0);

/** A persisted state as a running capture has it (the serialized form). */
function persisted(): PageSweepState {
  return pageSweepStateSchema.parse({
    v: 1,
    cursor: new Date(T).toISOString(),
    scannedAt: T,
    pages: {
      [compactId(id(1))]: { t: T / MINUTE, k: packIds([id(10), id(11)]) },
      [compactId(id(2))]: { t: T / MINUTE, u: 1, q: compactId(id(1)), h: 1 },
      [compactId(id(3))]: { t: 0, p: 1, d: 1 },
    },
  });
}

describe('PageRecord', () => {
  it('reads each persisted field under its name', () => {
    const state = persisted();
    const first = readPageRecord(state, id(1))!;
    expect(first.lastEditedMinute).toBe(T / MINUTE);
    expect(first.lastEditedTime).toBe(new Date(T).toISOString());
    expect(first.capturedIds()).toEqual([id(10), id(11)]);
    expect([first.unsettled, first.pending, first.trashed, first.hiddenChild]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(first.parentPageId).toBeUndefined();

    const child = readPageRecord(state, id(2))!;
    expect([child.unsettled, child.hiddenChild]).toEqual([true, true]);
    expect(child.parentPageId).toBe(id(1));
    expect(child.isChildOf(id(1).replace(/-/g, '').toUpperCase())).toBe(true);
    expect(child.isChildOf(id(3))).toBe(false);
    expect(child.capturedIds()).toEqual([]);

    const pending = readPageRecord(state, id(3))!;
    expect([pending.pending, pending.trashed, pending.lastEditedTime]).toEqual([true, true, undefined]);
    expect(readPageRecord(state, id(4))).toBeUndefined();
  });

  it('knows the version it processed: settled, not pending, same minute and trash flag', () => {
    const at = new Date(T + 30_000).toISOString();
    expect(new PageRecord({ t: T / MINUTE }).isUnchanged(at, false)).toBe(true);
    expect(new PageRecord({ t: T / MINUTE }).isUnchanged(at, true)).toBe(false);
    expect(new PageRecord({ t: T / MINUTE, u: 1 }).isUnchanged(at, false)).toBe(false);
    expect(new PageRecord({ t: T / MINUTE, p: 1 }).isUnchanged(at, false)).toBe(false);
    expect(new PageRecord({ t: 0 }).isUnchanged(undefined, false)).toBe(false);
  });
});

describe('PageLedger', () => {
  it('writes checkpoints in the persisted format: whole entries, short keys, absent members null', () => {
    const state = persisted();
    const ledger = new PageLedger(state);
    ledger.setProcessed(compactId(id(1)), {
      lastEditedMinute: T / MINUTE + 1,
      unsettled: true,
      trashed: false,
      capturedIds: [id(12)],
      parentPageId: undefined,
      hiddenChild: false,
    });
    ledger.markPending(compactId(id(2)));
    ledger.addChildPage(compactId(id(5)), new Date(T).toISOString(), compactId(id(2)));
    ledger.setFailed(compactId(id(3)), new Date(T).toISOString(), false);
    ledger.remove(compactId(id(9)));
    const pages = ledger.takeUnsaved();
    expect(JSON.stringify(pages)).toBe(
      JSON.stringify({
        [compactId(id(1))]: {
          t: T / MINUTE + 1,
          u: 1,
          p: null,
          d: null,
          k: packIds([id(12)]),
          q: null,
          h: null,
        },
        [compactId(id(2))]: { t: T / MINUTE, u: 1, p: 1, d: null, k: null, q: compactId(id(1)), h: 1 },
        [compactId(id(5))]: { t: T / MINUTE, u: null, p: 1, d: null, k: null, q: compactId(id(2)), h: 1 },
        [compactId(id(3))]: { t: T / MINUTE, u: null, p: 1, d: null, k: null, q: null, h: null },
        [compactId(id(9))]: null,
      }),
    );
    // Saved once: the next checkpoint carries only later changes.
    expect(ledger.takeUnsaved()).toEqual({});
    // Reading goes through the sweep's changes.
    expect(ledger.page(id(1))?.capturedIds()).toEqual([id(12)]);
    expect(ledger.has(compactId(id(9)))).toBe(false);
    const next = applyMergePatch(state, { pages }) as PageSweepState;
    expect(pageSweepStateSchema.safeParse(next).success).toBe(true);
  });

  it('finds ids captured under other pages, not in the trash', () => {
    const state = initialPageSweepState();
    state.pages[compactId(id(1))] = { t: 1, k: packIds([id(10), id(11)]) };
    state.pages[compactId(id(2))] = { t: 1, k: packIds([id(20)]), d: 1 };
    const ledger = new PageLedger(state);
    ledger.setProcessed(compactId(id(3)), {
      lastEditedMinute: 1,
      unsettled: false,
      trashed: false,
      capturedIds: [id(30)],
      parentPageId: undefined,
      hiddenChild: false,
    });
    expect(ledger.capturedByOtherPages(id(4), [id(11), id(20), id(30), id(40)])).toEqual(
      new Set([id(11), id(30)]),
    );
    expect(ledger.capturedByOtherPages(id(1), [id(11)])).toEqual(new Set());
  });

  it('marks every known page pending for a refresh, except trashed and pending ones', () => {
    const ledger = new PageLedger(persisted());
    expect(ledger.markAllPending()).toBe(2);
    expect(ledger.page(id(1))?.pending).toBe(true);
    expect(ledger.hiddenChildren()).toEqual([
      { id: id(2), lastEditedTime: new Date(T).toISOString(), parentPageId: id(1), reason: 'child' },
    ]);
  });
});
