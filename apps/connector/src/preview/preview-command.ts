import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEndpointConfig, redactSecrets } from '@source-notion/core';
import { parse as parseYaml } from 'yaml';
import type { CliIo } from '../cli-io.js';
import { runPreview } from './preview.js';
import { createProgressDisplay, renderSummary } from './progress-display.js';

export interface PreviewArgs {
  config: string;
  state: string;
  output: string;
  sessions: number;
  /** `--webhook-port`: listen for Notion's webhooks on this local port until interrupted. */
  webhookPort?: number;
}

/** Parses `preview` arguments; throws an Error that says what is wrong. */
export function parsePreviewArgs(argv: readonly string[], cwd = process.cwd()): PreviewArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', short: 'c' },
      state: { type: 'string', short: 's' },
      output: { type: 'string', short: 'o' },
      sessions: { type: 'string', short: 'n' },
      'webhook-port': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0)
    throw new Error(`unexpected argument ${positionals[0]}: see source-notion --help`);
  if (values.config === undefined)
    throw new Error('--config is required: the endpoint config as YAML (credentials, start_date)');
  const sessions = values.sessions === undefined ? 1 : Number(values.sessions);
  if (!Number.isInteger(sessions) || sessions < 1)
    throw new Error(`--sessions must be a whole number of 1 or more, got ${values.sessions}`);
  const output = resolve(cwd, values.output ?? 'notion-preview');
  const args: PreviewArgs = {
    config: resolve(cwd, values.config),
    state: values.state === undefined ? join(output, 'state.json') : resolve(cwd, values.state),
    output,
    sessions,
  };
  const port = values['webhook-port'];
  if (port !== undefined) {
    const webhookPort = Number(port);
    if (!Number.isInteger(webhookPort) || webhookPort < 1 || webhookPort > 65_535)
      throw new Error(`--webhook-port must be a port number from 1 to 65535, got ${port}`);
    if (sessions > 1)
      throw new Error('--webhook-port keeps one session open until interrupted: drop --sessions');
    args.webhookPort = webhookPort;
  }
  return args;
}

/** Reads the endpoint config YAML and checks it the way the connector will (clear errors early). */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new Error(`the config file ${path} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `the config file ${path} must be a YAML mapping with credentials (and optionally start_date)`,
    );
  }
  parseEndpointConfig(value);
  // A YAML timestamp becomes a Date: the connector receives JSON, as from Flow.
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** `source-notion preview …`: returns the exit code. */
export async function runPreviewCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.on('SIGINT', onSigint);
  const display = createProgressDisplay(io.stdout);
  try {
    const args = parsePreviewArgs(argv);
    const read = await readConfigFile(args.config);
    // Listening: webhooks on at the port given, the rest of `webhooks` (verification_token) from the file.
    const config =
      args.webhookPort === undefined
        ? read
        : {
            ...read,
            webhooks: {
              ...(typeof read.webhooks === 'object' && read.webhooks !== null ? read.webhooks : {}),
              enabled: true,
              port: args.webhookPort,
            },
          };
    if (args.webhookPort !== undefined) {
      io.stdout.write(
        `listening for Notion webhooks on http://localhost:${args.webhookPort}/ until interrupted (Ctrl-C)\n`,
      );
    }
    const result = await runPreview({
      connector: io.self,
      config,
      listen: args.webhookPort !== undefined,
      statePath: args.state,
      outputDir: args.output,
      sessions: args.sessions,
      env: io.env,
      signal: interrupt.signal,
      onUpdate: (stats) => display.update(stats),
      onLog: (log) => {
        // The verification token is shown as it is: the one thing the user must copy from here.
        const token = log.fields.verification_token;
        display.note(
          `${log.level}: ${redactSecrets(log.msg)}${typeof token === 'string' ? `\n  verification_token: ${token}` : ''}`,
        );
      },
    });
    display.stop();
    io.stdout.write(`\n${renderSummary(result.stats, result.files, Date.now())}`);
    io.stdout.write(`state: ${args.state}\n`);
    if (result.interrupted)
      io.stdout.write('interrupted: the next preview with this state continues from the last checkpoint\n');
    return 0;
  } catch (error) {
    display.stop();
    io.stderr.write(
      `source-notion preview: ${redactSecrets(error instanceof Error ? error.message : String(error))}\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
