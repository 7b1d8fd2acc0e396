// Passive live capture: tcpdump (or Wireshark's dumpcap) captures a port and writes pcap to its
// standard output, which feeds the same reader and decoder as capture files. The application is
// not reconfigured. When the tool is missing or may not capture, the error says what to install
// or which capability to grant.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { CaptureFileError, LiveCaptureError } from './errors';
import { readCaptureStream, type CaptureReadResult, type ReadCaptureOptions } from './readCapture';

export type CaptureTool = 'tcpdump' | 'dumpcap';

export interface PortCaptureOptions extends Omit<ReadCaptureOptions, 'signal' | 'label'> {
  /** TCP port to capture (either side of the connection). */
  port: number;
  /** Which tool; 'auto' (default) tries tcpdump, then dumpcap. */
  tool?: CaptureTool | 'auto';
  /** Network interface; default "any" (Linux: every interface, loopback included). */
  interface?: string;
  /** How long the tool may take to start capturing; default 10 s. */
  startTimeoutMs?: number;
}

export interface PortCapture {
  readonly tool: CaptureTool;
  /** The command line that runs, for logs. */
  readonly command: string[];
  /** Settles when the capture ends (stop() or the tool exiting); rejects with LiveCaptureError when the tool failed. */
  readonly done: Promise<CaptureReadResult>;
  /** Stops the tool (it flushes what it captured first) and waits for the last events. */
  stop(): Promise<CaptureReadResult>;
}

const STOP_GRACE_MS = 5000;
const STDERR_KEPT = 4096;

const INSTALL: Record<CaptureTool, string> = {
  tcpdump: 'Debian/Ubuntu: sudo apt-get install tcpdump; Fedora/RHEL: sudo dnf install tcpdump; macOS ships it',
  dumpcap: 'Debian/Ubuntu: sudo apt-get install tshark (it brings dumpcap); Fedora/RHEL: sudo dnf install wireshark-cli; or install Wireshark',
};

const PERMIT: Record<CaptureTool, string> = {
  tcpdump: 'grant it once with: sudo setcap cap_net_raw,cap_net_admin=eip $(which tcpdump)',
  dumpcap: 'on Debian/Ubuntu: sudo dpkg-reconfigure wireshark-common (answer Yes), sudo usermod -aG wireshark $USER, then log in again; or: sudo setcap cap_net_raw,cap_net_admin=eip $(which dumpcap)',
};

function commandFor(tool: CaptureTool, device: string, port: number): string[] {
  const filter = `tcp port ${port}`;
  if (tool === 'tcpdump') return ['tcpdump', '-i', device, '--immediate-mode', '-U', '-s', '0', '-n', '-w', '-', filter];
  return ['dumpcap', '-i', device, '-f', filter, '-s', '262144', '-w', '-'];
}

/** The tool's own complaint, turned into what to do about it. */
function failure(tool: CaptureTool, stderr: string, device: string): LiveCaptureError {
  const lines = stderr.trim().split('\n').map((line) => line.trim()).filter(Boolean);
  const telling = lines.filter((line) => /permission|not permitted|denied|no such device|doesn't exist/i.test(line));
  const said = (telling.length > 0 ? telling.slice(0, 2) : lines.slice(-3)).join(' / ') || 'nothing';
  if (/permission|not permitted|access denied/i.test(stderr)) {
    return new LiveCaptureError(`${tool} may not capture packets as this user: capturing needs the CAP_NET_RAW capability. Run as a user who may capture, or ${PERMIT[tool]}. (${tool} said: ${said})`, 'not-permitted');
  }
  if (/no such device|doesn't exist|not found|There is no device/i.test(stderr)) {
    return new LiveCaptureError(`there is no network interface "${device}": list them with "${tool} -D" and choose one, or use "any". (${tool} said: ${said})`, 'bad-option');
  }
  return new LiveCaptureError(`${tool} stopped: ${said}`, 'failed');
}

function checkOptions(options: PortCaptureOptions): void {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new LiveCaptureError(`the port to capture must be a whole number from 1 to 65535, got ${String(options.port)}`, 'bad-option');
  }
  const device = options.interface ?? 'any';
  if (!/^[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]*$/.test(device)) {
    throw new LiveCaptureError(`"${device}" is not a network interface name (letters, digits and . _ : @ -), e.g. "any", "lo" or "eth0"`, 'bad-option');
  }
}

/** Starts capturing; resolves once the tool captures, rejects with LiveCaptureError when it cannot. */
export async function startPortCapture(options: PortCaptureOptions): Promise<PortCapture> {
  checkOptions(options);
  const tools: CaptureTool[] = options.tool === undefined || options.tool === 'auto' ? ['tcpdump', 'dumpcap'] : [options.tool];
  const missing: CaptureTool[] = [];
  const refused: LiveCaptureError[] = [];
  for (const tool of tools) {
    try {
      return await startTool(tool, options);
    } catch (error) {
      // With 'auto', a tool that is missing or not permitted leaves the other one to try.
      if (!(error instanceof LiveCaptureError) || (error.code !== 'missing-tool' && error.code !== 'not-permitted')) throw error;
      if (error.code === 'missing-tool') missing.push(tool);
      else refused.push(error);
    }
  }
  const how = missing.map((tool) => `${tool} (${INSTALL[tool]})`).join(', or ');
  const notInstalled = missing.length === 0 ? '' : `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed (or not on the PATH): install ${how}`;
  if (refused.length === 0) throw new LiveCaptureError(notInstalled, 'missing-tool');
  throw new LiveCaptureError([...refused.map((error) => error.message), notInstalled].filter(Boolean).join(' Also: '), 'not-permitted');
}

async function startTool(tool: CaptureTool, options: PortCaptureOptions): Promise<PortCapture> {
  const device = options.interface ?? 'any';
  const command = commandFor(tool, device, options.port);
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<null, Readable, Readable>;
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT);
      // tcpdump says "listening on" once capturing; dumpcap says "Capturing on" a little early, then "File: -".
      if (tool === 'tcpdump' ? /listening on/.test(stderr) : /^File: /m.test(stderr)) resolve();
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.startTimeoutMs ?? 10_000)));
  const reading = readCaptureStream(child.stdout, { ...options, label: `${tool} ${device}` });
  reading.catch(() => undefined);
  const first = await Promise.race([ready.then(() => 'ready' as const), exited, timeout]);
  clearTimeout(timer);
  if (first !== 'ready') {
    child.kill('SIGKILL');
    if (first === 'timeout') throw new LiveCaptureError(`${tool} did not start capturing within ${options.startTimeoutMs ?? 10_000} ms (${tool} said: ${stderr.trim() || 'nothing'})`, 'failed');
    if (first.error?.code === 'ENOENT') throw new LiveCaptureError(`${tool} is not installed`, 'missing-tool');
    if (first.error) throw new LiveCaptureError(`${tool} could not be started: ${first.error.message}`, first.error.code === 'EACCES' ? 'not-permitted' : 'failed');
    throw failure(tool, stderr, device);
  }
  let stopping = false;
  const done = (async () => {
    const [status, result] = await Promise.all([exited, reading.then((value) => value, (error: unknown) => error)]);
    if (!stopping && status.code !== 0 && status.signal === null) throw failure(tool, stderr, device);
    if (result instanceof CaptureFileError && /file is empty/.test(result.message)) return { format: 'pcap', compressed: false, bytes: 0, connections: [] } as CaptureReadResult;
    if (result instanceof Error) throw result;
    return result as CaptureReadResult;
  })();
  done.catch(() => undefined);
  return {
    tool,
    command,
    done,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(killer);
      }
      return done;
    },
  };
}
