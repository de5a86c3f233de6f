import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import { FLOW_REQUEST_TYPES, parseRequest, requestType } from './protocol.js';

// Property-based tests of the protocol reader: whatever arrives on stdin, parseRequest either
// returns a request or throws a ProtocolError with a message, and never repeats a value of the
// line (the line carries the endpoint config and its secrets). Seeded, so a failure reproduces.
const SEED = 7_0001;
const RUNS = 400;

/** A canary: not token-shaped (so the shape redaction cannot hide a leak), never registered. */
const canaryArb = fc
  .string({
    unit: fc.constantFrom(...'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'),
    minLength: 16,
    maxLength: 24,
  })
  .map((tail) => `cnry-${tail}`);

/**
 * Every own property of an error and its causes, as JSON: a superset of what a JSON log line
 * prints of an error (name, message, stack, isRetryable, the cause chain), before redaction.
 */
function errorJson(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 8) return error;
  const out: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  for (const key of Object.getOwnPropertyNames(error)) {
    const value = (error as unknown as Record<string, unknown>)[key];
    out[key] = key === 'cause' ? errorJson(value, depth + 1) : value;
  }
  return out;
}

/** Every string an error can show: message, stack, the cause chain, and what a log line would print. */
function errorTexts(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      texts.push(current.message, current.stack ?? '', String(current));
      current = current.cause;
    } else {
      texts.push(typeof current === 'string' ? current : (JSON.stringify(current) ?? ''));
      break;
    }
  }
  texts.push(JSON.stringify(errorJson(error)) ?? '');
  return texts;
}

function expectNoCanary(error: unknown, canary: string): void {
  for (const text of errorTexts(error)) expect(text).not.toContain(canary);
}

/** Calls parseRequest; a thrown error must be a ProtocolError with a non-empty, one-sentence message. */
function tryParse(
  line: string,
): { ok: true; value: ReturnType<typeof parseRequest> } | { ok: false; error: ProtocolError } {
  try {
    return { ok: true, value: parseRequest(line) };
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    const message = (error as ProtocolError).message;
    expect(message.trim().length).toBeGreaterThan(10);
    expect(message.length).toBeLessThan(400);
    expect(message).not.toMatch(/\n\s+at /); // no stack trace as the user's message
    return { ok: false, error: error as ProtocolError };
  }
}

const config = (canary: string) => ({
  credentials: { auth_type: 'token', token: canary },
  start_date: '2024-01-25T00:00:00Z',
});

/** Valid requests of every type, carrying the canary where a runtime would put secrets. */
function templates(canary: string): Record<string, unknown>[] {
  return [
    { spec: { connectorType: 'IMAGE', config: {} } },
    { discover: { connectorType: 'IMAGE', config: config(canary) } },
    {
      validate: {
        name: 'acmeCo/notion',
        connectorType: 'IMAGE',
        config: config(canary),
        bindings: [
          {
            resourceConfig: { stream: 'pages', syncMode: 'incremental' },
            collection: { name: 'acmeCo/pages', key: ['/id'] },
            backfill: 0,
          },
        ],
        lastCapture: { config: config(canary) },
      },
    },
    {
      apply: {
        capture: { name: 'acmeCo/notion', config: config(canary), bindings: [] },
        version: 'v1',
        lastCapture: {},
      },
    },
    {
      open: {
        capture: {
          name: 'acmeCo/notion',
          config: config(canary),
          intervalSeconds: 300,
          bindings: [
            {
              resourceConfig: { stream: 'pages', syncMode: 'incremental' },
              resourcePath: ['pages'],
              collection: { name: 'acmeCo/pages' },
              backfill: 0,
              stateKey: 'pages',
            },
            {
              resourceConfig: { stream: 'blocks', interval: 'PT5M' },
              resourcePath: ['blocks'],
              backfill: 1,
              stateKey: 'blocks.v1',
            },
          ],
        },
        version: 'v1',
        range: { keyBegin: 0, keyEnd: 4294967295 },
        state: { bindingStateV1: { pages: { cursor: canary } } },
      },
    },
    { acknowledge: { checkpoints: 3 } },
  ];
}

type Path = (string | number)[];

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...paths(item, [...prefix, key])]);
}

function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Deletes, or replaces with `replacement`, the value at `path`. */
function mutateAt(root: unknown, path: Path, replacement: unknown, remove: boolean): unknown {
  const copy = cloneJson(root);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = replacement;
  }
  return copy;
}

/** Random JSON that may hold the canary (as a value, never as a key). */
const jsonWithCanary = (canary: string) =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(canary),
      fc.constant(`prefix ${canary} suffix`),
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

