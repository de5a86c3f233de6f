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

/**
 * Readable collection names for data sources, stable across discovers: the database title, with
 * the data source's own title after it when it differs (a database with several data sources),
 * as lowercase words joined by `_` ("Projects" → `projects`, "Projects / Archive" →
 * `projects_archive`); `untitled` without a title. Names that collide (with each other or with the
 * six fixed collections) get the data source id's first 8 hex digits appended.
 */
export function recommendedNames(sources: readonly DataSourceTitles[]): Map<string, string> {
  const base = new Map<string, string>();
  for (const source of sources) {
    const parts = [source.database, source.dataSource].filter(
      (part, i, all): part is string =>
        part !== undefined && part.trim() !== '' && (i === 0 || part !== all[0]),
    );
    base.set(source.id, slug(parts.join(' ')) || 'untitled');
  }
  const counts = new Map<string, number>();
  for (const name of base.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  const fixed = new Set<string>(STREAM_NAMES);
  const names = new Map<string, string>();
  for (const [id, name] of base) {
    const clash = (counts.get(name) ?? 0) > 1 || fixed.has(name);
    names.set(id, clash ? `${name}_${id.replace(/-/g, '').slice(0, 8)}` : name);
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
  const sources: Array<{
    id: string;
    titles: DataSourceTitles;
    properties: DataSourceProperties | undefined;
  }> = [];
  for await (const source of listing.results) {
    if (isInTrash(source as { in_trash?: unknown })) continue;
    const databaseId = parentDatabaseIdOf(source);
    const database = databaseId === undefined ? undefined : listing.databases.get(databaseId);
    sources.push({
      id: source.id,
      titles: { id: source.id, database: titleOf(database), dataSource: titleOf(source) },
      properties: source.properties as DataSourceProperties | undefined,
    });
  }
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
