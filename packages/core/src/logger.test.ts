import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError } from './errors.js';
import { createLogger, logLevelFromEnv, redactSecrets, registerSecret } from './logger.js';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(line) });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line)) };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createLogger', () => {
  it('writes one {level,msg,fields} JSON line per call', () => {
    const { logger, lines, parsed } = capture('debug');
    logger.info('hello', { n: 1 });
    logger.child({ stream: 'users' }).warn('careful', { attempt: 2 });
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(parsed()).toEqual([
      { level: 'info', msg: 'hello', fields: { n: 1 } },
      { level: 'warn', msg: 'careful', fields: { stream: 'users', attempt: 2 } },
    ]);
  });

  it('filters by level, defaulting to LOG_LEVEL', () => {
    vi.stubEnv('LOG_LEVEL', 'WARN');
    const { logger, parsed } = capture();
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(parsed().map((line) => line.level)).toEqual(['warn', 'error']);
    expect(logLevelFromEnv({ LOG_LEVEL: 'nonsense' })).toBe('info');
    expect(logLevelFromEnv({ LOG_LEVEL: 'debug' })).toBe('debug');
  });

  it('serializes errors, dates, bigints and cycles', () => {
    const { logger, parsed } = capture();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    logger.error('boom', {
      error: new ConnectorError('outer', { cause: new Error('inner') }),
      at: new Date(0),
      big: 10n,
      cyclic,
    });
    const fields = parsed()[0].fields;
    expect(fields.error.message).toBe('outer');
    expect(fields.error.name).toBe('ConnectorError');
    expect(fields.error.cause.message).toBe('inner');
    expect(fields.error.stack).toContain('outer');
    expect(fields.at).toBe('1970-01-01T00:00:00.000Z');
    expect(fields.big).toBe('10');
    expect(fields.cyclic.self).toBe('[Circular]');
  });
});

describe('redaction', () => {
  const secret = 'logger-test-token-a8d7e6f5';

  it('never writes a registered secret, wherever it hides', () => {
    registerSecret(secret);
    const { logger, lines } = capture('debug');
    const error = new Error(`request failed for ${secret}`);
    logger.info(`token is ${secret}`, {
      plain: secret,
      nested: { deeper: [{ value: `x${secret}y` }] },
      error,
      wrapped: new Error('outer', { cause: error }),
      [`key-${secret}`]: true,
      url: new URL(`https://example.invalid/?t=${secret}`),
      headers: { Authorization: 'Bearer anything-at-all' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).not.toContain('anything-at-all');
    expect(lines[0]).toContain('[REDACTED]');
  });

  it('redacts bearer tokens and Notion token shapes without registration', () => {
    const notionShaped = `ntn_${'A1b2C3d4'.repeat(4)}`;
    const legacyShaped = `secret_${'Z9y8X7w6'.repeat(4)}`;
    const text = redactSecrets(`Authorization: Bearer abc.def-ghi ${notionShaped} and ${legacyShaped}`);
    expect(text).toBe('Authorization: Bearer [REDACTED] [REDACTED] and [REDACTED]');
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('secret_santa and ntn_short are fine')).toBe('secret_santa and ntn_short are fine');
  });
});
