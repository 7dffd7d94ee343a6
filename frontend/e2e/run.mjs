#!/usr/bin/env node
// End-to-end run: a fresh anvil, the platform's index following it (a SQLite file) with the read API
// over it, the dApp built against both and served by `vite preview`, then the tests of e2e/tests in
// Debian's chromium driven by playwright-core. Prints "N passed, N failed".
//   ANVIL_BIN     anvil binary (default: the repository's pinned npm anvil)
//   CHROMIUM_BIN  browser (default /usr/bin/chromium)
//   E2E_MANIFEST  deployment manifest of contracts already on that anvil (default: the platform is
//                 deployed there by e2e/deploy_platform.py, as `make up` deploys it)
//   PYTHON        the Python with Ape (default: the repository's .venv)
//   E2E_ONLY      run only the test files whose name contains this (or one of these, comma-separated)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const e2e = join(frontend, 'e2e');
const bin = (name) => join(frontend, 'node_modules', '.bin', name);
const anvilBin = process.env.ANVIL_BIN ?? join(frontend, '..', 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
const chromiumBin = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const CHAIN_ID = 31337;
// Files that look at the market the others leave behind (orders, trades, dividends): they run last.
const RUN_LAST = ['layout.e2e.js'];
const children = [];

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function start(command, args, name, options = {}) {
  const child = spawn(command, args, { cwd: frontend, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  child.on('exit', (code) => {
    if (code !== null && code !== 0 && !child.stopping) console.error(`${name} exited with ${code}:\n${output}`);
  });
  children.push(child);
  return child;
}

function step(command, args, extraEnv = {}, cwd = frontend) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with ${result.status}`);
}

async function waitFor(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

function stopAll() {
  for (const child of children) {
    child.stopping = true;
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}

/**
 * Indexes the deployed platform into a fresh SQLite file, then follows the chain and serves the read
 * API over the index, as `make up` does. Returns the API's URL.
 */
async function startIndex(python, root, rpcUrl, deployments, generated) {
  const database = join(generated, 'index.sqlite');
  for (const suffix of ['', '-wal', '-shm']) rmSync(database + suffix, { force: true });
  const index = ['--rpc-url', rpcUrl, '--deployments', deployments, '--database-url', `sqlite:///${database}`];
  const pythonEnv = { ...process.env, PYTHONPATH: root };
  // The backfill writes the index's first rows, so the API finds an index when it starts.
  step(python, ['-m', 'keiretsu.index', 'backfill', ...index], pythonEnv, root);
  start(python, ['-m', 'keiretsu.index', 'follow', '--poll-seconds', '0.25', ...index], 'indexer', { cwd: root, env: pythonEnv });
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}/`;
  start(python, ['-m', 'keiretsu.api', '--port', String(apiPort), '--database-url', `sqlite:///${database}`], 'API', { cwd: root, env: pythonEnv });
  await waitFor('the read API', async () => (await fetch(`${apiUrl}securities`)).ok);
  return apiUrl;
}

async function main() {
  for (const [path, hint] of [
    [anvilBin, 'install the root npm packages or set ANVIL_BIN'],
    [chromiumBin, 'apt-get install -y chromium or set CHROMIUM_BIN'],
  ]) {
    if (!existsSync(path)) throw new Error(`${path} not found: ${hint}`);
  }
  const rpcPort = await freePort();
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  start(anvilBin, ['--port', String(rpcPort), '--chain-id', String(CHAIN_ID), '--silent'], 'anvil');
  const rpcUp = async () => {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    });
    return response.ok;
  };
  await waitFor('anvil', rpcUp);

  const generated = join(e2e, '.generated');
  const dist = join(e2e, '.dist');
  const python = process.env.PYTHON ?? join(frontend, '..', '.venv', 'bin', 'python');
  // From the repository root: Ape finds the project (and its build) there, and Python the keiretsu package.
  const root = join(frontend, '..');
  let manifest = process.env.E2E_MANIFEST;
  if (!manifest) {
    const deployments = join(generated, 'deployments');
    rmSync(deployments, { recursive: true, force: true });
    step(python, [join(e2e, 'deploy_platform.py'), '--rpc-url', rpcUrl, '--out', deployments], { PYTHONPATH: root }, root);
    manifest = join(deployments, `${CHAIN_ID}.json`);
  }
  const apiUrl = await startIndex(python, root, rpcUrl, dirname(manifest), generated);
  step('node', ['scripts/gen-contracts.mjs', '--out', generated, '--rpc-url', rpcUrl, '--api-url', apiUrl,
    '--chain-id', String(CHAIN_ID), '--manifest', manifest, '--allow-missing-deployment']);
  step(bin('vite'), ['build', '--logLevel', 'warn'], { KEIRETSU_GENERATED: generated, KEIRETSU_DIST: dist });
  rmSync(join(e2e, '.out'), { recursive: true, force: true });
  step(bin('tsc'), ['-p', 'tsconfig.e2e.json']);

  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}/`;
  start(bin('vite'), ['preview', '--outDir', dist, '--port', String(appPort), '--strictPort', '--host', '127.0.0.1'], 'vite preview');
  await waitFor('vite preview', async () => (await fetch(appUrl)).ok);

  Object.assign(process.env, {
    KEIRETSU_E2E_APP_URL: appUrl,
    KEIRETSU_E2E_RPC_URL: rpcUrl,
    KEIRETSU_E2E_API_URL: apiUrl,
    KEIRETSU_E2E_CHAIN_ID: String(CHAIN_ID),
    KEIRETSU_E2E_SCREENSHOTS: join(e2e, 'screenshots'),
    KEIRETSU_E2E_MANIFEST: manifest,
    CHROMIUM_BIN: chromiumBin,
  });
  const testDir = join(e2e, '.out', 'tests');
  const only = (process.env.E2E_ONLY ?? '').split(',');
  const files = readdirSync(testDir)
    .filter((file) => file.endsWith('.e2e.js') && only.some((part) => file.includes(part)))
    .sort((a, b) => Number(RUN_LAST.includes(a)) - Number(RUN_LAST.includes(b)) || a.localeCompare(b))
    .map((file) => join(testDir, file));
  const counts = { passed: 0, failed: 0, skipped: 0 };
  await new Promise((done, fail) => {
    const stream = run({ files, concurrency: 1, timeout: 240_000 });
    stream.on('test:pass', (event) => {
      if (event.details.type !== 'suite' && event.nesting === 0) counts[event.skip || event.todo ? 'skipped' : 'passed'] += 1;
    });
    stream.on('test:fail', (event) => {
      if (event.details.type !== 'suite' && event.nesting === 0) counts.failed += 1;
    });
    stream.on('error', fail);
    // Resolves once the report is written, so that the count line is the last one printed.
    const report = stream.compose(spec);
    report.on('end', done);
    report.pipe(process.stdout, { end: false });
  });
  return counts;
}

let exitCode = 1;
try {
  const counts = await main();
  console.log(`\n${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  exitCode = counts.failed === 0 && counts.passed > 0 ? 0 : 1;
} catch (error) {
  console.error(`e2e: ${error instanceof Error ? error.message : error}`);
} finally {
  stopAll();
}
process.exitCode = exitCode;
