// The .vsix as a user gets it: made by `npm run package`, its file list checked, installed with
// code-server's CLI (VS Code's own extension installer), and zeromq loaded from the installed
// folder by a fresh Node that cannot see this repository's node_modules.
import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipEntries, type ZipEntry } from './zipEntries';

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; publisher: string; version: string; main: string };
const vsixPath = join(root, 'dist', `${manifest.name}-${manifest.version}.vsix`);
/** Where .ci/setup.sh (run by launch.mjs's ensureCodeServer) installs code-server. */
const codeServerCli = join(process.env.ZMQI_CACHE || join(homedir(), '.cache', 'zeromq-inspector'), 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** The node_modules packages the extension needs at run time; anything else is a packaging mistake. */
const SHIPPED_PACKAGES = ['zeromq', 'cmake-ts', '@vscode/codicons'];

/** The prebuilt addons zeromq's loader may pick (its build/manifest.json), as paths below zeromq/build. */
function manifestAddons(): { path: string; os: string; arch: string; libc: string }[] {
  const addons = JSON.parse(readFileSync(join(root, 'node_modules', 'zeromq', 'build', 'manifest.json'), 'utf8')) as Record<string, string>;
  return Object.entries(addons).map(([config, path]) => ({ ...(JSON.parse(config) as { os: string; arch: string; libc: string }), path: path.replace(/\\/g, '/') }));
}

function run(what: string, command: string, args: string[], options: { cwd?: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeoutMs, maxBuffer: 16 << 20 });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}). Its last output:\n${output}`);
  }
  return result;
}

describe('the .vsix package (npm run package)', function () {
  let entries: ZipEntry[] = [];
  let names: string[] = [];
  let workDir = '';
  let installed = '';

  before(function () {
    this.timeout(180_000);
    // One build for every check below.
    run('npm run package', 'npm', ['run', 'package'], { timeoutMs: 150_000 });
    // It left production (minified) bundles in dist/ and out/; the tests after this file and the
    // VS Code stage of npm test run the development build, with readable stack traces.
    run('node esbuild.mjs', process.execPath, ['esbuild.mjs'], { timeoutMs: 60_000 });
    entries = zipEntries(vsixPath);
    names = entries.map((entry) => entry.name);
    workDir = mkdtempSync(join(tmpdir(), 'zmqi-vsix-test-'));
  });

  after(function () {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('carries the bundles, the webview assets and zeromq\'s run-time files', function () {
    const needed = [
      'extension/package.json',
      'extension/LICENSE.txt',
      `extension/${manifest.main.replace(/^\.\//, '')}`,
      'extension/dist/webview.js',
      'extension/media/inspector.css',
      'extension/node_modules/@vscode/codicons/dist/codicon.css',
      'extension/node_modules/@vscode/codicons/dist/codicon.ttf',
      'extension/node_modules/zeromq/package.json',
      'extension/node_modules/zeromq/lib/index.js',
      'extension/node_modules/zeromq/lib/load-addon.js',
      'extension/node_modules/zeromq/build/manifest.json',
      'extension/node_modules/cmake-ts/package.json',
      'extension/node_modules/cmake-ts/build/loader.js',
    ];
    assert.deepEqual(needed.filter((name) => !names.includes(name)), [], 'files the installed extension needs are missing from the .vsix');
    const shippedAddons = names.filter((name) => name.endsWith('.node')).sort();
    const loadableAddons = manifestAddons().map((addon) => `extension/node_modules/zeromq/build/${addon.path}`).sort();
    assert.deepEqual(shippedAddons, loadableAddons, 'the .vsix must carry exactly the addons zeromq\'s build/manifest.json lists');
    for (const os of ['linux', 'darwin', 'win32']) assert.ok(shippedAddons.some((name) => name.includes(`/build/${os}/x64/`)), `no ${os} x64 addon in the .vsix`);
  });

  it('leaves out sources, tests, maps, the CLI and every other package', function () {
    const misplaced = names.filter(
      (name) =>
        /^extension\/(out|test|extension|webview|src|\.ci|\.vscode)\//.test(name) ||
        /\.(ts|mts|map|tsbuildinfo|vsix)$/.test(name) ||
        /^extension\/dist\/(?!(extension|webview)\.js$)/.test(name),
    );
    assert.deepEqual(misplaced, []);
    const packages = new Set(names.filter((name) => name.startsWith('extension/node_modules/')).map((name) => /^extension\/node_modules\/((@[^/]+\/)?[^/]+)\//.exec(name)?.[1]));
    assert.deepEqual([...packages].sort(), [...SHIPPED_PACKAGES].sort(), 'only the run-time packages may ship (not the whole node_modules)');
    const unpacked = entries.reduce((sum, entry) => sum + entry.size, 0);
    const packed = statSync(vsixPath).size;
    // The manifest-listed addons are ~20 MiB of it; a stray package or all of zeromq/build would show.
    assert.ok(unpacked < 24 * 2 ** 20, `the .vsix unpacks to ${(unpacked / 2 ** 20).toFixed(1)} MiB (${names.length} files, ${(packed / 2 ** 20).toFixed(1)} MiB packed); expected under 24 MiB`);
  });

  it('installs with code-server\'s --install-extension, bundle and linux-x64 addons in place', async function () {
    this.timeout(180_000);
    const launch = (await import(pathToFileURL(join(root, 'test', 'vscode', 'launch.mjs')).href)) as { ensureCodeServer(): void };
    launch.ensureCodeServer();
    const extensionsDir = join(workDir, 'extensions');
    const common = ['--extensions-dir', extensionsDir, '--user-data-dir', join(workDir, 'user-data')];
    // An empty gallery keeps code-server from asking open-vsx.org anything.
    const env = { ...process.env, EXTENSIONS_GALLERY: '{}' };
    run('code-server --install-extension', process.execPath, [codeServerCli, '--install-extension', vsixPath, ...common], { timeoutMs: 120_000, env });
    const id = `${manifest.publisher}.${manifest.name}`;
    const listed = run('code-server --list-extensions', process.execPath, [codeServerCli, '--list-extensions', '--show-versions', ...common], { timeoutMs: 60_000, env }).stdout;
    assert.match(listed, new RegExp(`^${id.replace(/\./g, '\\.')}@${manifest.version.replace(/\./g, '\\.')}$`, 'm'));

    installed = join(extensionsDir, `${id}-${manifest.version}`);
    assert.ok(existsSync(installed), `code-server did not install into ${installed}; the folder holds: ${readdirSync(extensionsDir).join(', ')}`);
    assert.ok(existsSync(join(installed, manifest.main)), `${manifest.main} is missing from the installed extension`);
    const linuxAddons = manifestAddons().filter((addon) => addon.os === 'linux' && addon.arch === 'x64' && addon.libc === 'glibc');
    assert.ok(linuxAddons.length > 0, 'zeromq lists no linux-x64 glibc addon');
    for (const addon of linuxAddons) assert.ok(existsSync(join(installed, 'node_modules', 'zeromq', 'build', addon.path)), `installed extension lacks ${addon.path}`);
  });

  it('loads zeromq (libzmq 4.3.5) from the installed folder and passes a message', function () {
    this.timeout(60_000);
    if (!installed) throw new Error('the install test above did not complete; its failure is the cause');
    const zeromqDir = join(installed, 'node_modules', 'zeromq');
    const script = `
      const zmq = require(${JSON.stringify(zeromqDir)});
      (async () => {
        const a = new zmq.Pair({ linger: 0 }), b = new zmq.Pair({ linger: 0 });
        await a.bind('inproc://vsix-check');
        b.connect('inproc://vsix-check');
        await b.send('ping');
        const [message] = await a.receive();
        a.close(); b.close();
        const addons = Object.keys(require.cache).filter((file) => file.endsWith('.node'));
        console.log(JSON.stringify({ version: zmq.version, message: message.toString(), addons }));
      })().catch((error) => { console.error(error); process.exit(1); });`;
    // cwd and NODE_PATH leave the installed folder the only place zeromq can come from.
    const env = { ...process.env, NODE_PATH: '' };
    const output = run('node (zeromq from the installed extension)', process.execPath, ['-e', script], { cwd: workDir, timeoutMs: 30_000, env }).stdout;
    const result = JSON.parse(output.trim().split('\n').pop() as string) as { version: string; message: string; addons: string[] };
    assert.equal(result.version, '4.3.5');
    assert.equal(result.message, 'ping');
    assert.equal(result.addons.length, 1);
    assert.ok(result.addons[0].startsWith(join(installed, 'node_modules', 'zeromq', 'build', 'linux', 'x64')), `zeromq loaded ${result.addons[0]}, not an addon of the installed extension`);
  });
});
