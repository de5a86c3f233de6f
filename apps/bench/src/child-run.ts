import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { monitorProcess, type ProcSample } from './proc-stats.js';

export interface ChildRunOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to stdin first (the `open` request); stdin then stays open until the run is done. */
  input?: string;
  /** Each stdout line, parsed as JSON. Throwing fails the run. */
  onMessage: (message: unknown) => void;
  /** Each stderr line. */
  onStderr?: (line: string) => void;
  /** Checked after every stdout and stderr line: true once the measured work is complete. */
  isDone: () => boolean;
  /** Real ms before the run is abandoned. */
  timeoutMs: number;
}

export interface ChildRunResult {
  ok: boolean;
  error?: string | undefined;
  /** Real seconds from spawn until isDone() held (or the failure). */
  realSeconds: number;
  /** performance.now() at spawn and at done, for rates over part of the run. */
  startedAt: number;
  doneAt: number;
  /** Sampled right before stdin was closed. */
  sample: ProcSample;
  exitCode: number | null;
  /** The last stderr lines, for failure reports. */
  stderrTail: string[];
}

/**
 * Runs a contender as a child process the way the Flow runtime runs a connector: request on
 * stdin, JSON lines on stdout, logs on stderr. Once the measured work is done it samples the
 * process (peak RSS, CPU), closes stdin, and reads the rest of stdout until the process exits.
 * A connector that opens with `explicitAcknowledgements` is acknowledged after every checkpoint.
 */
export function runChild(options: ChildRunOptions): Promise<ChildRunResult> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const monitor = monitorProcess(child.pid ?? -1);
    const stderrTail: string[] = [];
    let doneAt: number | undefined;
    let failure: string | undefined;
    let sample: ProcSample | undefined;
    let settled = false;

    const finishMeasuring = () => {
      if (doneAt !== undefined) return;
      doneAt = performance.now();
      sample = monitor.sample();
      child.stdin.end();
    };
    const fail = (message: string) => {
      if (failure === undefined) failure = message;
      if (doneAt === undefined) {
        doneAt = performance.now();
        sample = monitor.sample();
      }
      child.stdin.end();
      if (child.exitCode === null) child.kill('SIGKILL');
    };
    const check = () => {
      if (failure === undefined && doneAt === undefined && options.isDone()) finishMeasuring();
    };

    const timer = setTimeout(
      () => fail(`timed out after ${Math.round(options.timeoutMs / 1000)} s`),
      options.timeoutMs,
    );
    child.stdin.on('error', () => {}); // EPIPE after the child exits on its own
    if (options.input !== undefined) child.stdin.write(options.input);

    // Like the runtime: a connector that asks for explicit acknowledgements gets one per checkpoint.
    let acknowledge = false;
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      if (line.trim() === '' || failure !== undefined) return;
      try {
        const message = JSON.parse(line) as Record<string, unknown> | null;
        const opened = message?.opened as { explicitAcknowledgements?: unknown } | undefined;
        if (opened !== undefined) acknowledge = opened.explicitAcknowledgements === true;
        options.onMessage(message);
        if (acknowledge && message?.checkpoint !== undefined && !child.stdin.writableEnded)
          child.stdin.write(`${JSON.stringify({ acknowledge: { checkpoints: 1 } })}\n`);
      } catch (error) {
        fail(
          `bad stdout line (${error instanceof Error ? error.message : String(error)}): ${line.slice(0, 200)}`,
        );
        return;
      }
      check();
    });
    createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 30) stderrTail.shift();
      options.onStderr?.(line);
      check();
    });
    child.on('error', (error) => fail(`could not run ${options.command}: ${error.message}`));
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const final = monitor.stop();
      if (failure === undefined && doneAt === undefined) {
        const last = stderrTail[stderrTail.length - 1];
        failure = `exited (${signal ?? code}) before its work was done${last ? `; last log: ${last.slice(0, 300)}` : ''}`;
        doneAt = performance.now();
      } else if (failure === undefined && code !== 0) {
        failure = `exited with ${signal ?? code} after its work was done`;
      }
      const end = doneAt ?? performance.now();
      resolve({
        ok: failure === undefined,
        error: failure,
        realSeconds: (end - startedAt) / 1000,
        startedAt,
        doneAt: end,
        sample: sample ?? final,
        exitCode: code,
        stderrTail,
      });
    });
  });
}
