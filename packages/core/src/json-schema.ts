/** A JSON Schema document (draft 2020-12), as published in spec and discover responses. */
export type JsonSchema = { [key: string]: unknown };
