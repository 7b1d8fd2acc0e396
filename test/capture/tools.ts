// The external tools the capture tests drive: tcpdump (real captures on loopback) and tshark (the
// oracle for exported pcapng). Missing tools fail the test with what to install, never skip it.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';

const PACKAGES: Record<string, string> = { tcpdump: 'tcpdump', tshark: 'tshark' };

/** Throws a clear error when `tool` is not installed (CI installs it with .ci/setup.sh). */
export function requireTool(tool: 'tcpdump' | 'tshark'): void {
  const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    throw new Error(`${tool} is needed by this test but cannot be run (${probe.error.message}): run "bash .ci/setup.sh" (installs Debian's tcpdump and tshark) or "apt-get install ${PACKAGES[tool]}"`);
  }
}

export interface RunningTcpdump {
  stop(): Promise<void>;
}

/** tcpdump writing `file` for traffic on `ports` of the loopback interface; resolves once it captures. */
export async function tcpdump(file: string, ports: number[]): Promise<RunningTcpdump> {
  requireTool('tcpdump');
  const filter = ports.map((port) => `tcp port ${port}`).join(' or ');
  // --immediate-mode: without it packets wait in the kernel's ring buffer and are lost at SIGTERM.
  const child = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-s', '0', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(child, 'exit');
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tcpdump did not start capturing within 10 s: ${stderr}`));
    }, 10_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/listening on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited (code ${code}) before capturing: ${stderr}`));
    });
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export function tshark(args: string[]): string {
  requireTool('tshark');
  const result = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`tshark ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** The bytes each side sent in TCP stream `index`, as tshark follows it (node 0 is the side that sent the first packet). */
export function tsharkStream(file: string, index: number): { node0: string; node1: string; bytes: { node0: Buffer; node1: Buffer } } {
  const out = tshark(['-r', file, '-q', '-z', `follow,tcp,raw,${index}`]);
  const node0 = /Node 0: (\S+)/.exec(out)?.[1] ?? '';
  const node1 = /Node 1: (\S+)/.exec(out)?.[1] ?? '';
  const parts: { node0: string[]; node1: string[] } = { node0: [], node1: [] };
  const body = out.split(/Node 1: \S+\n/)[1]?.split('=====')[0] ?? '';
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    (line.startsWith('\t') ? parts.node1 : parts.node0).push(line.trim());
  }
  return { node0, node1, bytes: { node0: Buffer.from(parts.node0.join(''), 'hex'), node1: Buffer.from(parts.node1.join(''), 'hex') } };
}

/** True when this tshark has the ZMTP dissector (Wireshark 4.4 and later). */
let hasZmtp: boolean | undefined;

export function tsharkHasZmtp(): boolean {
  hasZmtp ??= /\tzmtp\s*$/m.test(tshark(['-G', 'protocols']));
  return hasZmtp;
}

export function tsharkVersion(): string {
  return /TShark \(Wireshark\) (\S+)/.exec(tshark(['--version']))?.[1] ?? 'unknown';
}

/** Polls `predicate` every 10 ms for at most `timeoutMs`; the error names what never happened. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
