import {
  isInTrash,
  type Logger,
  listDataSources,
  type NotionClient,
  parentDatabaseIdOf,
  STREAM_NAMES,
  titleOf,
} from '@source-notion/core';
import { createTypedRowsStream, type DataSourceProperties } from '@source-notion/stream-typed-rows';
import type { AnyStream } from './streams.js';

/** A data source's typed rows binding as discover proposes it. */
export interface TypedBinding {
  stream: AnyStream;
  recommendedName: string;
}

/** What a data source's readable name is made of. */
export interface DataSourceTitles {
  id: string;
  database: string | undefined;
  dataSource: string | undefined;
}

/** Lowercase words joined by `_` (letters and digits of any script kept). */
function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** Names taken more than once in `names`, or by one of the six fixed collections. */
function clashes(names: Iterable<string>): Set<string> {
  const seen = new Set<string>(STREAM_NAMES);
  const taken = new Set<string>(STREAM_NAMES);
  for (const name of names) {
    if (seen.has(name)) taken.add(name);
    seen.add(name);
  }
  return taken;
}

/**
 * Readable collection names for data sources, stable across discovers, as lowercase words joined
 * by `_`: the data source's title ("Tasks" → `tasks`), or the database's when the data source has
 * none; where two data sources would share a name (or take a fixed collection's), the database
 * title goes first (`roadmap_tasks`), and where that still collides, the data source id's first 8
 * hex digits go last; `untitled` without any title.
 */
export function recommendedNames(sources: readonly DataSourceTitles[]): Map<string, string> {
  const titled = (text: string | undefined) => (text === undefined ? '' : slug(text));
  const names = new Map<string, string>();
  for (const source of sources)
    names.set(source.id, titled(source.dataSource) || titled(source.database) || 'untitled');
  let taken = clashes(names.values());
  for (const source of sources) {
    const name = names.get(source.id)!;
    if (!taken.has(name)) continue;
    const database = titled(source.database);
    if (database !== '' && database !== name) names.set(source.id, `${database}_${name}`);
  }
  taken = clashes(names.values());
  for (const source of sources) {
    const name = names.get(source.id)!;
    if (taken.has(name)) names.set(source.id, `${name}_${source.id.replace(/-/g, '').slice(0, 8)}`);
  }
  return names;
}

/**
 * One typed rows binding per data source the token can see (not in the trash), from the data
 * source listing core's streams share (search, and every data source of the databases it meets),
 * named by recommendedNames and published with the schema of its properties.
 */
export async function discoverTypedRows(notion: NotionClient, logger: Logger): Promise<TypedBinding[]> {
  const listing = listDataSources(notion, { needsObjects: true });
  const listed: Array<Record<string, unknown> & { id: string }> = [];
  for await (const source of listing.results)
    if (!isInTrash(source as { in_trash?: unknown })) listed.push(source);
  // The databases the listing read are final once its results are.
  const sources = listed.map((source) => {
    const databaseId = parentDatabaseIdOf(source);
    const database = databaseId === undefined ? undefined : listing.databases.get(databaseId);
    return {
      id: source.id,
      titles: { id: source.id, database: titleOf(database), dataSource: titleOf(source) },
      properties: source.properties as DataSourceProperties | undefined,
    };
  });
  sources.sort((a, b) => a.id.localeCompare(b.id));
  const names = recommendedNames(sources.map((s) => s.titles));
  logger.info(`discovered ${sources.length} data source(s): one typed rows binding each`);
  return sources.map(({ id, titles, properties }) => {
    const title = [titles.database, titles.dataSource].filter(Boolean).join(' / ') || 'Untitled';
    return {
      stream: createTypedRowsStream({
        dataSourceId: id,
        properties,
        title: `Notion rows of ${title}`,
      }) as unknown as AnyStream,
      recommendedName: names.get(id)!,
    };
  });
}
