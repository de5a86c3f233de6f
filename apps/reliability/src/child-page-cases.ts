// Child pages for the deletions-in-sweep tests: pages whose parent is a live page and which hold
// no child page of their own (so only their parent's tree leads to them).
import type { Emulator } from '@source-notion/notion-emulator';
import { livePages } from './live-pages.js';

export interface ChildPageCase {
  id: string;
  parentId: string;
}

/** Live leaf child pages (parent a live page), those with comments first. */
export function leafChildPages(emulator: Emulator): ChildPageCase[] {
  const ws = emulator.workspace;
  const live = livePages(ws);
  const liveIds = new Set(live.map((p) => p.id));
  const commented = new Set(emulator.groundTruth().comments.map((c) => String(c.page_id)));
  const leaves: ChildPageCase[] = [];
  for (const page of live) {
    if (page.parent.type !== 'page' || page.childPageIdxs.length > 0 || page.childDatabaseIdxs.length > 0)
      continue;
    const parent = ws.pages[page.parent.pageIdx];
    if (parent === undefined || !liveIds.has(parent.id)) continue;
    leaves.push({ id: page.id, parentId: parent.id });
  }
  return leaves.sort((a, b) => Number(commented.has(b.id)) - Number(commented.has(a.id)));
}