describe('parseRequest under fuzz', () => {
  it('random text: a request or a ProtocolError, never another exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })),
        (line) => {
          tryParse(line);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('random bytes decoded as UTF-8 (what a broken pipe could deliver)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        tryParse(Buffer.from(bytes).toString('utf8'));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('random JSON values: typed errors, and a request type only when the object names one', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const line = JSON.stringify(value);
        const result = tryParse(line);
        if (result.ok) {
          expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
          expect(Object.keys(value as object)).toContain(requestType(result.value));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('random bodies under each request type never echo a canary', () => {
    fc.assert(
      fc.property(
        canaryArb.chain((canary) =>
          fc.tuple(fc.constant(canary), fc.constantFrom(...FLOW_REQUEST_TYPES), jsonWithCanary(canary)),
        ),
        ([canary, type, body]) => {
          const result = tryParse(JSON.stringify({ [type]: body }));
          if (!result.ok) expectNoCanary(result.error, canary);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('valid requests with one field removed or replaced: a request or a ProtocolError without the canary', () => {
    const arb = canaryArb.chain((canary) => {
      const all = templates(canary);
      return fc.integer({ min: 0, max: all.length - 1 }).chain((index) => {
        const template = all[index] as Record<string, unknown>;
        const candidates = paths(template);
        return fc.tuple(
          fc.constant(canary),
          fc.constant(template),
          fc.constantFrom(...candidates),
          jsonWithCanary(canary),
          fc.boolean(),
        );
      });
    });
    let rejected = 0;
    fc.assert(
      fc.property(arb, ([canary, template, path, replacement, remove]) => {
        const mutated = mutateAt(template, path, replacement, remove);
        const result = tryParse(JSON.stringify(mutated));
        if (!result.ok) {
          rejected += 1;
          expectNoCanary(result.error, canary);
          // The message names the request type, so a person knows which request was wrong.
          expect(result.error.message).toMatch(new RegExp(`\\b${String(path[0])}\\b`));
        }
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    // The mutations must actually exercise the error paths.
    expect(rejected).toBeGreaterThan(RUNS / 10);
  });

  it('the canary never leaks through truncated or corrupted JSON', () => {
    const arb = canaryArb.chain((canary) => {
      const lines = templates(canary).map((t) => JSON.stringify(t));
      return fc.tuple(
        fc.constant(canary),
        fc.constantFrom(...lines),
        fc.nat(),
        fc.constantFrom('truncate', 'insert', 'delete'),
        fc.string({ minLength: 1, maxLength: 3 }),
      );
    });
    fc.assert(
      fc.property(arb, ([canary, line, at, how, junk]) => {
        const cut = at % line.length;
        const broken =
          how === 'truncate'
            ? line.slice(0, cut)
            : how === 'insert'
              ? `${line.slice(0, cut)}${junk}${line.slice(cut)}`
              : `${line.slice(0, cut)}${line.slice(cut + junk.length)}`;
        const result = tryParse(broken);
        if (!result.ok) expectNoCanary(result.error, canary);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('survives hostile shapes: deep nesting, huge lines, prototype keys, several types', () => {
    const deep = `{"open":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expect(tryParse(deep).ok).toBe(false);
    const huge = JSON.stringify({ discover: { config: { credentials: { token: 'x'.repeat(5_000_000) } } } });
    expect(tryParse(huge).ok).toBe(true);
    for (const line of [
      '{"__proto__":{"spec":{}}}',
      '{"constructor":{"spec":{}}}',
      '{"toString":1}',
      '{"spec":{},"open":{}}',
      '{"spec":{},"$internal":{"x":1}}',
      '{"open":{"capture":{"config":{},"bindings":[{"resourceConfig":{},"stateKey":""}]}}}',
      '{"open":{"capture":{"config":{},"bindings":{"0":{}}}}}',
      '{"acknowledge":{"checkpoints":"12"}}',
      '{"acknowledge":{"checkpoints":"1e3"}}',
      '\uFEFF{"spec":{}}',
      '{"spec":{}}\u0000',
    ]) {
      tryParse(line);
    }
    // A prototype-named key must not be taken for a request type.
    expect(tryParse('{"__proto__":{"spec":{}}}').ok).toBe(false);
  });

  it('the reader consumes one line: newline-joined requests are rejected, not half-read', () => {
    const result = tryParse('{"spec":{}}\n{"spec":{}}');
    expect(result.ok).toBe(false);
  });
});

describe('errors from the protocol layer', () => {
  it('are ProtocolErrors that are not retryable', () => {
    const result = tryParse('{nope');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(ProtocolError);
      expect(result.error.isRetryable).toBe(false);
    }
  });
});
