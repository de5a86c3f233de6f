import { isDeletionDocument } from '@source-notion/core';

/** Reads a JSON pointer ("/id", "/a/b~1c") out of a document. */
export function readPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

export interface CollectionStore {
  /** Reduces one document into the collection: a deletion removes its key, anything else replaces it. */
  apply(doc: Record<string, unknown>): 'upsert' | 'delete';
  /** Documents ordered by key. */
  documents(): Record<string, unknown>[];
  readonly size: number;
  /** One JSON document per line, ordered by key. */
  toJsonl(): string;
  /** Loads documents written by toJsonl (blank lines ignored). */
  loadJsonl(text: string): void;
}

/**
 * A collection as Flow would materialize it from the connector's documents: reduced by key,
 * last write wins, `_meta.op: "d"` deletes (the reduction the discovered schema declares).
 */
export function createCollectionStore(key: readonly string[]): CollectionStore {
  const docs = new Map<string, Record<string, unknown>>();
  const keyOf = (doc: Record<string, unknown>) =>
    JSON.stringify(key.map((pointer) => readPointer(doc, pointer) ?? null));
  const store: CollectionStore = {
    apply(doc) {
      const k = keyOf(doc);
      if (isDeletionDocument(doc)) {
        docs.delete(k);
        return 'delete';
      }
      docs.set(k, doc);
      return 'upsert';
    },
    documents() {
      return [...docs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, doc]) => doc);
    },
    get size() {
      return docs.size;
    },
    toJsonl() {
      return store
        .documents()
        .map((doc) => `${JSON.stringify(doc)}\n`)
        .join('');
    },
    loadJsonl(text) {
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        store.apply(JSON.parse(line) as Record<string, unknown>);
      }
    },
  };
  return store;
}
