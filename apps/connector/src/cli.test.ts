import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CliIo } from './cli-io.js';

function io(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  // Collects what is written, synchronously (a stream would hand it over a tick later).
  const sink = (into: string[]) =>
    ({
      write: (chunk: string | Uint8Array) => {
        into.push(String(chunk));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  const cliIo: CliIo = {
    stdin: new PassThrough(),
    stdout: sink(out),
    stderr: sink(err),
    env,
    self: { command: process.execPath, args: [] },
  };
  return { cliIo, out, err };
}

describe('runCli', () => {
  it('lists every environment switch in --help', async () => {
    const { cliIo, out } = io({});
    expect(await runCli(['--help'], cliIo)).toBe(0);
    const help = out.join('');
    for (const name of [
      'LOG_LEVEL',
      'NOTION_API_BASE_URL',
      'SOURCE_NOTION_TIME_SCALE',
      'SOURCE_NOTION_CLOCK_START',
      'SOURCE_NOTION_STATUS_INTERVAL_MS',
    ]) {
      expect(help).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
  });

  it('prints help whatever the environment says', async () => {
    const { cliIo } = io({ SOURCE_NOTION_TIME_SCALE: 'fast' });
    expect(await runCli(['--help'], cliIo)).toBe(0);
  });

  it('fails with one error line on stderr, before reading stdin, when a switch has a bad value', async () => {
    const { cliIo, out, err } = io({ SOURCE_NOTION_TIME_SCALE: 'fast', LOG_LEVEL: 'error' });
    expect(await runCli([], cliIo)).toBe(1);
    expect(out).toEqual([]);
    const lines = err.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'error',
      msg: 'bad environment: SOURCE_NOTION_TIME_SCALE must be a number above 0, got "fast"',
    });
  });
});
