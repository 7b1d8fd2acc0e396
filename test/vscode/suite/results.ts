// The integration suite's report, written as a JSON file the runner outside VS Code waits for.
// It is rewritten after every test, so a runner that gives up on a hang can still say which test hung.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type TestState = 'passed' | 'failed' | 'pending';
export type SuiteState = 'running' | 'passed' | 'failed';

export interface TestResult {
  title: string;
  state: TestState;
  durationMs?: number;
  error?: string;
}

export interface SuiteResults {
  state: SuiteState;
  startedAt: string;
  finishedAt?: string;
  vscodeVersion: string;
  files: string[];
  /** Title of the test that has started and not finished: the culprit when the suite hangs. */
  currentTest?: string;
  tests: TestResult[];
  /** A failure outside any test: no test files, a file that does not load, a crashed runner. */
  error?: string;
}

/** Environment variable through which a runner tells the suite where to write its results. */
export const resultsPathVariable = 'ZMQI_VSCODE_RESULTS';

export class ResultsFile {
  private readonly results: SuiteResults;

  constructor(
    private readonly filePath: string,
    vscodeVersion: string,
  ) {
    this.results = { state: 'running', startedAt: new Date().toISOString(), vscodeVersion, files: [], tests: [] };
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    this.write();
  }

  setFiles(files: string[]): void {
    this.results.files = files;
    this.write();
  }

  testStarted(title: string): void {
    this.results.currentTest = title;
    this.write();
  }

  testEnded(result: TestResult): void {
    this.results.currentTest = undefined;
    this.results.tests.push(result);
    this.write();
  }

  isRunning(): boolean {
    return this.results.state === 'running';
  }

  finish(error?: string): SuiteResults {
    this.results.error = error;
    const failed = error !== undefined || this.results.tests.some((test) => test.state === 'failed');
    this.results.state = failed ? 'failed' : 'passed';
    this.results.finishedAt = new Date().toISOString();
    this.write();
    return this.results;
  }

  /** Write-then-rename, so a reader never sees half a file. */
  private write(): void {
    const partial = `${this.filePath}.partial`;
    fs.writeFileSync(partial, `${JSON.stringify(this.results, null, 2)}\n`);
    fs.renameSync(partial, this.filePath);
  }
}
