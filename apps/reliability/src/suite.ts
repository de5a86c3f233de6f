// The shared setup of the reliability test files and the torture checks: a seeded emulator serving
// a small workspace to the canary token, and (for the tests) a freshly built bundle beside it.
import type { Emulator, EmulatorOptions, WorkspaceOptions } from '@source-notion/notion-emulator';
import { startTestEmulator } from '@source-notion/notion-emulator';
import { buildBundle } from './build-bundle.js';
import { canaryToken } from './canary.js';

/** A small workspace: every kind of special content (synced blocks into unshared pages, unsupported blocks, a deep chain), few requests. */
export const SMALL_WORKSPACE: WorkspaceOptions = {
  pages: 20,
  users: 3,
  dataSources: 3,
  blocksPerPage: 5,
  maxDepth: 6,
  unsharedPages: 1,
};

export interface SeededEmulatorOptions {
  /** Seeds the workspace and the emulator. */
  seed: number;
  /** Seeds the canary token, the only token the emulator accepts. Default `seed`. */
  canarySeed?: number;
  /** On top of SMALL_WORKSPACE. */
  workspace?: Partial<WorkspaceOptions>;
  /** Requests per minute; default null (no rate limit). */
  rpm?: number | null;
  timeScale?: number;
  latency?: EmulatorOptions['latency'];
}

/** An emulator serving the small workspace of `seed` to the canary token of `canarySeed`. */
export async function startSeededEmulator(
  options: SeededEmulatorOptions,
): Promise<{ emulator: Emulator; canary: string }> {
  const { seed, canarySeed = seed, workspace, rpm = null, timeScale, latency } = options;
  const canary = canaryToken(canarySeed);
  const emulator = await startTestEmulator({
    workspace: { seed, ...SMALL_WORKSPACE, ...workspace },
    rpm,
    tokens: [{ token: canary }],
    seed,
    ...(timeScale === undefined ? {} : { timeScale }),
    ...(latency === undefined ? {} : { latency }),
  });
  return { emulator, canary };
}

export interface Suite {
  /** Path of the freshly built bundle. */
  bundle: string;
  emulator: Emulator;
  canary: string;
  /** Stops the emulator and removes the bundle. */
  close(): Promise<void>;
}

/**
 * The shared setup of the reliability test files: a fresh bundle and a seeded emulator. Call it
 * in beforeAll and `close()` it in afterAll.
 */
export async function startSuite(options: SeededEmulatorOptions): Promise<Suite> {
  const built = buildBundle();
  try {
    const { emulator, canary } = await startSeededEmulator(options);
    return {
      bundle: built.path,
      emulator,
      canary,
      close: async () => {
        try {
          await emulator.close();
        } finally {
          built.cleanup();
        }
      },
    };
  } catch (error) {
    built.cleanup();
    throw error;
  }
}
