// Collections as the runtime keeps them (documents reduced by key, deletions applied), the ground
// truth in the same shape, and the per-stream diff between the two.
import type { CollectionStore } from '@source-notion/connector';
import { createCollectionStore } from '@source-notion/connector';
import type { Emulator } from '@source-notion/notion-emulator';
import { dataSourceDocument } from '@source-notion/stream-data-sources';
import { pageDocument } from '@source-notion/stream-pages';
import { userDocument } from '@source-notion/stream-users';
import { type Doc, STREAMS, type StreamName } from './streams.js';

export type Collections = Record<StreamName, CollectionStore>;

export function newCollections(): Collections {
  return Object.fromEntries(STREAMS.map((s) => [s, createCollectionStore(['/id'])])) as Collections;
}

/** Reduces committed documents (per binding index, bindings in `streams` order) into collections. */
export function reduceInto(
  collections: Collections,
  committed: Doc[][],
  streams: readonly string[] = STREAMS,
): void {
  streams.forEach((stream, index) => {
    const store = collections[stream as StreamName];
    for (const doc of committed[index] ?? []) store.apply(doc);
  });
}

const byId = <T extends { id?: unknown }>(docs: T[]): T[] =>
  [...docs].sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));

/** The ground truth as the documents a complete capture holds (each stream's documented transform). */
export function expectedCollections(emulator: Emulator): Record<StreamName, Doc[]> {
  const truth = emulator.groundTruth();
  return {
    users: byId(truth.users.map((user) => userDocument(user as never) as Doc)),
    databases: byId(truth.databases as Doc[]),
    data_sources: byId(truth.data_sources.map((source) => dataSourceDocument(source as never) as Doc)),
    pages: byId(truth.pages.map((page) => pageDocument(page as never) as Doc)),
    blocks: byId(truth.blocks as unknown as Doc[]),
    comments: byId(truth.comments as unknown as Doc[]),
  };
}

export function collectionDocs(collections: Collections): Record<StreamName, Doc[]> {
  return Object.fromEntries(STREAMS.map((s) => [s, byId(collections[s].documents())])) as Record<
    StreamName,
    Doc[]
  >;
}

export interface StreamDiff {
  stream: StreamName;
  expected: number;
  actual: number;
  missing: string[];
  extra: string[];
  different: string[];
  /** For the first few `different` ids: the first differing JSON path, actual vs expected. */
  details: string[];
}

/** Per stream: ids missing, extra, or with different content (fields that change on every read excluded by the caller). */
export function diffCollections(
  actual: Record<StreamName, Doc[]>,
  expected: Record<StreamName, Doc[]>,
  streams: readonly StreamName[] = STREAMS,
): StreamDiff[] {
  return streams.map((stream) => {
    const want = new Map(expected[stream].map((doc) => [String(doc.id), JSON.stringify(canonical(doc))]));
    const have = new Map(actual[stream].map((doc) => [String(doc.id), JSON.stringify(canonical(doc))]));
    const missing = [...want.keys()].filter((id) => !have.has(id));
    const extra = [...have.keys()].filter((id) => !want.has(id));
    const different = [...want.keys()].filter((id) => have.has(id) && have.get(id) !== want.get(id));
    const details = different.slice(0, 3).map((id) => {
      const a = canonical(actual[stream].find((doc) => String(doc.id) === id));
      const e = canonical(expected[stream].find((doc) => String(doc.id) === id));
      return `${id}${firstDifference(a, e, '')}`;
    });
    return { stream, expected: want.size, actual: have.size, missing, extra, different, details };
  });
}

function firstDifference(a: unknown, e: unknown, path: string): string {
  if (JSON.stringify(a) === JSON.stringify(e)) return '';
  if (typeof a === 'object' && a !== null && typeof e === 'object' && e !== null) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(e)])) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (e as Record<string, unknown>)[key],
        `${path}/${key}`,
      );
      if (found !== '') return found;
    }
  }
  return ` at ${path || '/'}: ${JSON.stringify(a)?.slice(0, 80)} (expected ${JSON.stringify(e)?.slice(0, 80)})`;
}

/** A diff with nothing in it. */
export function isClean(diffs: StreamDiff[]): boolean {
  return diffs.every((d) => d.missing.length === 0 && d.extra.length === 0 && d.different.length === 0);
}

/** A readable one-line-per-stream summary of a diff (for assertion messages and the torture table). */
export function describeDiff(diffs: StreamDiff[]): string {
  return diffs
    .filter((d) => d.missing.length + d.extra.length + d.different.length > 0)
    .map(
      (d) =>
        `${d.stream}: ${d.actual}/${d.expected} docs, missing ${d.missing.length} [${d.missing.slice(0, 3).join(', ')}], extra ${d.extra.length} [${d.extra.slice(0, 3).join(', ')}], different ${d.different.length} [${d.details.join('; ')}]`,
    )
    .join('\n');
}

/**
 * Object keys sorted, so documents compare by content, not key order; minus what changes on every
 * read of an unchanged object: signed file URLs and their `expiry_time` (NOTION-API.md), and a
 * top-level `request_id` (the response envelope's; see the reliability README: a stream that
 * leaves it in its documents is reported, not hidden, by `envelopeLeaks`).
 */
function canonical(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const signed = typeof record.expiry_time === 'string' && typeof record.url === 'string';
  return Object.fromEntries(
    Object.keys(record)
      .filter((key) => !(signed && (key === 'url' || key === 'expiry_time')))
      .filter((key) => !(depth === 0 && key === 'request_id'))
      .sort()
      .map((key) => [key, canonical(record[key], depth + 1)]),
  );
}

/** Streams whose documents carry the response envelope's `request_id` (a new value on every read). */
export function envelopeLeaks(actual: Record<StreamName, Doc[]>): StreamName[] {
  return STREAMS.filter((stream) => actual[stream].some((doc) => 'request_id' in doc));
}
