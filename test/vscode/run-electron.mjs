// `npm run test:electron`: the same integration suite in desktop VS Code through
// @vscode/test-electron, for machines that can download VS Code from Microsoft (a developer's
// laptop, a public CI). Where that download is blocked (these machines, this project's CI) it
// stops quickly and says so; use `npm run test:vscode` (code-server) there.
// ZMQI_VSCODE_VERSION picks the version (default: the latest stable one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildProject, repoRoot } from './launch.mjs';

const downloadIdleTimeoutMs = 15_000;
const downloadDeadlineMs = 10 * 60_000;
const log = (line) => console.log(`[test:electron] ${line}`);

async function downloadVSCode(version) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no finished download after ${downloadDeadlineMs / 60_000} min`)), downloadDeadlineMs);
  });
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({ version, extensionDevelopmentPath: repoRoot, timeout: downloadIdleTimeoutMs }),
      deadline,
    ]);
  } catch (error) {
    throw new Error(
      `could not download VS Code ${version} from Microsoft's update service (${error.message}).\n` +
        '  This machine cannot reach update.code.visualstudio.com; run the same suite with `npm run test:vscode` (code-server) instead.',
    );
  } finally {
    clearTimeout(timer);
  }
}

async function main() {
  buildProject();
  const version = process.env.ZMQI_VSCODE_VERSION || 'stable';
  log(`downloading VS Code ${version} (cached in .vscode-test/)`);
  const vscodeExecutablePath = await downloadVSCode(version);
  const workspace = mkdtempSync(join(tmpdir(), 'zmqi-electron-workspace-'));
  const resultsPath = join(repoRoot, 'test-artifacts', 'vscode-electron-results.json');
  try {
    // On Linux without a display, run this under xvfb-run.
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'dist', 'test', 'suite', 'index.js'),
      extensionTestsEnv: { ZMQI_VSCODE_RESULTS: resultsPath },
      launchArgs: [workspace, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    log(`results: ${resultsPath}`);
  }
}

main().then(
  (code) => {
    log(code === 0 ? 'passed' : `FAILED (VS Code exited with ${code})`);
    process.exit(code);
  },
  (error) => {
    log(`FAILED: ${error.message}`);
    process.exit(1);
  },
);
