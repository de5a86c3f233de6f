/**
 * A page met as a `child_page` block that discovery (search, data source queries) did not list,
 * shared between the page streams of one capture.
 */
export interface SharedChildPage {
  id: string;
  /** The child_page block's last_edited_time, when known. */
  lastEditedTime: string | undefined;
  /** The page whose tree holds the child_page block. */
  parentPageId: string | undefined;
}

/**
 * Child pages the streams of one capture tell each other of: the blocks stream (and comments
 * with inline comments) meets `child_page` blocks while walking trees; the ones discovery did not
 * list (search omitted them and they are no data source's rows) are published here, and the pages
 * and comments streams capture them on their next sweep. Memory: one entry (~150 bytes) per such
 * page, for the life of the capture.
 */
export interface SharedChildPages {
  /** Adds pages met as child_page blocks that discovery did not list. */
  publish(pages: Iterable<SharedChildPage>): void;
  /** Every page published so far. */
  list(): SharedChildPage[];
}

export function createSharedChildPages(): SharedChildPages {
  const published = new Map<string, SharedChildPage>();
  return {
    publish(pages) {
      for (const page of pages) published.set(page.id, page);
    },
    list: () => [...published.values()],
  };
}
