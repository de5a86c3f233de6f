import type { JsonSchema, StreamName, SyncMode } from '@source-notion/core';
import { ConfigError, STREAM_NAMES } from '@source-notion/core';
import { parseInterval } from '@source-notion/flow-capture';
import { z } from 'zod';

export const SYNC_MODES = ['incremental', 'full_refresh'] as const satisfies readonly SyncMode[];

/** `rows.<data source id>`: the typed rows of one data source (discover proposes one per data source). */
const TYPED_ROWS_STREAM = /^rows\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STREAM_CHOICES = `${STREAM_NAMES.join(', ')}, or rows.<data source id> (a data source's typed rows)`;

/** One binding's resource config. `namespace` and `cursorField` come from older specs and are ignored. */
export const resourceConfigSchema = z
  .looseObject({
    stream: z.union([z.enum(STREAM_NAMES), z.string().regex(TYPED_ROWS_STREAM)]).meta({
      title: 'Stream',
      description:
        "The Notion resource this binding captures: one of the six fixed streams, or rows.<data source id> for a data source's rows as typed columns.",
      order: 0,
    }),
    syncMode: z.enum(SYNC_MODES).default('incremental').meta({
      title: 'Sync mode',
      description:
        'incremental captures what changed since the last sweep; full_refresh re-reads everything each sweep.',
      order: 1,
    }),
    interval: z
      .string()
      .refine(
        (text) => {
          try {
            parseInterval(text);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'not a duration: use an ISO-8601 duration like PT5M or a Go-style one like 5m' },
      )
      .optional()
      .meta({
        title: 'Interval',
        description:
          'How long to wait between sweeps of this binding: an ISO-8601 duration such as PT5M (the default) or PT1H, or 5m, 1h30m.',
        order: 2,
      }),
    namespace: z.string().optional().meta({ description: 'Accepted for compatibility; ignored.' }),
    cursorField: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .meta({ description: 'Accepted for compatibility; ignored.' }),
  })
  .meta({ title: 'Notion resource' });

export interface ResourceConfig {
  /** A fixed stream, or `rows.<data source id>` (a data source's typed rows). */
  stream: StreamName | `rows.${string}`;
  syncMode: SyncMode;
  interval?: string | undefined;
  namespace?: string | undefined;
  cursorField?: string | string[] | undefined;
}

/** The JSON schema of the resource config, for `spec`. */
export function resourceConfigJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(resourceConfigSchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  delete schema.$schema;
  return schema;
}

/**
 * Parses a binding's resource config; `where` names it in errors ("bindings[2].resourceConfig").
 * Throws a `ConfigError` naming the field and what to fix.
 */
export function parseResourceConfig(raw: unknown, where = 'resourceConfig'): ResourceConfig {
  const result = resourceConfigSchema.safeParse(raw);
  if (result.success) {
    const { stream, syncMode, interval, namespace, cursorField } = result.data;
    return { stream: stream as ResourceConfig['stream'], syncMode, interval, namespace, cursorField };
  }
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const field = path === '' ? where : `${where}.${path}`;
  let message: string;
  if (path === 'stream') {
    const value =
      typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).stream : undefined;
    message =
      value === undefined
        ? `${field} is missing: set it to one of ${STREAM_CHOICES}`
        : typeof value === 'string' && value.startsWith('rows.')
          ? `${field} ${JSON.stringify(value).slice(0, 60)} does not name a data source: use rows.<data source id>, the data source's UUID in lowercase with dashes (as discover proposes it)`
          : `${field} ${JSON.stringify(value)?.slice(0, 60)} is not a Notion stream: use one of ${STREAM_CHOICES}`;
  } else if (path === 'syncMode') {
    message = `${field} must be one of ${SYNC_MODES.join(', ')}`;
  } else if (path === 'interval') {
    message = `${field} is not a duration: use an ISO-8601 duration like PT5M or a Go-style one like 5m`;
  } else {
    message = `${field} is invalid: ${issue?.message ?? 'expected an object with stream'}`;
  }
  throw new ConfigError(message, { field, cause: result.error });
}
