export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Notion rounds created_time / last_edited_time down to the minute. */
export function floorToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** `YYYY-MM-DDTHH:MM:SS.000Z` (always milliseconds, like Notion). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A calendar date `YYYY-MM-DD`. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
