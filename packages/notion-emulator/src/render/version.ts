export const NOTION_VERSIONS = ['2025-09-03', '2026-03-11', '2026-12-01'] as const;
export type NotionVersion = (typeof NOTION_VERSIONS)[number];

export function isNotionVersion(value: string): value is NotionVersion {
  return (NOTION_VERSIONS as readonly string[]).includes(value);
}

const VERSIONED_OBJECTS = new Set(['page', 'block', 'database', 'data_source']);

/**
 * Builders produce the 2025-09-03 shape; 2026-03-11 (and 2026-12-01 after it) drops `archived` (in
 * favour of `in_trash`) and renames the `transcription` block type to `meeting_notes`. Mutates and
 * returns `body`. The other 2026-12-01 changes (title-only lists, null person names) are made
 * where those objects are built.
 */
export function adaptToVersion<T>(body: T, version: NotionVersion): T {
  if (version === '2025-09-03') return body;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.object === 'string' && VERSIONED_OBJECTS.has(record.object)) {
      delete record.archived;
      if (record.object === 'block' && record.type === 'transcription') {
        record.type = 'meeting_notes';
        record.meeting_notes = record.transcription;
        delete record.transcription;
      }
    }
    if (Array.isArray(record.results)) visit(record.results);
  };
  visit(body);
  return body;
}
