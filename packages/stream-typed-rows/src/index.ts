// A row's typed document and the rule for property names that clash with the fixed fields.
export { CLASH_SUFFIX, fieldName, type TypedRow, typedRow } from './typed-document.js';
// The typed rows stream of one data source, its options and state.
export {
  columnsOf,
  createTypedRowsStream,
  type DataSourceProperties,
  TYPED_ROWS_STREAM_PREFIX,
  type TypedRowsState,
  type TypedRowsStreamOptions,
  typedRowsStateSchema,
  typedRowsStreamName,
} from './typed-rows-stream.js';
// The JSON schema of the typed rows, generated from their columns.
export {
  columnSchema,
  FIXED_FIELDS,
  propertyTypeSchema,
  type TypedColumns,
  typedRowsSchema,
  widenedColumns,
} from './typed-schema.js';
// A property value as a plain value.
export { type PlainDate, type PropertyValue, plainText, plainValue } from './typed-values.js';
