/**
 * Runs the Notion emulator in its own process, so that the contenders' CPU and memory are theirs
 * alone. Started by the bench with `fork` (an IPC channel), or by hand:
 *
 *   node --conditions=@source-notion/source --import tsx src/emulator-process.ts '{"rpm":180,"timeScale":60}'
 *
 * argv[2] is a JSON object: the emulator's options (see EmulatorProcessOptions). Once listening it
 * prints `{"url","token"}` as one JSON line on stdout and, under `fork`, answers the bench's
 * commands (ground truth, request log, mutations) over IPC.
 */
import { type EmulatorOptions, startEmulator } from '@source-notion/notion-emulator';
import { type EmulatorHost, handleCommand, prepareWorkspace } from './emulator-commands.js';
import type { EmulatorCommand, EmulatorProcessOptions, EmulatorReply } from './emulator-protocol.js';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorProcessOptions;
  const { deepen, ...rest } = options;
  const emulatorOptions = {
    ...(rest as EmulatorOptions),
    requestLogLimit: rest.requestLogLimit ?? 5_000_000,
  };
  const emulator = await startEmulator(emulatorOptions);
  prepareWorkspace(emulator, { deepen });
  const host: EmulatorHost = { emulator, options: emulatorOptions };
  process.stdout.write(`${JSON.stringify({ url: emulator.url, token: emulator.token })}\n`);
  if (!process.send) return; // standalone: serve until killed
  process.send({ ready: true, url: emulator.url, token: emulator.token } satisfies EmulatorReply);
  process.on('message', (message: EmulatorCommand) => {
    handleCommand(host, message).then(
      (reply) => process.send?.(reply),
      (error: unknown) =>
        process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => {
    host.churn?.stop();
    host.emulator.close().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `emulator process failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
