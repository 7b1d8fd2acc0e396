// `npm run test:vscode`: the integration suite in a real VS Code on this machine and in CI.
// code-server runs the workbench and extension host; headless Chromium opens it with a payload
// that loads this repository as a development extension and dist/test/suite/index.js as its
// tests. The suite reports through a JSON file (see test/vscode/suite/results.ts); this runner
// fails when the suite fails, hangs or never starts, and always stops the server and browser.
//
// Environment: ZMQI_SKIP_BUILD=1 (the caller just built), ZMQI_VSCODE_START_TIMEOUT_MS,
// ZMQI_VSCODE_TIMEOUT_MS (whole suite), ZMQI_CACHE (where code-server is installed).
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openInBrowser, waitForWorkbench } from './browser.mjs';
import { browserChecks } from './browser-checks.mjs';
import { buildProject, delay, ensureCodeServer, repoRoot, startCodeServer } from './launch.mjs';

const artifactsDir = join(repoRoot, 'test-artifacts');
const resultsPath = join(artifactsDir, 'vscode-results.json');
const screenshotPath = join(artifactsDir, 'vscode-workbench.png');
const logsCopyDir = join(artifactsDir, 'vscode-logs');
const suiteEntry = join(repoRoot, 'dist', 'test', 'suite', 'index.js');
const startTimeoutMs = Number(process.env.ZMQI_VSCODE_START_TIMEOUT_MS) || 120_000;
const suiteTimeoutMs = Number(process.env.ZMQI_VSCODE_TIMEOUT_MS) || 600_000;

const log = (line) => console.log(`[test:vscode] ${line}`);

