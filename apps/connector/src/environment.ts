import { ConfigError, DEFAULT_NOTION_BASE_URL, type LogLevel, parseLogLevel } from '@source-notion/core';
import { DEFAULT_STATUS_INTERVAL_MS } from './status-reporter.js';

// The connector's environment switches: read here and nowhere else, then passed down as values
// (Runtime.environment). `--help` and the README list ENVIRONMENT_SWITCHES.

/** The switches, parsed. */
export interface ConnectorEnvironment {
  /** LOG_LEVEL. */
  logLevel: LogLevel;
  /** NOTION_API_BASE_URL, else https://api.notion.com (no trailing slash needed). */
  notionApiBaseUrl: string;
  /** SOURCE_NOTION_TIME_SCALE. */
  timeScale: number;
  /** SOURCE_NOTION_CLOCK_START, epoch ms; undefined: real now. */
  clockStartMs: number | undefined;
  /** SOURCE_NOTION_STATUS_INTERVAL_MS. */
  statusIntervalMs: number;
}

export interface EnvironmentSwitch {
  name: string;
  /** One line: what it does, the values it takes and its default. */
  meaning: string;
}

export const ENVIRONMENT_SWITCHES: readonly EnvironmentSwitch[] = [
  { name: 'LOG_LEVEL', meaning: 'debug, info (default; also for any other value), warn or error' },
  {
    name: 'NOTION_API_BASE_URL',
    meaning: 'another Notion API server, an http(s) URL (emulators and tests only)',
  },
  {
    name: 'SOURCE_NOTION_TIME_SCALE',
    meaning:
      'run time this many times faster, a number above 0 (tests and benchmarks against the emulator only)',
  },
  {
    name: 'SOURCE_NOTION_CLOCK_START',
    meaning:
      'start the clock at this time, ISO 8601 or epoch ms, instead of now (tests and benchmarks against the emulator only)',
  },
  {
    name: 'SOURCE_NOTION_STATUS_INTERVAL_MS',
    meaning: `least time between two progress events of a stream, in ms (default ${DEFAULT_STATUS_INTERVAL_MS}; preview uses 1000)`,
  },
];

/** The Environment section of `--help`. */
export function environmentHelp(): string {
  const width = Math.max(...ENVIRONMENT_SWITCHES.map((s) => s.name.length)) + 2;
  return ENVIRONMENT_SWITCHES.map((s) => `  ${s.name.padEnd(width)} ${s.meaning}\n`).join('');
}

/**
 * Parses the switches; an unset or blank one takes its default. Throws a ConfigError naming every
 * switch with a value it does not take.
 */
export function readEnvironment(env: NodeJS.ProcessEnv): ConnectorEnvironment {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = parse(raw);
    if (value !== undefined) return value;
    problems.push(`${name} must be ${expected}, got ${JSON.stringify(raw)}`);
    return fallback;
  };
  const environment: ConnectorEnvironment = {
    // The Flow runtime sets LOG_LEVEL: a value this connector does not know means info, as always.
    logLevel: parseLogLevel(env.LOG_LEVEL) ?? 'info',
    notionApiBaseUrl: read('NOTION_API_BASE_URL', DEFAULT_NOTION_BASE_URL, parseHttpUrl, 'an http(s) URL'),
    timeScale: read('SOURCE_NOTION_TIME_SCALE', 1, (raw) => parseNumber(raw, 'positive'), 'a number above 0'),
    clockStartMs: read<number | undefined>(
      'SOURCE_NOTION_CLOCK_START',
      undefined,
      parseTime,
      'an ISO 8601 time or epoch milliseconds',
    ),
    statusIntervalMs: read(
      'SOURCE_NOTION_STATUS_INTERVAL_MS',
      DEFAULT_STATUS_INTERVAL_MS,
      (raw) => parseNumber(raw, 'non-negative'),
      'a number of milliseconds, 0 or more',
    ),
  };
  if (problems.length > 0) {
    throw new ConfigError(`bad environment: ${problems.join('; ')}`, { field: 'environment' });
  }
  return environment;
}

function parseNumber(raw: string, sign: 'positive' | 'non-negative'): number | undefined {
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  return (sign === 'positive' ? value > 0 : value >= 0) ? value : undefined;
}

function parseTime(raw: string): number | undefined {
  const text = raw.trim();
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(value) ? value : undefined;
}

function parseHttpUrl(raw: string): string | undefined {
  const text = raw.trim();
  if (!URL.canParse(text)) return undefined;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:' ? text : undefined;
}
