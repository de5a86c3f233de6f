import { formatCount, formatDuration } from '../status-reporter.js';
import type { PreviewStats, StreamStats } from './preview.js';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Remaining time of a stream's sweep from its progress so far, or undefined when unknown. */
export function estimateRemainingMs(stream: StreamStats, now: number): number | undefined {
  const since = stream.progressSince;
  if (stream.swept || since === undefined || stream.done === undefined || stream.estimate === undefined)
    return undefined;
  const elapsed = now - since.at;
  const progressed = stream.done - since.done;
  if (elapsed < 1000 || progressed <= 0) return undefined;
  return (Math.max(0, stream.estimate - stream.done) / progressed) * elapsed;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function padStart(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

function streamState(stream: StreamStats): string {
  if (stream.disabled !== undefined) return stream.disabled;
  if (stream.swept) {
    const docs =
      stream.sweptDocuments === undefined ? '' : `: ${formatCount(stream.sweptDocuments)} documents`;
    const time = stream.sweptMs === undefined ? '' : ` in ${formatDuration(stream.sweptMs)}`;
    return `sweep complete${docs}${time}`;
  }
  return stream.status ?? 'waiting';
}

/** The live lines: one per stream, then requests, rate-limit waits and the estimate. */
export function renderProgress(stats: PreviewStats, now: number, width = 120): string[] {
  const nameWidth = Math.max(8, ...stats.streams.map((s) => s.name.length)) + 2;
  const lines = stats.streams.map((stream) => {
    const eta = estimateRemainingMs(stream, now);
    const line =
      pad(stream.name, nameWidth) +
      padStart(formatCount(stream.captured), 9) +
      ' docs  ' +
      streamState(stream) +
      (eta === undefined ? '' : ` (~${formatDuration(eta)} left)`);
    return line.slice(0, width);
  });
  const etas = stats.streams
    .map((s) => estimateRemainingMs(s, now))
    .filter((v): v is number => v !== undefined);
  const remaining = etas.length > 0 ? `, ~${formatDuration(Math.max(...etas))} remaining` : '';
  const session = stats.sessions > 1 ? `session ${stats.session}/${stats.sessions}, ` : '';
  lines.push(
    `${session}${formatCount(stats.requests)} requests, ${formatCount(stats.rateLimited)} rate-limited` +
      ` (${formatDuration(stats.pausedMs)} paused), ${formatDuration(now - stats.startedAt)} elapsed${remaining}`.slice(
        0,
        width,
      ),
  );
  return lines;
}

/** The closing table: documents captured, deleted and in each collection. */
export function renderSummary(stats: PreviewStats, files: Record<string, string>, now: number): string {
  const rows = stats.streams.map((s) => [
    s.name,
    s.disabled === undefined ? formatCount(s.captured) : '-',
    s.disabled === undefined ? formatCount(s.deleted) : '-',
    s.disabled === undefined ? formatCount(s.total) : '-',
    files[s.name] ?? (s.disabled === undefined ? '' : 'disabled'),
  ]);
  const header = ['collection', 'captured', 'deleted', 'total', 'file'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 || i === 4 ? pad(cell, widths[i] ?? 0) : padStart(cell, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    format(header),
    rule,
    ...rows.map(format),
    rule,
    `${formatCount(stats.requests)} requests, ${formatCount(stats.rateLimited)} rate-limited, ${formatCount(stats.transactions)} checkpoints, ${formatDuration(now - stats.startedAt)}`,
    '',
  ].join('\n');
}

export interface ProgressDisplay {
  update(stats: PreviewStats): void;
  /** Prints a message above the live lines. */
  note(text: string): void;
  stop(): void;
}

/**
 * On a terminal: the progress lines redrawn in place a few times a second. Elsewhere: a plain
 * line whenever a stream's status changes.
 */
export function createProgressDisplay(output: Output, now: () => number = () => Date.now()): ProgressDisplay {
  if (output.isTTY) {
    let drawn = 0;
    let latest: PreviewStats | undefined;
    const clear = () => {
      if (drawn > 0) output.write(`\x1b[${drawn}F\x1b[J`);
      drawn = 0;
    };
    const draw = () => {
      if (latest === undefined) return;
      clear();
      const columns = output.columns !== undefined && output.columns >= 40 ? output.columns : 120;
      const lines = renderProgress(latest, now(), columns - 1);
      output.write(`${lines.join('\n')}\n`);
      drawn = lines.length;
    };
    const timer = setInterval(draw, 250);
    timer.unref();
    return {
      update(stats) {
        latest = stats;
      },
      note(text) {
        clear();
        output.write(`${text}\n`);
        draw();
      },
      stop() {
        clearInterval(timer);
        draw();
      },
    };
  }
  const last = new Map<string, string>();
  let phase = '';
  return {
    update(stats) {
      const currentPhase = stats.phase === 'capture' ? `capture session ${stats.session}` : stats.phase;
      if (currentPhase !== phase) {
        phase = currentPhase;
        output.write(`[preview] ${currentPhase}\n`);
      }
      if (stats.phase !== 'capture') return;
      for (const stream of stats.streams) {
        const text = streamState(stream);
        if (last.get(stream.name) === text) continue;
        last.set(stream.name, text);
        output.write(`[${stream.name}] ${text}\n`);
      }
    },
    note(text) {
      output.write(`${text}\n`);
    },
    stop() {},
  };
}
