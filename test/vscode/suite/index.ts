// What VS Code calls for --extensionTestsPath (desktop, via @vscode/test-electron) and for the
// `extensionTestsPath` payload (code-server): runs every integration test file with mocha inside
// the extension host, where `vscode` and the development extension are loaded.
//
// Test files are compiled one to one into out/test/vscode/suite/. They are named *.spec.ts, not
// *.test.ts: the unit-test run (mocha over out/test/**/*.test.js in plain Node) must not load them,
// because `vscode` exists only in an extension host. *.test.js is loaded as well, so a file named
// the other way still runs here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResultsFile, resultsPathVariable, type TestState } from './results';

// This file is bundled to dist/test/suite/index.js.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const testsDir = path.join(repoRoot, 'out', 'test', 'vscode', 'suite');
const defaultResultsPath = path.join(repoRoot, 'test-artifacts', 'vscode-results.json');
const testFileSuffixes = ['.spec.js', '.test.js'];
const perTestTimeoutMs = 60_000;
const maxErrorLength = 4_000;

interface MochaTestLike {
  fullTitle(): string;
  duration?: number;
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength)}…` : text;
}

/** ZMQI_VSCODE_SPECS=stepping,sockets runs only the spec files whose names start with those words (for quicker runs while developing). */
function findTestFiles(): string[] {
  if (!fs.existsSync(testsDir)) return [];
  const only = (process.env.ZMQI_VSCODE_SPECS ?? '').split(',').map((word) => word.trim()).filter((word) => word !== '');
  return fs
    .readdirSync(testsDir)
    .filter((name) => testFileSuffixes.some((suffix) => name.endsWith(suffix)))
    .filter((name) => only.length === 0 || only.some((word) => name.startsWith(word)))
    .sort()
    .map((name) => path.join(testsDir, name));
}

export async function run(): Promise<void> {
  const resultsPath = process.env[resultsPathVariable] || defaultResultsPath;
  // Stack traces of failing tests then name the .ts lines, not the compiled ones.
  process.setSourceMapsEnabled(true);
  const results = new ResultsFile(resultsPath, vscode.version);
  console.log(`[zmqi-suite] VS Code ${vscode.version}; writing results to ${resultsPath}`);
  try {
    const files = findTestFiles();
    results.setFiles(files.map((file) => path.relative(repoRoot, file)));
    if (files.length === 0) {
      throw new Error(`no integration tests in ${testsDir} (files ending ${testFileSuffixes.join(' or ')}); run "node esbuild.mjs" first.`);
    }
    const failures = await runMocha(files, results);
    const summary = results.finish();
    console.log(`[zmqi-suite] ${summary.tests.length} tests, ${failures} failed`);
    if (failures > 0) throw new Error(`${failures} integration test(s) failed; see ${resultsPath}`);
  } catch (error) {
    if (results.isRunning()) results.finish(describeError(error));
    throw error;
  }
}

async function runMocha(files: string[], results: ResultsFile): Promise<number> {
  // mocha's package entry is an ES module; import() loads it in any extension host.
  const { default: Mocha } = await import('mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: perTestTimeoutMs, color: false, reporter: 'spec' });
  files.forEach((file) => mocha.addFile(file));
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    const runner = mocha.run(resolve);
    const record = (state: TestState) => (test: MochaTestLike, error?: unknown) =>
      results.testEnded({
        title: test.fullTitle(),
        state,
        durationMs: test.duration,
        error: error === undefined ? undefined : describeError(error),
      });
    runner.on('test', (test: MochaTestLike) => results.testStarted(test.fullTitle()));
    runner.on('pass', record('passed'));
    runner.on('fail', record('failed'));
    runner.on('pending', record('pending'));
  });
}
