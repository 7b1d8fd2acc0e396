// Endpoint strings in ZeroMQ's own spelling (tcp://host:port, ipc://path), parsed strictly so that
// a typo is reported with a correction instead of silently listening or connecting somewhere else.
import { isIP, isIPv6 } from 'node:net';

export type Endpoint = { transport: 'tcp'; host: string; port: number } | { transport: 'ipc'; path: string };

/** A malformed endpoint; the message says what was wrong and what to write instead. */
export class EndpointError extends Error {
  override name = 'EndpointError';
}

/** `*` in a tcp endpoint: every interface (only for listening, and only when written explicitly). */
export const ALL_INTERFACES = '*';

const WILDCARD_ADDRESSES = new Set([ALL_INTERFACES, '0.0.0.0', '::']);
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const OTHER_ZMQ_SCHEMES = new Set(['pgm', 'epgm', 'norm', 'tipc', 'vmci', 'ws', 'wss', 'udp']);
const KNOWN_SCHEMES = new Set(['tcp', 'ipc', 'inproc', ...OTHER_ZMQ_SCHEMES]);

/**
 * Parses a relay endpoint. `role` decides what is allowed: only a listen endpoint may be a bare port
 * ("5555" or ":5555", meaning `defaultListenHost`), an ephemeral port (0 or *, bare too) or all interfaces (tcp://*:port).
 */
export function parseEndpoint(text: string, role: 'listen' | 'target', defaultListenHost = '127.0.0.1'): Endpoint {
  const trimmed = text.trim();
  const what = role === 'listen' ? 'listen endpoint' : 'target endpoint';
  if (trimmed === '') {
    throw new EndpointError(`The ${what} is empty; write it like tcp://127.0.0.1:5555 or ipc:///tmp/app.ipc.`);
  }
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(trimmed);
  if (!schemeMatch) return parseWithoutScheme(trimmed, role, what, defaultListenHost);
  const scheme = schemeMatch[1].toLowerCase();
  const rest = schemeMatch[2];
  if (scheme === 'tcp') return parseTcp(rest, role, what, trimmed);
  if (scheme === 'ipc') return parseIpc(rest, what, trimmed);
  if (scheme === 'inproc') {
    throw new EndpointError(
      `"${trimmed}" cannot be sniffed: inproc:// traffic never leaves its process, so no bytes cross a socket the relay could sit on. ` +
        'Let the two peers talk over tcp:// or ipc:// instead and put the relay between them.',
    );
  }
  const known = OTHER_ZMQ_SCHEMES.has(scheme) ? `${scheme}:// is a ZeroMQ transport the relay does not support` : `"${scheme}://" is not a transport the relay knows`;
  throw new EndpointError(`${known} (in the ${what} "${trimmed}"); only tcp:// and ipc:// can be relayed, e.g. tcp://127.0.0.1:5555.`);
}

/** The endpoint as ZeroMQ spells it; `parseEndpoint(formatEndpoint(e), role)` gives `e` back. */
export function formatEndpoint(endpoint: Endpoint): string {
  if (endpoint.transport === 'ipc') return `ipc://${endpoint.path}`;
  const host = isIPv6(endpoint.host) ? `[${endpoint.host}]` : endpoint.host;
  return `tcp://${host}:${endpoint.port}`;
}

/** True for `*`, 0.0.0.0 and :: (every interface). */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_ADDRESSES.has(host);
}

