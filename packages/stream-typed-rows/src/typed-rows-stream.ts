import {
  deletionDocument,
  initialPageSweepState,
  type NotionPage,
  type PageSweepHandler,
  type PageSweepOptions,
  type PageSweepState,
  pageSweepStateSchema,
  parentDataSourceIdOf,
  readCompletePage,
  runPageSweep,
  type Stream,
  type StreamContext,
  type StreamDocument,
  type StreamEvent,
  truncatedProperties,
} from '@source-notion/core';
import { z } from 'zod';
import { fieldName, typedRow } from './typed-document.js';
import { type TypedColumns, typedRowsSchema, widenedColumns } from './typed-schema.js';

/**
 * The typed rows stream's state: core's page sweep state, and the columns declared to Flow so far
 * (field name → the Notion types it has held), which only grow.
 */
export const typedRowsStateSchema = pageSweepStateSchema.extend({
  columns: z.record(z.string(), z.array(z.string())).optional(),
});
export type TypedRowsState = z.output<typeof typedRowsStateSchema>;

/** What a typed rows stream's name starts with: `rows.<data source id>`. */
export const TYPED_ROWS_STREAM_PREFIX = 'rows.';

/** The name of the typed rows stream of a data source (its resource config's `stream`). */
export function typedRowsStreamName(dataSourceId: string): string {
  return `${TYPED_ROWS_STREAM_PREFIX}${dataSourceId}`;
}

/** A data source's property schema as its object carries it: property name → `{type, …}`. */
export type DataSourceProperties = Record<string, { type: string }>;

/** The columns of a data source's rows, from its property schema. */
export function columnsOf(properties: DataSourceProperties | undefined): TypedColumns {
  const columns: TypedColumns = {};
  for (const [name, property] of Object.entries(properties ?? {})) columns[fieldName(name)] = [property.type];
  return columns;
}

export interface TypedRowsStreamOptions extends Omit<PageSweepOptions, 'dataSourceId'> {
  /** The data source whose rows the stream captures. */
  dataSourceId: string;
  /** Its property schema (the data source object's `properties`): the published schema's columns. */
  properties?: DataSourceProperties | undefined;
  /** The collection's title in the published schema. */
  title?: string | undefined;
}

/** Rows as typed documents; each document's columns are kept aside for the schema check. */
function typedRowsHandler(
  ctx: StreamContext,
  dataSourceId: string,
  columnsByDoc: WeakMap<StreamDocument, Record<string, string>>,
): PageSweepHandler {
  const outcome = (page: NotionPage, requests?: number) => {
    const parent = parentDataSourceIdOf(page);
    // A row moved to another data source has left this table.
    if (parent !== undefined && parent !== dataSourceId)
      return { docs: [deletionDocument(page.id)], record: null, requests };
    const row = typedRow(page);
    columnsByDoc.set(row.doc, row.columns);
    return { docs: [row.doc], record: {}, page, requests };
  };
  return {
    // The listing holds whole rows: typed at once unless a value is truncated.
    fromListing(page) {
      if (truncatedProperties(page).length > 0) return undefined;
      return outcome(page);
    },
    async process(item, _prior, signal) {
      // Completed once for the capture: the pages stream reads the same row.
      const { page, requests } = await readCompletePage(ctx, item, signal);
      if (page === undefined) return { docs: [deletionDocument(item.id)], record: null, requests };
      return outcome(page, requests);
    },
    gone: (id) => [deletionDocument(id)],
  };
}

/**
 * One sweep: the page engine over this data source's rows; before the first row whose columns
 * the state does not hold yet (a property added, renamed or retyped), the widened schema and a
 * checkpoint remembering it.
 */
async function* typedRowsSweep(
  ctx: StreamContext,
  state: TypedRowsState,
  options: TypedRowsStreamOptions,
): AsyncGenerator<StreamEvent<TypedRowsState>, void, undefined> {
  const { dataSourceId, properties: _properties, title: _title, ...sweepOptions } = options;
  let columns: TypedColumns = { ...state.columns };
  const columnsByDoc = new WeakMap<StreamDocument, Record<string, string>>();
  const handler = typedRowsHandler(ctx, dataSourceId, columnsByDoc);
  const events = runPageSweep(ctx, state as PageSweepState, handler, {
    checkpointEvery: 100,
    ...sweepOptions,
    dataSourceId,
  });
  for await (const event of events) {
    if ('doc' in event) {
      const rowColumns = columnsByDoc.get(event.doc);
      const added = rowColumns === undefined ? undefined : widenedColumns(columns, rowColumns);
      if (added !== undefined) {
        columns = { ...columns, ...added };
        ctx.logger.info('typed rows: the data source has new columns; declaring the widened schema', {
          dataSourceId,
          columns: Object.keys(added),
        });
        yield { schema: typedRowsSchema(columns) };
        yield { checkpoint: { columns: added } };
      }
    }
    yield event as StreamEvent<TypedRowsState>;
  }
}

/**
 * The typed rows of one data source: a document per row with a field per property holding a
 * plain value (see the README's type mapping), in a collection of its own keyed by `/id`. Rows
 * come from the listing every page stream of the capture shares (no request of their own); values
 * truncated at 25 references are completed once for the capture. Before the first row of a new
 * shape the stream declares the widened schema (`{schema}`), which the connector sends Flow as a
 * `sourcedSchema`.
 */
export function createTypedRowsStream(options: TypedRowsStreamOptions): Stream<TypedRowsState> {
  return {
    name: typedRowsStreamName(options.dataSourceId),
    capability: 'Read content',
    key: ['/id'],
    documentSchema: typedRowsSchema(columnsOf(options.properties), { title: options.title }),
    syncModes: ['incremental', 'full_refresh'],
    stateSchema: typedRowsStateSchema,
    initialState: () => initialPageSweepState(),
    read: (ctx, state) => typedRowsSweep(ctx, state, options),
  };
}
