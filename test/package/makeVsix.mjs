// npm run package (after the production build): packs the extension into
// dist/<name>-<version>.vsix with a plain `vsce package` run in the repository.
//
// vsce takes node_modules files only from the packages `npm ls` reports as production
// dependencies (zeromq, its loader cmake-ts, and @vscode/codicons, whose font and CSS the webview
// loads at run time); .vscodeignore, an allow-list, then picks the files among them.
// test/package/vsix.test.ts checks the resulting file list.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
export const vsixPath = join(repoRoot, 'dist', `${manifest.name}-${manifest.version}.vsix`);
const vsceCli = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');

/** Makes the .vsix from the current dist/ (build it first); returns its path. */
export function makeVsix() {
  for (const needed of ['dist/extension.js', 'dist/webview.js']) {
    if (!existsSync(join(repoRoot, needed))) throw new Error(`${needed} is missing: build first ("node esbuild.mjs --production", as "npm run package" does).`);
  }
  if (!existsSync(vsceCli)) throw new Error(`${relative(repoRoot, vsceCli)} is missing: run "npm ci" first.`);
  // No repository is published yet: say so instead of inventing an address. Relative README
  // links stay relative (VS Code resolves them inside the installed extension).
  const args = [vsceCli, 'package', '--out', vsixPath, '--allow-missing-repository', '--no-rewrite-relative-links'];
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new Error(`could not run vsce: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`"vsce package" failed (exit ${result.status}); see its output above.`);
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
