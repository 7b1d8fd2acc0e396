// libzmq closes a listening socket in its own I/O thread: zmq_unbind() and close() return before
// the port is free. Stop promises free ports, so an example's stop() waits here, briefly and
// boundedly, until nothing accepts connections on the endpoints it had bound.
import * as net from 'node:net';
import { parseEndpoint } from '../sniffer/endpoint';

const PROBE_TIMEOUT_MS = 500;
const RETRY_MS = 20;

/** True when something accepts a TCP connection on host:port now. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until no tcp endpoint of `endpoints` accepts connections; resolves to those that still do after `timeoutMs`. */
export async function waitUntilReleased(endpoints: readonly string[], timeoutMs: number): Promise<string[]> {
  const tcp = endpoints.flatMap((endpoint) => {
    try {
      const parsed = parseEndpoint(endpoint, 'target');
      return parsed.transport === 'tcp' ? [{ endpoint, host: parsed.host, port: parsed.port }] : [];
    } catch {
      return []; // not a dialable tcp endpoint: nothing to wait for
    }
  });
  const deadline = Date.now() + timeoutMs;
  let pending = tcp;
  while (pending.length > 0) {
    const still = await Promise.all(pending.map(async (entry) => ((await accepts(entry.host, entry.port)) ? [entry] : [])));
    pending = still.flat();
    if (pending.length === 0 || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  return pending.map((entry) => entry.endpoint);
}