function parseWithoutScheme(text: string, role: 'listen' | 'target', what: string, defaultListenHost: string): Endpoint {
  const barePort = /^:?(\d+|\*)$/.exec(text);
  if (barePort && role === 'listen') {
    return { transport: 'tcp', host: defaultListenHost, port: parsePort(barePort[1], role, what, text) };
  }
  if (barePort?.[1] === '*') {
    throw new EndpointError(`The ${what} "${text}" is a wildcard, which only makes sense for listening; write the server's address, e.g. tcp://127.0.0.1:5555.`);
  }
  if (barePort) {
    throw new EndpointError(
      `The ${what} "${text}" is only a port; say which host the server is on, e.g. tcp://127.0.0.1:${Number(barePort[1]) || 5555}.`,
    );
  }
  const scheme = /^([A-Za-z]+):\/*(.*)$/s.exec(text);
  if (scheme && KNOWN_SCHEMES.has(scheme[1].toLowerCase())) {
    throw new EndpointError(`The ${what} "${text}" needs "://" after "${scheme[1]}"; write ${scheme[1]}://${scheme[2]}.`);
  }
  const suggestion = text.startsWith('/') || text.startsWith('.') || text.startsWith('@') ? `ipc://${text}` : `tcp://${text}`;
  throw new EndpointError(`The ${what} "${text}" has no scheme; write ${suggestion} (endpoints start with tcp:// or ipc://).`);
}

function parseTcp(rest: string, role: 'listen' | 'target', what: string, text: string): Endpoint {
  if (rest.includes(';')) {
    throw new EndpointError(`The ${what} "${text}" names a source address (the ";" form); the relay does not support that, write just tcp://host:port.`);
  }
  if (rest.includes('/')) {
    throw new EndpointError(`The ${what} "${text}" has a path after the port; a tcp endpoint is only tcp://host:port.`);
  }
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
    if (!isIPv6(host)) throw new EndpointError(`The ${what} "${text}" has "[${host}]", which is not an IPv6 address; write e.g. tcp://[::1]:5555.`);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon < 0) throw new EndpointError(`The ${what} "${text}" has no port; write it like tcp://${rest || '127.0.0.1'}:5555.`);
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (host.includes(':')) {
      throw new EndpointError(`The ${what} "${text}" has an IPv6 address without brackets; write tcp://[${host}]:${portText}.`);
    }
  }
  if (portText === undefined || portText === '') {
    throw new EndpointError(`The ${what} "${text}" has no port; write it like tcp://${bracketed ? `[${host}]` : host || '127.0.0.1'}:5555.`);
  }
  if (host === '') {
    throw new EndpointError(
      `The ${what} "${text}" has no host; write tcp://127.0.0.1:${portText} for this machine` + (role === 'listen' ? ` or tcp://*:${portText} for every interface.` : '.'),
    );
  }
  checkHost(host, role, what, text);
  return { transport: 'tcp', host, port: parsePort(portText, role, what, text) };
}

function checkHost(host: string, role: 'listen' | 'target', what: string, text: string): void {
  if (role === 'target' && isWildcardHost(host)) {
    throw new EndpointError(
      `The ${what} "${text}" is a wildcard (${host} means every interface, which only makes sense for listening); ` +
        `write the server's address, e.g. tcp://127.0.0.1:${text.slice(text.lastIndexOf(':') + 1)}.`,
    );
  }
  if (host === ALL_INTERFACES || isIP(host) !== 0 || HOST_NAME.test(host)) return;
  throw new EndpointError(`The ${what} "${text}" has "${host}", which is not a host name or IP address; write e.g. tcp://127.0.0.1:5555 or tcp://localhost:5555.`);
}

function parsePort(portText: string, role: 'listen' | 'target', what: string, text: string): number {
  if (portText === '*' || portText === '0') {
    if (role === 'listen') return 0;
    throw new EndpointError(`The ${what} "${text}" has port ${portText} (any free port), which can only be used for listening; write the port the server is bound to.`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new EndpointError(`The ${what} "${text}" has port "${portText}"; a port is a number from 1 to 65535` + (role === 'listen' ? ' (or * for any free port).' : '.'));
  }
  return Number(portText);
}

function parseIpc(path: string, what: string, text: string): Endpoint {
  if (path === '' || path === '@') {
    throw new EndpointError(`The ${what} "${text}" has no path; write e.g. ipc:///tmp/app.ipc (absolute), ipc://app.ipc (relative) or ipc://@app (abstract, Linux).`);
  }
  if (path === '*') {
    throw new EndpointError(`The ${what} "${text}" asks for a generated name, which the relay does not do; write a path such as ipc:///tmp/app.ipc.`);
  }
  if (path.includes('\0')) throw new EndpointError(`The ${what} "${text}" contains a NUL character; for the abstract namespace write ipc://@name.`);
  if (path.startsWith('@') && process.platform !== 'linux') {
    throw new EndpointError(`The ${what} "${text}" is in the abstract namespace, which exists only on Linux; write a file path such as ipc:///tmp/app.ipc.`);
  }
  return { transport: 'ipc', path };
}
