// Turns the system errors the relay meets into sentences a user can act on.
import { formatEndpoint, type Endpoint } from './endpoint';

export type RelayErrorCode = 'endpoint' | 'address-in-use' | 'permission' | 'ipc-path' | 'other';

/** Why a relay could not start; `code` lets callers react, the message tells the user what to do. */
export class RelayError extends Error {
  override name = 'RelayError';
  constructor(
    readonly code: RelayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The errno-style code of a Node system error, or undefined. */
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Where the endpoint is, in the words used in messages: "127.0.0.1:5555" or "ipc:///tmp/x.ipc". */
export function describeAddress(endpoint: Endpoint): string {
  return endpoint.transport === 'tcp' ? formatEndpoint(endpoint).slice('tcp://'.length) : formatEndpoint(endpoint);
}

/** Maps a failure of `server.listen` to a RelayError. */
export function listenError(error: unknown, listen: Endpoint): RelayError {
  const where = describeAddress(listen);
  const code = systemErrorCode(error);
  const cause = { cause: error };
  switch (code) {
    case 'EADDRINUSE':
      return new RelayError(
        'address-in-use',
        listen.transport === 'tcp'
          ? `${where} is already in use by another program; pick another listen port or stop that program.`
          : `${where} is already in use: a server is accepting connections on it; pick another path or stop that program.`,
        cause,
      );
    case 'EACCES':
    case 'EPERM':
      return new RelayError(
        'permission',
        listen.transport === 'tcp'
          ? `Not allowed to listen on ${where}${listen.port > 0 && listen.port < 1024 ? ': ports below 1024 need special privileges; pick a port from 1024 up' : '; pick another port'}.`
          : `Not allowed to create the socket file ${where}: no write permission in its directory; pick a path in a directory you can write to (e.g. under /tmp).`,
        cause,
      );
    case 'EADDRNOTAVAIL':
      return new RelayError('endpoint', `${where} is not an address of this machine; listen on 127.0.0.1, on an address of one of this machine's interfaces, or on * for all.`, cause);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RelayError('endpoint', `The host name in ${where} could not be resolved; check the spelling or write an IP address such as 127.0.0.1.`, cause);
    case 'ENOENT':
    case 'ENOTDIR':
      return new RelayError('ipc-path', `Cannot create the socket file ${where}: its directory does not exist; create the directory or choose another path.`, cause);
    case 'ENAMETOOLONG':
      return new RelayError('ipc-path', `The path of ${where} is too long for a socket file; use a shorter path (at most ${MAX_IPC_PATH_BYTES} bytes).`, cause);
    default:
      return new RelayError('other', `Could not listen on ${where}: ${errorText(error)}.`, cause);
  }
}

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
export const MAX_IPC_PATH_BYTES = 107;

/** A sentence saying why the connection to the target failed, for onClose's detail. */
export function targetFailureDetail(error: unknown, target: Endpoint): string {
  const endpoint = formatEndpoint(target);
  const hint = 'is the server running and bound to that endpoint?';
  switch (systemErrorCode(error)) {
    case 'ECONNREFUSED':
      return target.transport === 'tcp'
        ? `connection to ${endpoint} refused: ${hint}`
        : `connection to ${endpoint} refused: the socket file exists but nothing accepts on it (a server that exited?); ${hint}`;
    case 'ENOENT':
      return `connection to ${endpoint} failed: no such socket file; ${hint}`;
    case 'EACCES':
    case 'EPERM':
      return `connection to ${endpoint} not permitted: check the socket file's permissions or firewall rules.`;
    case 'ETIMEDOUT':
      return `connection to ${endpoint} timed out: is the host reachable and the port open?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `connection to ${endpoint} failed: host unreachable; check the address and the network.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `connection to ${endpoint} failed: the host name could not be resolved; check its spelling.`;
    default:
      return `connection to ${endpoint} failed: ${errorText(error)}`;
  }
}

/** Reset-like errors: the peer (or the kernel on its behalf) aborted the connection. */
export function isResetError(error: unknown): boolean {
  const code = systemErrorCode(error);
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED';
}
