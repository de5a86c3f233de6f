import type { JsonSchema } from '@source-notion/core';

/*
 * The JSON schema of a data source's typed rows, generated from its columns (field name → the
 * Notion property types it has held). Closed, as Flow requires of a schema the source declares:
 * `type: object`, `additionalProperties: false` and `required` wherever `properties` appear, the
 * `_meta` fields declared. Columns only accumulate: a renamed property is a new column beside the
 * old one, a retyped one accepts its old and new values.
 */

/** Each column's Notion property types, in the order they were met (a retyped property has several). */
export type TypedColumns = Record<string, string[]>;

/** A closed object schema: every field optional unless listed in `required`. */
function closedObject(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

const nullable = (type: string): JsonSchema => ({ type: [type, 'null'] });
const stringArray: JsonSchema = { type: 'array', items: { type: 'string' } };
const dateFields = {
  start: { type: 'string' },
  end: nullable('string'),
  time_zone: nullable('string'),
};
/** A date, nullable (PlainDate). */
const dateSchema: JsonSchema = {
  ...closedObject(dateFields, ['start', 'end', 'time_zone']),
  type: ['object', 'null'],
};
const timestamp: JsonSchema = { type: 'string', format: 'date-time' };

/** The schema of one property type's plain values (typed-values.ts). Unknown types: any JSON. */
export function propertyTypeSchema(type: string): JsonSchema {
  switch (type) {
    case 'title':
    case 'rich_text':
      return { type: 'string' };
    case 'number':
      return nullable('number');
    case 'checkbox':
      return { type: 'boolean' };
    case 'select':
    case 'status':
    case 'url':
    case 'email':
    case 'phone_number':
    case 'created_by':
    case 'last_edited_by':
      return nullable('string');
    case 'multi_select':
    case 'people':
    case 'relation':
      return stringArray;
    case 'date':
      return dateSchema;
    case 'files':
      return {
        type: 'array',
        items: closedObject({ name: { type: 'string' }, url: nullable('string') }, ['name', 'url']),
      };
    case 'created_time':
    case 'last_edited_time':
      return { type: ['string', 'null'], format: 'date-time' };
    case 'formula':
      // string, number, boolean or a date, as the formula's result is typed.
      return {
        ...closedObject(dateFields, ['start', 'end', 'time_zone']),
        type: ['string', 'number', 'boolean', 'object', 'null'],
      };
    case 'rollup':
      // a number, a date, or an array of the rolled-up values (plain values of any type).
      return {
        ...closedObject(dateFields, ['start', 'end', 'time_zone']),
        type: ['number', 'object', 'array', 'null'],
        items: {},
      };
    case 'unique_id':
      return {
        ...closedObject({ text: { type: 'string' }, number: { type: 'number' } }, ['text', 'number']),
        type: ['object', 'null'],
      };
    case 'verification':
      return {
        ...closedObject({ state: { type: 'string' }, verified_by: nullable('string'), date: dateSchema }, [
          'state',
          'verified_by',
          'date',
        ]),
        type: ['object', 'null'],
      };
    case 'place':
      return {
        ...closedObject(
          {
            lat: nullable('number'),
            lon: nullable('number'),
            name: nullable('string'),
            address: nullable('string'),
          },
          ['lat', 'lon', 'name', 'address'],
        ),
        type: ['object', 'null'],
      };
    case 'button':
      return { type: 'null' };
    default:
      return {};
  }
}

/** The fields every typed row has besides its properties, and their schemas. */
export const FIXED_FIELDS: Record<string, JsonSchema> = {
  id: { type: 'string', description: 'The row (page) id, a UUID.' },
  url: { type: 'string', description: "The row's Notion URL." },
  created_time: timestamp,
  last_edited_time: timestamp,
  created_by: { type: 'string', description: 'The id of the user who created the row.' },
  last_edited_by: { type: 'string', description: 'The id of the user who last edited the row.' },
  in_trash: { type: 'boolean', description: 'The row is in the trash.' },
  raw_rich_text: {
    ...closedObject({}),
    description:
      "Every title and rich text column's Notion rich text (annotations, links, mentions), by column name.",
  },
  _meta: closedObject({
    op: { enum: ['c', 'u', 'd'], description: '"d": the row was deleted (or is no longer shared).' },
    uuid: { type: 'string' },
  }),
};

/** The schema of one column: its type's, or any of its types' when the property was retyped. */
export function columnSchema(types: readonly string[]): JsonSchema {
  const unique = [...new Set(types)];
  if (unique.length === 1) return propertyTypeSchema(unique[0]!);
  return { anyOf: unique.map(propertyTypeSchema) };
}

/** Whether a column holds rich text (its raw value goes under `raw_rich_text`). */
export const isRichTextType = (type: string): boolean => type === 'title' || type === 'rich_text';

export interface TypedRowsSchemaOptions {
  /** The collection's title. */
  title?: string | undefined;
}

/**
 * The closed JSON schema (draft 2020-12) of a data source's typed rows with these columns: the
 * fixed fields, one field per column, and under `raw_rich_text` the rich text of the title and
 * rich text columns. Only `id` is required: a deletion is `{id, _meta: {op: 'd'}}`.
 */
export function typedRowsSchema(columns: TypedColumns, options: TypedRowsSchemaOptions = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...FIXED_FIELDS };
  const raw: Record<string, JsonSchema> = {};
  for (const [name, types] of Object.entries(columns)) {
    properties[name] = columnSchema(types);
    if (types.some(isRichTextType)) raw[name] = { type: 'array', items: { type: 'object' } };
  }
  properties.raw_rich_text = { ...FIXED_FIELDS.raw_rich_text, properties: raw };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...(options.title === undefined ? {} : { title: options.title }),
    ...closedObject(properties, ['id']),
  };
}

/**
 * `columns` widened by a row's columns (name → its type now): the columns it adds and the types
 * it adds to existing ones, or undefined when the row fits the columns as they are.
 */
export function widenedColumns(
  columns: TypedColumns,
  row: Readonly<Record<string, string>>,
): TypedColumns | undefined {
  let added: TypedColumns | undefined;
  for (const [name, type] of Object.entries(row)) {
    const known = columns[name];
    if (known?.includes(type)) continue;
    added ??= {};
    added[name] = [...(known ?? []), type];
  }
  return added;
}
