import { basename } from 'node:path';
import { z } from 'zod';
import { plainEnv, runCommand } from './run-command.js';

const packOutputSchema = z.object({
  name: z.string(),
  version: z.string(),
  filename: z.string(),
  files: z.array(z.object({ path: z.string() })),
});

/** What `pnpm pack --json` reports: the tarball and the files in it. */
export type PackedPackage = z.infer<typeof packOutputSchema>;

/**
 * How to start pnpm: the one running this process when there is one (npm_execpath), else `pnpm`
 * on the PATH.
 */
export function pnpmCommand(env: NodeJS.ProcessEnv = process.env): [file: string, args: string[]] {
  const execPath = env.npm_execpath;
  if (execPath && basename(execPath).startsWith('pnpm')) {
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : [execPath, []];
  }
  return ['pnpm', []];
}

/** `pnpm pack` of the package in `packageDir` (its dist must be built) into `destination`. */
export async function packPackage(packageDir: string, destination: string): Promise<PackedPackage> {
  const [file, args] = pnpmCommand();
  const { stdout } = await runCommand(file, [...args, 'pack', '--json', '--pack-destination', destination], {
    cwd: packageDir,
    env: plainEnv(),
  });
  return packOutputSchema.parse(JSON.parse(stdout));
}
