import { describe, expect, it } from 'vitest';
import { runChild } from './child-run.js';

const script = (body: string) => ['-e', body];

describe('runChild', () => {
  it('feeds stdout messages, stops measuring when done, and reads the rest after stdin closes', async () => {
    const messages: unknown[] = [];
    const result = await runChild({
      command: process.execPath,
      args: script(`
        process.stdin.once('data', (d) => {
          const n = JSON.parse(d).n;
          for (let i = 0; i < n; i++) process.stdout.write(JSON.stringify({ i }) + '\\n');
          process.stderr.write('{"msg":"done"}\\n');
        });
        process.stdin.on('end', () => { process.stdout.write('{"final":true}\\n'); process.exit(0); });
      `),
      env: process.env,
      input: '{"n":3}\n',
      onMessage: (m) => messages.push(m),
      isDone: () => messages.length >= 3,
      timeoutMs: 10_000,
    });
    expect(result.ok).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(messages).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { final: true }]);
    expect(result.realSeconds).toBeGreaterThan(0);
    expect(result.sample.peakRssBytes).toBeGreaterThan(0);
  });

  it('acknowledges each checkpoint, like the runtime, when the connector asks for it', async () => {
    const messages: unknown[] = [];
    const result = await runChild({
      command: process.execPath,
      args: script(`
        const { createInterface } = require('node:readline');
        process.stdout.write('{"opened":{"explicitAcknowledgements":true}}\\n');
        process.stdout.write('{"checkpoint":{"state":{}}}\\n');
        const lines = createInterface({ input: process.stdin });
        let seen = 0;
        lines.on('line', (line) => {
          if (++seen === 1) return; // the open request
          process.stdout.write(JSON.stringify({ echoed: JSON.parse(line) }) + '\\n');
        });
        lines.on('close', () => process.exit(0));
      `),
      env: process.env,
      input: '{"open":{}}\n',
      onMessage: (m) => messages.push(m),
      isDone: () => messages.length >= 3,
      timeoutMs: 10_000,
    });
    expect(result.ok).toBe(true);
    expect(messages[2]).toEqual({ echoed: { acknowledge: { checkpoints: 1 } } });
  });

  it('fails a child that exits before its work is done, quoting its last log line', async () => {
    const result = await runChild({
      command: process.execPath,
      args: script(`process.stderr.write('{"level":"error","msg":"token revoked"}\\n'); process.exit(3);`),
      env: process.env,
      onMessage: () => {},
      isDone: () => false,
      timeoutMs: 10_000,
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/exited \(3\) before its work was done; last log: .*token revoked/);
  });

  it('fails on a stdout line that is not JSON, and on a timeout', async () => {
    const bad = await runChild({
      command: process.execPath,
      args: script(`process.stdout.write('hello\\n'); setTimeout(() => {}, 5000);`),
      env: process.env,
      onMessage: () => {},
      isDone: () => false,
      timeoutMs: 10_000,
    });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/bad stdout line .*hello/);
    const slow = await runChild({
      command: process.execPath,
      args: script('setTimeout(() => {}, 5000);'),
      env: process.env,
      onMessage: () => {},
      isDone: () => false,
      timeoutMs: 300,
    });
    expect(slow.ok).toBe(false);
    expect(slow.error).toMatch(/timed out/);
  });
});
