// The pages the suite's mutations may touch: shared with the integration, not in the trash, not
// purged, and reachable (no unshared ancestor).
import type { Workspace } from '@source-notion/notion-emulator';

/** The workspace's live pages the integration sees, in workspace order. */
export function livePages(ws: Workspace): Workspace['pages'][number][] {
  return ws.pages.filter((p) => p.shared && !p.inTrash && !p.purged && ws.pageAccessible(p.idx));
}
