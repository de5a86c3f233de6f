// `pnpm image:test`: builds the connector image (apps/connector/Dockerfile) with podman and checks
// it as Estuary Flow would run it: its labels and user, what it holds, `--version`, `spec` and
// `discover` through the entrypoint, and an `open` session inside the container against the Notion
// emulator on 127.0.0.1 whose documents must equal the emulator's ground truth. Ends with
// `N passed, N failed` and exits non-zero on any failure. Not part of `pnpm check`.
//
// Runs with the TypeScript sources of the workspace (node --conditions=@source-notion/source
// --import tsx), so it reuses the connector's process driver, the reliability suite's session
// runner and ground-truth comparison, and the emulator itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { dockerfileBaseImages, ensureBaseImages, onPath } from './image-bases.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const DOCKERFILE = 'apps/connector/Dockerfile';
const IMAGE = 'localhost/source-notion:image-test';
const TOKEN = 'ntn_image_test_token';
// crun refuses hybrid cgroups on some kernels; the default RLIMIT_NOFILE may be unusable.
const ENGINE = ['--runtime', 'runc'];
const LIMITS = ['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=4096:4096'];

const results = [];
function record(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}
async function check(name, body) {
  try {
    const detail = await body();
    record(name, true, detail ?? '');
  } catch (error) {
    record(name, false, error instanceof Error ? error.message : String(error));
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
function finish() {
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

/** podman with the engine options; output captured unless `stdio` says otherwise. */
function podman(args, options = {}) {
  return spawnSync('podman', [...ENGINE, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
}
function podmanOk(args, options) {
  const result = podman(args, options);
  if (result.status !== 0) {
    throw new Error(
      `podman ${args.slice(0, 2).join(' ')} failed: ${String(result.stderr ?? result.error).trim()}`,
    );
  }
  return String(result.stdout ?? '');
}

/** podman and runc, installed with apt when missing (as root only). */
function ensureEngine() {
  const missing = ['podman', 'runc'].filter((command) => !onPath(command));
  if (missing.length === 0) return 'podman and runc found';
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(
      `${missing.join(' and ')} not found: install them (Debian/Ubuntu: apt-get install -y podman runc) and run again`,
    );
  }
  console.log(`installing ${missing.join(' and ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', 'podman', 'runc'],
  ]) {
    const apt = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (apt.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${apt.status})`);
  }
  return `installed ${missing.join(' and ')} with apt-get`;
}

// ---- the engine, the bases, the build
const version = JSON.parse(readFileSync(join(root, 'apps/connector/package.json'), 'utf8')).version;
try {
  record('podman and runc', true, ensureEngine());
} catch (error) {
  record('podman and runc', false, error.message);
  finish();
}
await check('base images', () => {
  const bases = dockerfileBaseImages(join(root, DOCKERFILE));
  for (const line of ensureBaseImages(bases, podman)) console.log(`     ${line}`);
  return bases.join(', ');
});
console.log(`building ${DOCKERFILE} as ${IMAGE} (this takes minutes)`);
const started = Date.now();
const build = podman(
  ['build', ...LIMITS, '-f', DOCKERFILE, '--build-arg', `VERSION=${version}`, '-t', IMAGE, '.'],
  { stdio: 'inherit' },
);
record('podman build', build.status === 0, `${Math.round((Date.now() - started) / 1000)} s`);
if (build.status !== 0) finish();

// ---- what the image is
let inspect;
try {
  inspect = JSON.parse(podmanOk(['image', 'inspect', IMAGE]))[0];
} catch (error) {
  record('image inspect', false, error.message);
  finish();
}
await check('labels', () => {
  const labels = inspect.Labels ?? inspect.Config?.Labels ?? {};
  assert(labels.FLOW_RUNTIME_PROTOCOL === 'capture', `FLOW_RUNTIME_PROTOCOL=${labels.FLOW_RUNTIME_PROTOCOL}`);
  assert(labels.FLOW_RUNTIME_CODEC === 'json', `FLOW_RUNTIME_CODEC=${labels.FLOW_RUNTIME_CODEC}`);
  assert(labels['org.opencontainers.image.version'] === version, 'org.opencontainers.image.version');
  // The webhook listener's port, public through Flow's gateway.
  assert(labels['dev.estuary.port-public.8080'] === 'true', 'dev.estuary.port-public.8080');
  const exposed = inspect.Config?.ExposedPorts ?? inspect.ContainerConfig?.ExposedPorts ?? {};
  assert('8080/tcp' in exposed, `EXPOSE 8080 (exposed: ${Object.keys(exposed).join(', ') || 'none'})`);
  return `FLOW_RUNTIME_PROTOCOL=capture, FLOW_RUNTIME_CODEC=json, version ${version}`;
});
await check('non-root user', () => {
  const user = inspect.Config?.User ?? '';
  assert(user !== '' && user !== 'root' && !/^0(:|$)/.test(user), `USER is "${user}"`);
  const run = ['run', '--rm', ...LIMITS, '--entrypoint', 'node', IMAGE];
  const uid = podmanOk([...run, '-e', 'process.stdout.write(process.getuid() + ":" + process.getgid())']);
  assert(!uid.startsWith('0:'), `runs as uid:gid ${uid}`);
  return `USER ${user}, uid:gid ${uid}`;
});
await check('contents: the slim base + one file', () => {
  const base = dockerfileBaseImages(join(root, DOCKERFILE)).at(-1);
  const diff = podmanOk(['image', 'diff', IMAGE, base]).trim().split('\n').filter(Boolean);
  const allowed = new Set(['A /app', 'C /app', 'A /app/source-notion.mjs']);
  const extra = diff.filter((line) => !allowed.has(line));
  assert(diff.includes('A /app/source-notion.mjs'), `no /app/source-notion.mjs in ${diff.join(', ')}`);
  assert(extra.length === 0, `more than the bundle: ${extra.slice(0, 5).join(', ')}`);
  const baseSize = JSON.parse(podmanOk(['image', 'inspect', base]))[0].Size;
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  return `image ${mb(inspect.Size)} = ${base} ${mb(baseSize)} + ${mb(inspect.Size - baseSize)} (${diff.join(', ')})`;
});

// ---- through the entrypoint
const { callConnector } = await import('../apps/connector/src/connector-process.ts');
const { connectorSpec } = await import('../apps/connector/src/spec.ts');
const { startEmulator } = await import('../packages/notion-emulator/src/index.ts');
const { endpointConfig, openRequest, connectorEnv } = await import(
  '../apps/reliability/src/protocol-requests.ts'
);
const { runSession } = await import('../apps/reliability/src/run-session.ts');
const { STREAMS } = await import('../apps/reliability/src/streams.ts');
const {
  collectionDocs,
  describeDiff,
  diffCollections,
  expectedCollections,
  isClean,
  newCollections,
  reduceInto,
} = await import('../apps/reliability/src/collections.ts');

const emulator = await startEmulator({
  host: '127.0.0.1',
  port: 0,
  workspace: { seed: 7, size: 'small' },
  rpm: null,
  tokens: [{ token: TOKEN }],
});
const truth = emulator.groundTruthSummary();
console.log(
  `emulator on ${emulator.url}: ${truth.pages} pages, ${truth.blocks} blocks, ${truth.data_sources} data sources, ${truth.users} users`,
);
/** `podman run` of the image on the host network, with the connector's environment. */
function container(name) {
  const env = Object.entries(connectorEnv(emulator.url)).filter(([key]) => key !== 'PATH');
  const args = ['run', '--rm', '-i', ...LIMITS, '--network', 'host', ...(name ? ['--name', name] : [])];
  for (const [key, value] of env) args.push('-e', `${key}=${value}`);
  return { command: 'podman', args: [...ENGINE, ...args, IMAGE] };
}

try {
  await check('--version', () => {
    const out = podmanOk(['run', '--rm', ...LIMITS, IMAGE, '--version']).trim();
    assert(out === version, `printed "${out}", package.json says ${version}`);
    return out;
  });
  await check('spec', async () => {
    const response = await callConnector(container(), { spec: { connectorType: 'IMAGE', config: {} } });
    // The response as the sources answer it (through JSON: what went over stdout).
    const want = JSON.parse(JSON.stringify(connectorSpec()));
    assert(isDeepStrictEqual(response, want), 'differs from connectorSpec() of the sources');
    return `protocol ${response.spec.protocol}, equal to the sources' connectorSpec()`;
  });
  await check('discover', async () => {
    const response = await callConnector(container(), {
      discover: { connectorType: 'IMAGE', config: endpointConfig(TOKEN) },
    });
    const bindings = response.discovered?.bindings ?? [];
    const names = bindings.map((b) => b.recommendedName);
    assert(JSON.stringify(names) === JSON.stringify(STREAMS), `bindings ${names.join(', ')}`);
    const disabled = bindings.filter((b) => b.disable).map((b) => b.recommendedName);
    assert(disabled.length === 0, `disabled: ${disabled.join(', ')}`);
    return `${bindings.length} bindings: ${names.join(', ')}`;
  });
  await check('capture equals the ground truth', async () => {
    const name = `source-notion-image-test-${process.pid}`;
    try {
      const result = await runSession({
        bundle: IMAGE,
        command: container(name),
        env: process.env,
        open: openRequest({ config: endpointConfig(TOKEN), state: {} }),
        timeoutMs: 300_000,
      });
      assert(
        !result.timedOut,
        `no complete sweep of every stream within 300 s (sweeps ${[...result.sweeps]})`,
      );
      assert(result.exit.code === 0, `exit ${result.exit.code}: ${result.exit.lastLog?.msg}`);
      assert(
        result.exit.protocolErrors.length === 0,
        `non-protocol stdout: ${result.exit.protocolErrors[0]}`,
      );
      assert(!result.exit.endedInsideTransaction && result.uncommitted === 0, 'ended inside a transaction');
      const collections = newCollections();
      reduceInto(collections, result.committed);
      const diffs = diffCollections(collectionDocs(collections), expectedCollections(emulator));
      assert(isClean(diffs), describeDiff(diffs));
      const counts = diffs.map((d) => `${d.stream} ${d.actual}`).join(', ');
      return `${result.checkpoints} checkpoints in ${(result.durationMs / 1000).toFixed(1)} s, stdin EOF, exit 0; ${counts}`;
    } finally {
      podman(['rm', '--force', '--ignore', name]);
    }
  });
} finally {
  await emulator.close();
}
finish();
