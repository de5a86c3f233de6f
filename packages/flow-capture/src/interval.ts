import { IntervalError } from './errors.js';

const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const GO_DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
const GO_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a polling interval into milliseconds: ISO-8601 durations (`PT5M`, `PT1H30M`, `P1D`,
 * `P1W`; no years or months) or Go-style durations (`5m`, `1h30m`, `300s`, `1.5h`, `500ms`).
 * Throws an `IntervalError` (field `interval`) for anything else, and for a zero duration.
 */
export function parseInterval(text: string): number {
  const input = text.trim();
  let ms: number | undefined;
  const iso = ISO_DURATION.exec(input);
  if (iso && input !== 'P' && !/T$/i.test(input)) {
    const [, weeks, days, hours, minutes, seconds] = iso.map((part) =>
      part === undefined ? 0 : Number(part),
    );
    ms =
      ((((weeks ?? 0) * 7 + (days ?? 0)) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60_000 +
      (seconds ?? 0) * 1000;
  } else if (input !== '') {
    GO_DURATION_PART.lastIndex = 0;
    let total = 0;
    let match: RegExpExecArray | null;
    let consumed = 0;
    // biome-ignore lint/suspicious/noAssignInExpressions: sticky regex scan
    while ((match = GO_DURATION_PART.exec(input)) !== null) {
      total += Number(match[1]) * (GO_UNIT_MS[match[2] as string] ?? Number.NaN);
      consumed = GO_DURATION_PART.lastIndex;
    }
    if (consumed === input.length) ms = total;
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new IntervalError(
      `interval "${input.slice(0, 40)}" is not a duration: use an ISO-8601 duration like PT5M, PT1H30M or P1D, or a Go-style one like 5m or 1h30m`,
    );
  }
  if (ms <= 0) {
    throw new IntervalError(`interval "${input.slice(0, 40)}" must be longer than zero, e.g. PT5M`);
  }
  return Math.round(ms);
}
