// The socket file behind an ipc:// listen endpoint: checked before listening (so problems get clear
// messages), a stale one left by a crashed server is replaced, and on stop only our own file is removed.
import { connect } from 'node:net';
import { lstat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Endpoint } from './endpoint';
import { MAX_IPC_PATH_BYTES, RelayError, describeAddress, systemErrorCode } from './relayErrors';

type IpcEndpoint = Extract<Endpoint, { transport: 'ipc' }>;

/** How long to wait when probing whether an existing socket file has a live server behind it. */
const PROBE_TIMEOUT_MS = 1000;

export const isAbstract = (endpoint: IpcEndpoint): boolean => endpoint.path.startsWith('@');

/** What `net` is given: the abstract namespace is spelled with a leading NUL there. */
export function netPath(endpoint: IpcEndpoint): string {
  return isAbstract(endpoint) ? `\0${endpoint.path.slice(1)}` : endpoint.path;
}

/** The endpoint with a relative path made absolute, so others can connect from any directory. */
export function absoluteIpcEndpoint(endpoint: IpcEndpoint): IpcEndpoint {
  return isAbstract(endpoint) ? endpoint : { transport: 'ipc', path: resolve(endpoint.path) };
}

/** Throws a RelayError if `endpoint` cannot be listened on; removes a stale socket file. */
export async function prepareIpcListenPath(endpoint: IpcEndpoint): Promise<void> {
  const where = describeAddress(endpoint);
  if (Buffer.byteLength(endpoint.path) > MAX_IPC_PATH_BYTES) {
    throw new RelayError('ipc-path', `The path of ${where} is ${Buffer.byteLength(endpoint.path)} bytes long; socket paths may have at most ${MAX_IPC_PATH_BYTES}. Use a shorter path, e.g. under /tmp.`);
  }
  if (isAbstract(endpoint)) return;
  const path = resolve(endpoint.path);
  const directory = dirname(path);
  const directoryStat = await lstatOrUndefined(directory);
  if (!directoryStat?.isDirectory()) {
    throw new RelayError('ipc-path', `Cannot create the socket file ${where}: the directory ${directory} does not exist; create it or choose another path.`);
  }
  const existing = await lstatOrUndefined(path);
  if (!existing) return;
  if (!existing.isSocket()) {
    throw new RelayError('ipc-path', `${where} already exists and is not a socket file; the relay will not replace it. Choose another path or remove that file yourself.`);
  }
  const probe = await probeSocketFile(path);
  if (probe instanceof Error) {
    throw new RelayError('ipc-path', `${where} is a socket file the relay cannot check (${probe.message}); choose another path.`, { cause: probe });
  }
  if (probe === 'live') {
    throw new RelayError('address-in-use', `${where} is already in use: a server is accepting connections on it; pick another path or stop that program.`);
  }
  // Nobody accepts on it: a server exited without cleaning up. libzmq replaces such files too.
  await unlink(path).catch((error: unknown) => {
    if (systemErrorCode(error) !== 'ENOENT') throw new RelayError('ipc-path', `${where} is a stale socket file that could not be removed (${String(error)}); remove it yourself or choose another path.`, { cause: error });
  });
}

/** The inode of the socket file the relay just created, to recognise it when stopping. */
export async function socketFileIdentity(endpoint: IpcEndpoint): Promise<number | undefined> {
  if (isAbstract(endpoint)) return undefined;
  return (await lstatOrUndefined(resolve(endpoint.path)))?.ino;
}

/** Removes the socket file if it is still the one the relay created (another program may have replaced it). */
export async function removeOwnSocketFile(absolutePath: string, identity: number | undefined): Promise<void> {
  if (identity === undefined) return;
  const current = await lstatOrUndefined(absolutePath);
  if (current?.isSocket() && current.ino === identity) await unlink(absolutePath).catch(() => undefined);
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}

function probeSocketFile(path: string): Promise<'live' | 'stale' | Error> {
  return new Promise((resolvePromise) => {
    const probe = connect({ path });
    const finish = (result: 'live' | 'stale' | Error) => {
      clearTimeout(timer);
      probe.destroy();
      resolvePromise(result);
    };
    // A server too busy to accept within the timeout still owns the path.
    const timer = setTimeout(() => finish('live'), PROBE_TIMEOUT_MS);
    probe.once('connect', () => finish('live'));
    probe.once('error', (error) => {
      const code = systemErrorCode(error);
      finish(code === 'ECONNREFUSED' || code === 'ENOENT' ? 'stale' : error);
    });
  });
}
