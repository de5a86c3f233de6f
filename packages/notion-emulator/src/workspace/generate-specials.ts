import { MINUTE_MS } from '../time.js';
import { blockId } from './content.js';
import { ID_KIND, type IdCodec } from './ids.js';
import type { PageRecord } from './model.js';
import type { ResolvedWorkspaceOptions } from './options.js';

/** A database id that a child_database block points at but that cannot be retrieved (a linked view). */
export const LINKED_DATABASE_IDX = 0xfffffe;

/**
 * The quirks a reader must handle, placed on fixed pages: forced comments, unsupported blocks, a
 * transcription and a linked database view on Home; synced block originals and references (some
 * to unshared pages); the deepest block chain on page 1. Last, no page is edited before it was
 * created, and every creation time is minute-rounded.
 */
export function assignSpecials(
  options: ResolvedWorkspaceOptions,
  codec: IdCodec,
  pages: PageRecord[],
  standalone: number,
  unsharedFrom: number,
  total: number,
): void {
  const special = (idx: number): NonNullable<PageRecord['specials']> => {
    const page = pages[idx] as PageRecord;
    page.specials ??= {};
    return page.specials;
  };
  Object.assign(special(0), {
    forcedComments: true,
    unsupported: true,
    transcription: true,
    linkedDatabaseIds: [codec.encode(ID_KIND.database, LINKED_DATABASE_IDX)],
  });
  Object.assign(special(1), { syncedOriginals: 1, deepChain: options.maxDepth });
  special(2).syncedReferences = [blockId(codec, 1, 0), blockId(codec, unsharedFrom, 0)];
  // Larger workspaces repeat the quirks every so often.
  for (let i = 4; i < standalone; i++) {
    if (i % 20 === 4) special(i).syncedOriginals = 1;
    if (i % 20 === 9) special(i).syncedReferences = [blockId(codec, i - 5, 0)];
    if (i % 50 === 17) special(i).unsupported = true;
    if (i % 40 === 23 && total > unsharedFrom + 1) {
      special(i).syncedReferences = [blockId(codec, unsharedFrom + 1 + (i % (total - unsharedFrom - 1)), 0)];
    }
  }
  // Timestamps keep MINUTE granularity.
  for (const page of pages) {
    if (page.edited < page.created) page.edited = page.created;
    if (page.created % MINUTE_MS !== 0) throw new Error('timestamps must be minute-rounded');
  }
}
