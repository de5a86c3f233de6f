// Which packages a changeset bumps, run on a copy of the workspace's manifests.
export { type BumpType, changesetBumps } from './changeset-bumps.js';
// Installing tarballs with plain npm.
export { installTarballs } from './install-tarballs.js';
// Packing a workspace package.
export { type PackedPackage, packPackage, pnpmCommand } from './pack-package.js';
// The code block of a README section.
export { readmeExample } from './readme-example.js';
// Running a program outside the package manager's environment.
export { type CommandOutput, plainEnv, type RunCommandOptions, runCommand } from './run-command.js';
// A TypeScript example checked against installed packages, and its types erased.
export { stripTypes, typeCheckFile } from './typescript-example.js';
