// Starts a real VS Code (code-server: VS Code's workbench and extension host on Node) with this
// repository loaded as a development extension. Shared by `npm start` and the integration-test
// runner, so both see the same VS Code the same way.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { URLSearchParams, fileURLToPath } from 'node:url';
/* global fetch, AbortSignal -- Node 20 globals the shared lint config does not list */

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const cacheDir = process.env.ZMQI_CACHE || join(homedir(), '.cache', 'zeromq-inspector');
const codeServerVersion = readFileSync(join(repoRoot, '.ci', 'code-server.version'), 'utf8').trim();
const codeServerDir = join(cacheDir, 'code-server');
const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

const startupTimeoutMs = 60_000;
const outputTailLines = 60;

/** Builds dist/ and out/ with the project's one build script; throws when the build fails. */
export function buildProject() {
  console.log('[vscode] building (node esbuild.mjs)');
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`the build failed (exit ${build.status}); fix the errors above and run again.`);
}

/** Runs .ci/setup.sh unless the cache already holds a finished install of the pinned code-server. */
export function ensureCodeServer() {
  const marker = join(codeServerDir, '.installed-version');
  const installed = existsSync(marker) && readFileSync(marker, 'utf8').trim() === codeServerVersion && existsSync(codeServerEntry);
  if (installed) return;
  console.log(`[vscode] code-server ${codeServerVersion} is not installed in ${codeServerDir}; running .ci/setup.sh`);
  const setup = spawnSync('bash', [join(repoRoot, '.ci', 'setup.sh')], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (setup.status !== 0) throw new Error(`.ci/setup.sh failed (exit ${setup.status}); read its output above, fix the cause and run again.`);
}

/** A port that was free a moment ago on the loopback interface. */
function freeLoopbackPort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Keeps only the last lines a process printed, so a chatty server cannot grow memory without bound. */
function outputTail(limit) {
  const lines = [];
  return {
    add(chunk) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
      if (lines.length > limit) lines.splice(0, lines.length - limit);
    },
    text: () => lines.join('\n'),
  };
}

/** Settings that keep a fresh profile quiet: no welcome page, tips, update or telemetry traffic. */
function writeQuietSettings(userDataDir) {
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
  };
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * The workbench address. The `payload` query is how the web workbench learns what desktop VS Code
 * gets from --extensionDevelopmentPath / --extensionTestsPath.
 */
export function workbenchUrl(port, { workspaceFolder, extensionTestsPath }) {
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [['extensionDevelopmentPath', remote(repoRoot)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(resolve(extensionTestsPath))]);
  const query = new URLSearchParams({ folder: workspaceFolder, payload: JSON.stringify(payload) });
  return `http://127.0.0.1:${port}/?${query}`;
}

async function answersHttp(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts code-server on 127.0.0.1 with a fresh profile and waits until it answers.
 * @param {{ extensionTestsPath?: string, workspaceFolder?: string, env?: Record<string, string>, keepProfile?: boolean }} options
 * @returns {Promise<{ url: string, developmentUrl: string, port: number, profileDir: string,
 *   exited: Promise<number | null>, stop: () => Promise<void>, output: () => string }>}
 *   url: the workbench with the tests when extensionTestsPath is given; developmentUrl: without them.
 *   output: the server's last lines, for error reports.
 */
export async function startCodeServer(options = {}) {
  const profileDir = mkdtempSync(join(tmpdir(), 'zmqi-vscode-'));
  const userDataDir = join(profileDir, 'user-data');
  const workspaceFolder = options.workspaceFolder ?? join(profileDir, 'workspace');
  mkdirSync(workspaceFolder, { recursive: true });
  writeQuietSettings(userDataDir);

  const port = await freeLoopbackPort();
  const args = [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', join(profileDir, 'extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    workspaceFolder,
  ];
  // Its own process group, so stop() ends the server and every extension host it forked.
  const server = spawn(process.execPath, args, {
    cwd: profileDir,
    // An empty gallery keeps the server from querying open-vsx.org: tests stay on loopback.
    env: { EXTENSIONS_GALLERY: '{}', ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = outputTail(outputTailLines);
  server.stdout.on('data', output.add);
  server.stderr.on('data', output.add);
  const exited = new Promise((resolveExit) => server.once('exit', (code) => resolveExit(code)));
  let running = true;
  exited.then(() => { running = false; });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (running) {
      signalGroup(server.pid, 'SIGTERM');
      const exitedInTime = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
      if (!exitedInTime) signalGroup(server.pid, 'SIGKILL');
    } else {
      // The server is gone, but children it forked may still run in its group.
      signalGroup(server.pid, 'SIGKILL');
    }
    if (!options.keepProfile) rmSync(profileDir, { recursive: true, force: true });
  };

  const healthUrl = `http://127.0.0.1:${port}/healthz`;
  const deadline = Date.now() + startupTimeoutMs;
  while (!(await answersHttp(healthUrl))) {
    if (!running || Date.now() > deadline) {
      await stop();
      const why = running ? `did not answer within ${startupTimeoutMs / 1000} s` : 'exited while starting';
      throw new Error(`code-server ${why}. Its last output:\n${output.text()}\nRun .ci/setup.sh again if the install looks broken.`);
    }
    await delay(250);
  }
  return {
    url: workbenchUrl(port, { workspaceFolder, extensionTestsPath: options.extensionTestsPath }),
    developmentUrl: workbenchUrl(port, { workspaceFolder }),
    port,
    profileDir,
    exited,
    stop,
    output: output.text,
  };
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

export function delay(ms) {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}
