// The base images a Dockerfile names, made available to podman: already in local storage, pulled,
// or (when no registry can be reached) stand-ins assembled from this machine's own Node: the node
// binary and the shared libraries `ldd` lists, dash as /bin/sh, env, npm, the CA bundle, and an
// /etc/passwd with root and node (uid 1000). A stand-in is tagged with the names the Dockerfile
// uses (also docker.io/library/..., as podman qualifies short names), so the Dockerfile itself
// stays unchanged and builds against the real bases wherever they can be pulled.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const STAND_IN_LABEL = 'org.source-notion.stand-in';

/** The external images a Dockerfile's FROM lines name (ARG defaults substituted; stage names skipped). */
export function dockerfileBaseImages(dockerfile) {
  const args = new Map();
  const stages = new Set();
  const images = [];
  for (const raw of readFileSync(dockerfile, 'utf8').split('\n')) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)/i.exec(line);
    if (arg && !args.has(arg[1])) args.set(arg[1], arg[2]);
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    const image = from[1].replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name) => args.get(name) ?? '');
    if (image !== 'scratch' && !stages.has(image) && !images.includes(image)) images.push(image);
    if (from[2]) stages.add(from[2]);
  }
  return images;
}

/** `node:20-bookworm` → `docker.io/library/node:20-bookworm` (what podman stores a short name as). */
export function qualifiedName(image) {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return image;
  return `docker.io/${image.includes('/') ? '' : 'library/'}${image}`;
}

/**
 * Makes every image available; returns one line per image saying where it came from.
 * `podman` is a function running podman with arguments (returns spawnSync's result).
 */
export function ensureBaseImages(images, podman) {
  const origins = [];
  let standIn;
  for (const image of images) {
    const name = qualifiedName(image);
    if (podman(['image', 'exists', name]).status === 0) {
      const label = podman(['image', 'inspect', '--format', `{{index .Labels "${STAND_IN_LABEL}"}}`, name]);
      const isStandIn =
        label.status === 0 && String(label.stdout).trim() !== '' && !/no value/.test(label.stdout);
      origins.push(`${image}: ${isStandIn ? 'stand-in already in local storage' : 'in local storage'}`);
      continue;
    }
    const pull = podman(['pull', '--quiet', name], { timeout: 120_000 });
    if (pull.status === 0) {
      origins.push(`${image}: pulled`);
      continue;
    }
    const why = String(pull.stderr ?? pull.error ?? '')
      .trim()
      .split('\n')
      .pop();
    standIn ??= buildStandIn(podman);
    for (const tag of [image, name]) {
      const tagged = podman(['tag', standIn.id, tag]);
      if (tagged.status !== 0) throw new Error(`podman tag ${tag} failed: ${tagged.stderr}`);
    }
    origins.push(`${image}: cannot be pulled (${why}); stand-in from the host's Node ${standIn.version}`);
  }
  return origins;
}

/** Copies a host path into the root file system, keeping the symlinks on its way. */
function copyPath(root, path) {
  const target = join(root, path);
  if (existsSync(target) || isSymlink(target)) return;
  // The directory as the host resolves it (Debian merges /lib into /usr/lib: the rootfs has the same links).
  const dir = dirname(path);
  const realDir = realpathSync(dir);
  if (realDir !== dir) {
    copyPath(root, join(realDir, path.slice(dir.length + 1)));
    return;
  }
  mkdirSync(dirname(target), { recursive: true });
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) {
    const link = readlinkSync(path);
    symlinkSync(link, target);
    copyPath(root, resolve(dir, link));
  } else {
    cpSync(path, target, { preserveTimestamps: true });
    chmodSync(target, stat.mode & 0o7777);
  }
}

function isSymlink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A host executable and every shared library `ldd` lists for it. */
function copyExecutable(root, path, as = path) {
  const real = realpathSync(path);
  mkdirSync(dirname(join(root, as)), { recursive: true });
  cpSync(real, join(root, as));
  chmodSync(join(root, as), 0o755);
  const ldd = execFileSync('ldd', [real], { encoding: 'utf8' });
  for (const match of ldd.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)) copyPath(root, match[1]);
}

function buildStandIn(podman) {
  const node = realpathSync(process.execPath);
  const version = process.version;
  const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  const npmDir = dirname(dirname(npmCli));
  const shell = realpathSync('/bin/sh');
  const env = realpathSync('/usr/bin/env');
  const work = mkdtempSync(join(tmpdir(), 'source-notion-base-'));
  const root = join(work, 'rootfs');
  try {
    // Debian's merged /usr: /bin, /lib, /lib64, /sbin are links into /usr.
    for (const dir of ['bin', 'lib', 'lib64', 'sbin']) {
      mkdirSync(join(root, 'usr', dir), { recursive: true });
      symlinkSync(`usr/${dir}`, join(root, dir));
    }
    copyExecutable(root, node, '/usr/local/bin/node');
    copyExecutable(root, shell, `/usr/bin/${shell.split('/').pop()}`);
    if (shell !== '/usr/bin/sh') symlinkSync(shell.split('/').pop(), join(root, 'usr/bin/sh'));
    copyExecutable(root, env, '/usr/bin/env');
    // npm where the official image has it: its global prefix is the one above node's directory.
    cpSync(npmDir, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
    mkdirSync(join(root, 'etc/ssl/certs'), { recursive: true });
    cpSync('/etc/ssl/certs/ca-certificates.crt', join(root, 'etc/ssl/certs/ca-certificates.crt'));
    writeFileSync(
      join(root, 'etc/passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n',
    );
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
    writeFileSync(join(root, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
    for (const dir of ['root', 'home/node', 'tmp', 'var/tmp'])
      mkdirSync(join(root, dir), { recursive: true });
    chownSync(join(root, 'home/node'), 1000, 1000);
    chmodSync(join(root, 'tmp'), 0o1777);
    chmodSync(join(root, 'var/tmp'), 0o1777);

    const tar = join(work, 'rootfs.tar');
    execFileSync('tar', ['--numeric-owner', '-C', root, '-cf', tar, '.']);
    const imported = podman([
      'import',
      '--quiet',
      '--change',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--change',
      `ENV NODE_VERSION=${version.slice(1)}`,
      // The host's CA bundle (which may hold a TLS-inspecting proxy's root) for npm and pnpm.
      '--change',
      'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
      '--change',
      `LABEL ${STAND_IN_LABEL}="host node ${version}"`,
      '--change',
      'CMD ["node"]',
      tar,
    ]);
    if (imported.status !== 0)
      throw new Error(`podman import of the stand-in base failed: ${imported.stderr}`);
    return { id: String(imported.stdout).trim().split('\n').pop(), version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** True when the command can be found on PATH. */
export function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
