import { isInTrash, type NotionPage, type StreamDocument } from '@source-notion/core';
import { FIXED_FIELDS, isRichTextType } from './typed-schema.js';
import { type PropertyValue, plainValue } from './typed-values.js';

/** What marks a property's field when its name is taken (see fieldName). */
export const CLASH_SUFFIX = ' (property)';

/**
 * The field of a property named `name`: its name, except that a name one of the fixed fields has
 * (`id`, `url`, `created_time`, `last_edited_time`, `created_by`, `last_edited_by`, `in_trash`,
 * `raw_rich_text`, `_meta`), or that already ends with " (property)", gets " (property)" appended
 * (a property "id" is the field "id (property)"). No two properties share a field, and none takes
 * a fixed one.
 */
export function fieldName(name: string): string {
  return Object.hasOwn(FIXED_FIELDS, name) || name.endsWith(CLASH_SUFFIX) ? `${name}${CLASH_SUFFIX}` : name;
}

/** A row as its typed document, and the Notion type of each of its columns (for the schema). */
export interface TypedRow {
  doc: StreamDocument;
  /** Field name → the property's type in this row. */
  columns: Record<string, string>;
}

const userId = (user: unknown): string | undefined => {
  const id = (user as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
};

/**
 * The typed document of a row (complete its values first: completePageOnce): the fixed fields,
 * then one field per property (fieldName) with its plain value (plainValue), and the rich text of
 * title and rich text properties under `raw_rich_text`.
 */
export function typedRow(page: NotionPage): TypedRow {
  const doc: StreamDocument = {
    id: page.id,
    url: typeof page.url === 'string' ? page.url : undefined,
    created_time: page.created_time,
    last_edited_time: page.last_edited_time,
    created_by: userId(page.created_by),
    last_edited_by: userId(page.last_edited_by),
    in_trash: isInTrash(page),
  };
  for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key];
  const columns: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(page.properties ?? {}) as [string, PropertyValue][]) {
    const field = fieldName(name);
    columns[field] = value.type;
    doc[field] = plainValue(value);
    if (isRichTextType(value.type)) raw[field] = value[value.type] ?? [];
  }
  doc.raw_rich_text = raw;
  return { doc, columns };
}
