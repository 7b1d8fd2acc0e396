// The built dist/cli.js as a child process, for CLI tests: run it, read its output, find where a
// sniff listens.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the CLI (no colour); it is killed if it runs longer than `timeoutMs`. */
export function run(args: string[], timeoutMs = 15000): { child: ChildProcessWithoutNullStreams; done: Promise<Finished> } {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = once(child, 'close').then(([code]) => {
    clearTimeout(timer);
    return { code: code as number | null, stdout, stderr };
  });
  return { child, done };
}

export const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

/** Reads a sniff's banner on stderr and returns where clients should connect. */
export async function sniffListenEndpoint(child: ChildProcessWithoutNullStreams): Promise<string> {
  let banner = '';
  while (!/connect clients to (\S+),/.test(banner)) banner += String((await once(child.stderr, 'data'))[0]);
  return /connect clients to (\S+),/.exec(banner)![1];
}