function readResults() {
  try {
    return JSON.parse(readFileSync(resultsPath, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`cannot read the suite's results ${resultsPath}: ${error.message}`);
  }
}

/** Whether code-server logged the end of an extension host: the suite's host, while it is followed. */
function extensionHostEnded(profileDir) {
  const logsDir = join(profileDir, 'user-data', 'logs');
  if (!existsSync(logsDir)) return false;
  return readdirSync(logsDir).some((session) => {
    const agentLog = join(logsDir, session, 'remoteagent.log');
    return existsSync(agentLog) && readFileSync(agentLog, 'utf8').includes('Extension Host Process exited');
  });
}

function printTest(test) {
  const mark = { passed: '✓', failed: '✗', pending: '-' }[test.state] ?? '?';
  const duration = test.durationMs === undefined ? '' : ` (${test.durationMs} ms)`;
  console.log(`  ${mark} ${test.title}${duration}`);
  if (test.error) console.log(test.error.replace(/^/gm, '      '));
}

/**
 * Follows the results file until the suite finishes, printing tests as they end.
 * Returns a failure message, or undefined when every test passed.
 */
async function followSuite(codeServer) {
  const started = Date.now();
  let printed = 0;
  let serverExit;
  codeServer.exited.then((code) => { serverExit = code; });
  let hostEndedAt;
  for (;;) {
    const results = readResults();
    for (const test of results?.tests.slice(printed) ?? []) printTest(test);
    printed = results?.tests.length ?? 0;
    const elapsed = Date.now() - started;
    if (results && results.state !== 'running') {
      if (results.error) console.log(`  suite error:\n${results.error.replace(/^/gm, '      ')}`);
      const failed = results.tests.filter((test) => test.state === 'failed').length;
      log(`${results.tests.length} tests in VS Code ${results.vscodeVersion}: ${failed} failed, ${Math.round(elapsed / 1000)} s`);
      return results.state === 'passed' ? undefined : `the suite failed (${failed} failing test(s)${results.error ? ', plus a suite error' : ''})`;
    }
    if (serverExit !== undefined) return `code-server exited (code ${serverExit}) before the suite finished. Its last output:\n${codeServer.output()}`;
    hostEndedAt ??= extensionHostEnded(codeServer.profileDir) ? Date.now() : undefined;
    // A moment's grace: the host ends right after the suite's last write.
    if (hostEndedAt !== undefined && Date.now() - hostEndedAt > 3_000) {
      const when = results ? `during "${results.currentTest ?? 'the suite'}"` : `before the suite started (${suiteEntry} failed to load?)`;
      return `the extension host ended ${when}`;
    }
    if (!results && elapsed > startTimeoutMs) {
      return `the suite never started: no ${resultsPath} after ${startTimeoutMs / 1000} s (the extension host did not load ${suiteEntry}; see ${logsCopyDir})`;
    }
    if (elapsed > suiteTimeoutMs) {
      return `the suite did not finish within ${suiteTimeoutMs / 1000} s; still running: ${results?.currentTest ?? '(between tests)'}`;
    }
    await delay(500);
  }
}

/** ZMQI_BROWSER_CHECKS=compose,palette runs only the checks whose titles contain those words; "none" runs none. */
function selectedBrowserChecks() {
  const words = (process.env.ZMQI_BROWSER_CHECKS ?? '').split(',').map((word) => word.trim().toLowerCase()).filter((word) => word !== '');
  if (words.length === 0) return browserChecks;
  return browserChecks.filter((check) => words.some((word) => check.title.toLowerCase().includes(word)));
}

async function runBrowserChecks(page) {
  for (const check of selectedBrowserChecks()) {
    try {
      await check.run(page);
      console.log(`  ✓ browser: ${check.title}`);
    } catch (error) {
      console.log(`  ✗ browser: ${check.title}\n${String(error.message).replace(/^/gm, '      ')}`);
      return `browser check failed: ${check.title}`;
    }
  }
  return undefined;
}

async function main() {
  if (!process.env.ZMQI_SKIP_BUILD) buildProject();
  if (!existsSync(suiteEntry)) throw new Error(`${suiteEntry} is missing; the build did not produce the suite bundle.`);
  ensureCodeServer();
  mkdirSync(artifactsDir, { recursive: true });
  rmSync(resultsPath, { force: true });
  rmSync(logsCopyDir, { recursive: true, force: true });

  const cleanups = [];
  const cleanUp = async () => {
    while (cleanups.length > 0) {
      await Promise.resolve().then(cleanups.pop()).catch((error) => log(`cleanup: ${error.message}`));
    }
  };
  const interrupted = async () => {
    log('interrupted; stopping the browser and code-server');
    await cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  let failure;
  try {
    log('starting code-server');
    const codeServer = await startCodeServer({ extensionTestsPath: suiteEntry, env: { ZMQI_VSCODE_RESULTS: resultsPath }, keepProfile: false });
    cleanups.push(codeServer.stop);
    cleanups.push(() => cpSync(join(codeServer.profileDir, 'user-data', 'logs'), logsCopyDir, { recursive: true }));
    log(`opening the workbench in Chromium (${codeServer.url.split('?')[0]})`);
    const browser = await openInBrowser(codeServer.url);
    cleanups.push(browser.close);
    const consoleErrors = [];
    browser.page.on('console', (message) => {
      if (message.type() !== 'error') return;
      consoleErrors.push(message.text().slice(0, 2_000));
      if (consoleErrors.length > 20) consoleErrors.shift();
    });

    failure = await followSuite(codeServer);
    if (failure && consoleErrors.length > 0) {
      log(`errors in the workbench's console (the extension host reports its errors there):`);
      consoleErrors.forEach((text) => console.log(text.replace(/^/gm, '      ')));
    }
    let page = browser.page;
    if (!failure) {
      // The workbench ends its extension host once the suite is done, so the browser checks get
      // a second window: the development extension alone, as `npm start` shows it.
      log('browser checks in a new window');
      await page.goto(codeServer.developmentUrl);
      await waitForWorkbench(page);
      failure = await runBrowserChecks(page);
    }
    await page.screenshot({ path: screenshotPath }).then(() => log(`screenshot: ${screenshotPath}`), (error) => log(`no screenshot: ${error.message}`));
  } finally {
    await cleanUp();
  }
  if (failure) {
    log(`FAILED: ${failure}`);
    log(`VS Code logs copied to ${logsCopyDir}`);
    return 1;
  }
  log('passed');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`FAILED: ${error.message}`);
    process.exit(1);
  },
);
