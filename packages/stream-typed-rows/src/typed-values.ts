/*
 * A Notion property value (`{id, type, [type]: …}`, as page objects hold them) as a plain value of
 * its typed-row column. The table in the README lists every type; typed-schema.ts gives each the
 * JSON schema these values validate against.
 */

/** A page property value as Notion sends it. */
export type PropertyValue = { id?: string; type: string; [key: string]: unknown };

/** `{start, end, time_zone}`: a date, a date range, or a date with its time zone. */
export interface PlainDate {
  start: string;
  end: string | null;
  time_zone: string | null;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const items = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Rich text (a title or rich_text value) as plain text: its items' `plain_text` joined. */
export function plainText(richText: unknown): string {
  return items(richText)
    .map((item) => (isObject(item) ? (stringOrNull(item.plain_text) ?? '') : ''))
    .join('');
}

/** A Notion date (`{start, end, time_zone}`), or null. */
export function plainDate(value: unknown): PlainDate | null {
  if (!isObject(value) || typeof value.start !== 'string') return null;
  return { start: value.start, end: stringOrNull(value.end), time_zone: stringOrNull(value.time_zone) };
}

/** The ids of a list of objects (people, relation references). */
function ids(value: unknown): string[] {
  return items(value).flatMap((item) => (isObject(item) && typeof item.id === 'string' ? [item.id] : []));
}

/** A user reference's id (created_by, last_edited_by, verified_by), or null. */
function userId(value: unknown): string | null {
  return isObject(value) ? stringOrNull(value.id) : null;
}

/** An option's name (select, status), or null. */
function optionName(value: unknown): string | null {
  return isObject(value) ? stringOrNull(value.name) : null;
}

/** A file: its name and URL (a Notion-hosted file's signed URL, or the external URL). */
function plainFile(file: unknown): { name: string; url: string | null } {
  const f = isObject(file) ? file : {};
  const hosted = isObject(f.file) ? f.file : isObject(f.external) ? f.external : {};
  return { name: stringOrNull(f.name) ?? '', url: stringOrNull(hosted.url) };
}

/** A formula's result: string, number or boolean as is, a date as PlainDate; null otherwise. */
function formulaResult(value: unknown): string | number | boolean | PlainDate | null {
  if (!isObject(value)) return null;
  const result = value[String(value.type)];
  if (value.type === 'date') return plainDate(result);
  if (typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean') return result;
  return null;
}

/** A rollup's result: a number, a date, or an array of the rolled-up values (each plain); else null. */
function rollupResult(value: unknown): number | PlainDate | unknown[] | null {
  if (!isObject(value)) return null;
  if (value.type === 'number') return numberOrNull(value.number);
  if (value.type === 'date') return plainDate(value.date);
  if (value.type === 'array')
    return items(value.array).map((element) =>
      isObject(element) && typeof element.type === 'string' ? plainValue(element as PropertyValue) : null,
    );
  return null;
}

/** `PREFIX-N` (or `N` without a prefix) and the number; null before Notion numbered the row. */
function uniqueId(value: unknown): { text: string; number: number } | null {
  if (!isObject(value) || typeof value.number !== 'number') return null;
  const prefix = stringOrNull(value.prefix);
  return { text: prefix ? `${prefix}-${value.number}` : String(value.number), number: value.number };
}

function verification(
  value: unknown,
): { state: string; verified_by: string | null; date: PlainDate | null } | null {
  if (!isObject(value) || typeof value.state !== 'string') return null;
  return { state: value.state, verified_by: userId(value.verified_by), date: plainDate(value.date) };
}

function place(
  value: unknown,
): { lat: number | null; lon: number | null; name: string | null; address: string | null } | null {
  if (!isObject(value)) return null;
  return {
    lat: numberOrNull(value.lat),
    lon: numberOrNull(value.lon),
    name: stringOrNull(value.name),
    address: stringOrNull(value.address),
  };
}

/**
 * The plain value of a property (see the README's type mapping). A type this package does not
 * know yet keeps Notion's value as is (its column's schema accepts any JSON).
 */
export function plainValue(value: PropertyValue): unknown {
  const raw = value[value.type];
  switch (value.type) {
    case 'title':
    case 'rich_text':
      return plainText(raw);
    case 'number':
      return numberOrNull(raw);
    case 'checkbox':
      return raw === true;
    case 'select':
    case 'status':
      return optionName(raw);
    case 'multi_select':
      return items(raw).flatMap((option) => {
        const name = optionName(option);
        return name === null ? [] : [name];
      });
    case 'date':
      return plainDate(raw);
    case 'people':
    case 'relation':
      return ids(raw);
    case 'files':
      return items(raw).map(plainFile);
    case 'url':
    case 'email':
    case 'phone_number':
    case 'created_time':
    case 'last_edited_time':
      return stringOrNull(raw);
    case 'created_by':
    case 'last_edited_by':
      return userId(raw);
    case 'formula':
      return formulaResult(raw);
    case 'rollup':
      return rollupResult(raw);
    case 'unique_id':
      return uniqueId(raw);
    case 'verification':
      return verification(raw);
    case 'place':
      return place(raw);
    case 'button':
      return null;
    default:
      return raw ?? null;
  }
}
