import { DAY_MS } from '../../time.js';
import type { PageRecord } from '../../workspace/model.js';
import { validationError } from '../errors.js';

export type RowPredicate = (page: PageRecord) => boolean;
export type RowComparator = (a: PageRecord, b: PageRecord) => number;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMPS = ['created_time', 'last_edited_time'] as const;
type Timestamp = (typeof TIMESTAMPS)[number];

function stamp(page: PageRecord, timestamp: Timestamp): number {
  return timestamp === 'created_time' ? page.created : page.edited;
}

function parseDate(value: unknown, path: string): { start: number; dateOnly: boolean } {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw validationError(
      `body failed validation: ${path} should be a valid ISO 8601 date string, instead was \`${JSON.stringify(value)}\`.`,
    );
  }
  return {
    start: Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00.000Z` : value),
    dateOnly: DATE_ONLY.test(value),
  };
}

function dateCondition(condition: unknown, path: string): (t: number) => boolean {
  if (!condition || typeof condition !== 'object')
    throw validationError(`body failed validation: ${path} should be an object.`);
  const entries = Object.entries(condition as Record<string, unknown>);
  if (entries.length !== 1)
    throw validationError(`body failed validation: ${path} should have exactly one condition.`);
  const [op, value] = entries[0] as [string, unknown];
  if (op === 'is_empty') return () => value !== true;
  if (op === 'is_not_empty') return () => value === true;
  const { start, dateOnly } = parseDate(value, `${path}.${op}`);
  const end = dateOnly ? start + DAY_MS : start + 1;
  switch (op) {
    case 'equals':
      return (t) => t >= start && t < end;
    case 'before':
      return (t) => t < start;
    case 'after':
      return (t) => t >= end;
    case 'on_or_before':
      return (t) => t < end;
    case 'on_or_after':
      return (t) => t >= start;
    default:
      throw validationError(`body failed validation: ${path}.${op} is not a supported date condition.`);
  }
}

/**
 * Compiles a data source query filter. Supported: timestamp filters on created_time and
 * last_edited_time (equals, before, after, on_or_before, on_or_after) and `and` / `or` of them.
 */
export function compileFilter(filter: unknown, path = 'body.filter'): RowPredicate {
  if (filter === undefined || filter === null) return () => true;
  if (typeof filter !== 'object' || Array.isArray(filter))
    throw validationError(`body failed validation: ${path} should be an object.`);
  const f = filter as Record<string, unknown>;
  if (Array.isArray(f.and)) {
    const parts = f.and.map((part, i) => compileFilter(part, `${path}.and[${i}]`));
    return (page) => parts.every((p) => p(page));
  }
  if (Array.isArray(f.or)) {
    const parts = f.or.map((part, i) => compileFilter(part, `${path}.or[${i}]`));
    return (page) => parts.some((p) => p(page));
  }
  if (typeof f.timestamp === 'string') {
    const timestamp = f.timestamp as Timestamp;
    if (!TIMESTAMPS.includes(timestamp)) {
      throw validationError(
        `body failed validation: ${path}.timestamp should be \`"created_time"\` or \`"last_edited_time"\`.`,
      );
    }
    const test = dateCondition(f[timestamp], `${path}.${timestamp}`);
    return (page) => test(stamp(page, timestamp));
  }
  throw validationError(
    `body failed validation: ${path} is not supported by the emulator (timestamp filters, and, or).`,
  );
}

/** Compiles `sorts`: timestamp sorts, or the title property; default created_time ascending. */
export function compileSorts(sorts: unknown, titleName: string | undefined): RowComparator {
  const tie: RowComparator = (a, b) => a.idx - b.idx;
  if (sorts === undefined || sorts === null) return (a, b) => a.created - b.created || tie(a, b);
  if (!Array.isArray(sorts)) throw validationError('body failed validation: body.sorts should be an array.');
  const parts: RowComparator[] = sorts.map((sort, i) => {
    const s = sort as Record<string, unknown> | null;
    const path = `body.sorts[${i}]`;
    if (!s || typeof s !== 'object')
      throw validationError(`body failed validation: ${path} should be an object.`);
    const sign = s.direction === 'descending' ? -1 : s.direction === 'ascending' ? 1 : 0;
    if (sign === 0)
      throw validationError(
        `body failed validation: ${path}.direction should be \`"ascending"\` or \`"descending"\`.`,
      );
    if (s.timestamp === 'created_time' || s.timestamp === 'last_edited_time') {
      const timestamp = s.timestamp;
      return (a, b) => sign * (stamp(a, timestamp) - stamp(b, timestamp));
    }
    if (typeof s.property === 'string' && (s.property === titleName || s.property === 'title')) {
      return (a, b) => sign * a.title.localeCompare(b.title);
    }
    throw validationError(
      `body failed validation: ${path} is not supported by the emulator (timestamp sorts or the title).`,
    );
  });
  return (a, b) => {
    for (const part of parts) {
      const c = part(a, b);
      if (c !== 0) return c;
    }
    return tie(a, b);
  };
}
