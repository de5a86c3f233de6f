import { type Emulator, type EmulatorOptions, startEmulator } from './emulator.js';

/** What tests of code using the emulator want by default: no rate limit, no latency, loopback only. */
export const TEST_EMULATOR_DEFAULTS = {
  rpm: null,
  latency: false,
  host: '127.0.0.1',
} as const satisfies EmulatorOptions;

/** An emulator with TEST_EMULATOR_DEFAULTS under `options`. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ ...TEST_EMULATOR_DEFAULTS, ...options });
}
