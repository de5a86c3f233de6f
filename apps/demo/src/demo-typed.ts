import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The collections of the fixed streams; every other `.jsonl` is a data source's typed rows. */
export const FIXED_COLLECTIONS = [
  'users',
  'databases',
  'data_sources',
  'pages',
  'blocks',
  'comments',
  'page_markdown',
];

type Doc = Record<string, unknown>;

function readDocs(path: string): Doc[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Doc);
}

/** The typed rows collections in `dir` (a `.jsonl` per data source), by name. */
export function typedCollections(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.jsonl'))
    .map((file) => file.slice(0, -'.jsonl'.length))
    .filter((name) => !FIXED_COLLECTIONS.includes(name))
    .sort();
}

/** The typed collection whose rows have the most columns (the most telling example). */
export function widestTypedCollection(dir: string, names: readonly string[]): string | undefined {
  let widest: { name: string; width: number } | undefined;
  for (const name of names) {
    const width = Object.keys(readDocs(join(dir, `${name}.jsonl`))[0] ?? {}).length;
    if (widest === undefined || width > widest.width) widest = { name, width };
  }
  return widest?.name;
}

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/**
 * One row of a typed collection next to the same row in `pages`: each property as a typed column
 * and as the raw Notion value the `pages` collection keeps in `properties`.
 */
export function typedRowExample(dir: string, name: string, columns = 8): string | undefined {
  const typed = readDocs(join(dir, `${name}.jsonl`)).find((doc) => doc._meta === undefined);
  if (typed === undefined) return undefined;
  const page = readDocs(join(dir, 'pages.jsonl')).find((doc) => doc.id === typed.id);
  const raw = new Map(
    ((page?.properties ?? []) as Array<{ name: string; value: unknown }>).map((p) => [p.name, p.value]),
  );
  const lines = [`  ${'column'.padEnd(18)} ${`${name} (typed)`.padEnd(34)} pages (properties[].value)`];
  for (const [column, rawValue] of [...raw].slice(0, columns)) {
    const value = column in typed ? JSON.stringify(typed[column]) : '(renamed field)';
    lines.push(
      `  ${clip(column, 18).padEnd(18)} ${clip(value, 34).padEnd(34)} ${clip(JSON.stringify(rawValue), 60)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
