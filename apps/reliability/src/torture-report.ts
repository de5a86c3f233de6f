// What the torture checks found: one table row per check, the failures, and the printed summary
// (on stderr; stdout stays empty).

/** One line of the table: a check, how many cases it tried and passed, documents it lost. */
export interface TortureRow {
  check: string;
  tried: number;
  passed: number;
  lost: number;
  note: string;
}

export interface TortureReport {
  rows: TortureRow[];
  failures: string[];
}

export function createTortureReport(): TortureReport {
  return { rows: [], failures: [] };
}

export const say = (text: string) => process.stderr.write(`${text}\n`);

/** The table of every check and the totals: faults tried, crashes survived, bad inputs, documents lost. */
export function printTable(rows: readonly TortureRow[]): void {
  const header = ['check', 'tried', 'passed', 'docs lost', 'notes'];
  const body = rows.map((r) => [r.check, String(r.tried), String(r.passed), String(r.lost), r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  say('');
  say(fmt(header));
  say(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of body) say(fmt(row));
  const sum = (name: string) => rows.filter((r) => r.check.startsWith(name));
  const faultsTried = sum('fault matrix').reduce(
    (n, r) => n + Number(/(\d+) faults/.exec(r.note)?.[1] ?? 0),
    0,
  );
  const crashes = sum('crashes')[0];
  const bad = sum('bad protocol')[0];
  const lost = rows.filter((r) => r.check !== 'known gaps (not healed)').reduce((n, r) => n + r.lost, 0);
  say('');
  say(`faults tried: ${faultsTried} (in ${sum('fault matrix')[0]?.tried ?? 0} scenario runs)`);
  say(`crashes survived: ${crashes?.passed ?? 0} of ${crashes?.tried ?? 0}`);
  say(`bad inputs tried: ${bad?.tried ?? 0} (${bad?.passed ?? 0} handled)`);
  say(`documents lost: ${lost}${lost === 0 ? '' : '  <-- MUST BE ZERO'}`);
}
