// npm run package (after the production build): packs the extension into
// dist/<name>-<version>.vsix with vsce, from a staging copy of the repository.
//
// Why a staging copy: vsce takes node_modules files only from the packages `npm ls` reports as
// production dependencies, and the codicons the webview loads are a devDependency of this
// repository. The staged package.json lists them as a dependency (and drops devDependencies,
// which do not ship), so vsce sees exactly the run-time packages; .vscodeignore then picks the
// files. With @vscode/codicons moved to "dependencies", a plain `vsce package` would do.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
export const vsixPath = join(repoRoot, 'dist', `${manifest.name}-${manifest.version}.vsix`);

/** devDependencies whose files the extension loads at run time. */
const RUNTIME_ASSET_PACKAGES = ['@vscode/codicons'];
/** Besides dist/, media/ and node_modules/: the top-level files .vscodeignore may let in. */
const TOP_LEVEL_FILES = ['README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore'];
const vsceCli = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');

/** Runs a command to completion; returns its output when `capture`, else lets it print. */
function run(command, args, cwd, capture = true) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'], maxBuffer: 16 << 20 });
  if (result.error) throw new Error(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`"${command} ${args.join(' ')}" failed (exit ${result.status}); see its output above.`);
  return result.stdout;
}

/** Folders (relative to the repository) of the production dependencies and their dependencies, and of the run-time assets. */
function runtimePackageFolders() {
  const listed = run('npm', ['ls', '--omit=dev', '--all', '--parseable', '--loglevel=error'], repoRoot)
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && resolve(line) !== repoRoot)
    .map((line) => relative(repoRoot, line));
  const folders = [...listed, ...RUNTIME_ASSET_PACKAGES.map((name) => join('node_modules', name))];
  for (const folder of folders) {
    if (!existsSync(join(repoRoot, folder, 'package.json'))) throw new Error(`${folder} is missing: run "npm ci" first.`);
  }
  return folders;
}

function stagedManifest() {
  const dependencies = { ...manifest.dependencies };
  for (const name of RUNTIME_ASSET_PACKAGES) {
    const range = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
    if (!range) throw new Error(`package.json does not list ${name}, which the webview loads; add it to "dependencies".`);
    dependencies[name] = range;
  }
  return { ...manifest, dependencies, devDependencies: undefined };
}

function stage(dir) {
  for (const needed of ['dist/extension.js', 'dist/webview.js']) {
    if (!existsSync(join(repoRoot, needed))) throw new Error(`${needed} is missing: build first ("node esbuild.mjs --production", as "npm run package" does).`);
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(stagedManifest(), null, 2)}\n`);
  for (const file of TOP_LEVEL_FILES) if (existsSync(join(repoRoot, file))) cpSync(join(repoRoot, file), join(dir, file));
  const notVsix = (source) => !source.endsWith('.vsix');
  cpSync(join(repoRoot, 'media'), join(dir, 'media'), { recursive: true });
  cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true, filter: notVsix });
  for (const folder of runtimePackageFolders()) cpSync(join(repoRoot, folder), join(dir, folder), { recursive: true });
}

/** Makes the .vsix from the current dist/ (build it first); returns its path. */
export function makeVsix() {
  const dir = mkdtempSync(join(tmpdir(), 'zmqi-vsix-'));
  try {
    stage(dir);
    // No repository is published yet: say so instead of inventing an address. Relative README
    // links stay relative (VS Code resolves them inside the installed extension).
    run(process.execPath, [vsceCli, 'package', '--out', vsixPath, '--allow-missing-repository', '--no-rewrite-relative-links'], dir, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return vsixPath;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const file = makeVsix();
    console.log(`[package] ${relative(process.cwd(), file)}: ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`);
  } catch (error) {
    console.error(`[package] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
