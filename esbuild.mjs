// One build script for every artefact: the extension host bundle, the CLI, the webview,
// the VS Code test suite, the benchmark, and a file-by-file transpile of the sources and tests
// (out/) that mocha runs in plain Node.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Every .ts file below the given folders, for the transpile-only tree. */
function tsFilesUnder(...dirs) {
  const files = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
    }
  };
  dirs.forEach(walk);
  return files;
}

/** Prints start/finish lines and errors in the shape VS Code's esbuild problem matcher reads. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  sourcemap: true,
  minify: production,
  logLevel: watch ? 'silent' : 'warning',
  plugins: watch ? [problemMatcherPlugin] : [],
};

const nodeBundle = { ...common, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'zeromq', 'playwright-core', 'mocha'] };

const bundles = [
  { ...nodeBundle, entryPoints: ['extension/vscode/extension.ts'], outfile: 'dist/extension.js' },
  { ...nodeBundle, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...nodeBundle, entryPoints: ['test/bench/index.ts'], outfile: 'dist/bench/index.js' },
  { ...nodeBundle, entryPoints: ['test/vscode/suite/index.ts'], outfile: 'dist/test/suite/index.js' },
  { ...common, bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
  // Unit tests: every source and test file transpiled one to one, so mocha runs plain Node.
  { ...common, bundle: false, platform: 'node', format: 'cjs', target: 'node20', outbase: '.', outdir: 'out', entryPoints: tsFilesUnder('extension', 'webview', 'test') },
].filter((options) => options.entryPoints.length > 0 && options.entryPoints.every((entry) => existsSync(entry)));

if (watch) {
  const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(bundles.map((options) => esbuild.build(options)));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
