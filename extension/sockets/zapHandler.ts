// A ZAP handler (RFC 27) for a PLAIN or CURVE server socket. libzmq asks whatever answers on
// inproc://zeromq.zap.01 in the server's own context whether a peer may connect; with nothing
// there a PLAIN server drops every client without a word. Each secured user socket gets a
// context of its own with its own handler, so the well-known endpoint is never bound twice (libzmq
// unbinds asynchronously) and each socket's credentials apply to it alone.
import * as zmq from 'zeromq';

const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';

/** Decides one ZAP request: `credentials` are PLAIN's username and password, or CURVE's client key. */
export type ZapDecision = (mechanism: string, credentials: Buffer[]) => boolean;

export interface ZapPolicy {
  /** PLAIN: the accepted username / password pairs; absent: any. */
  plainUsers?: { username: string; password: string }[];
  /** CURVE: the accepted client public keys (Z85, 40 characters); absent: any. */
  curveClients?: string[];
}

/** The decision for `policy`; mechanisms other than PLAIN and CURVE (NULL) are let through. */
export function decideBy(policy: ZapPolicy): ZapDecision {
  return (mechanism, credentials) => {
    if (mechanism === 'PLAIN') {
      const [username = '', password = ''] = credentials.map(String);
      return !policy.plainUsers || policy.plainUsers.some((user) => user.username === username && user.password === password);
    }
    if (mechanism === 'CURVE') return !policy.curveClients || (credentials[0]?.length === 32 && policy.curveClients.includes(z85Encode(credentials[0])));
    return true;
  };
}

/** ZAP requests bigger than this are refused unread: real ones are a few hundred bytes. */
const MAX_REQUEST_BYTES = 64 * 1024;

export class ZapHandler {
  private constructor(
    private readonly handler: zmq.Reply,
    private readonly serving: Promise<void>,
  ) {}

  /** Binds a handler in `context` answering with `decide` until closed. */
  static async start(context: zmq.Context, decide: ZapDecision): Promise<ZapHandler> {
    const handler = new zmq.Reply({ context, linger: 0, maxMessageSize: MAX_REQUEST_BYTES });
    await handler.bind(ZAP_ENDPOINT);
    return new ZapHandler(handler, serve(handler, decide));
  }

  async close(): Promise<void> {
    this.handler.close();
    await this.serving;
  }
}

async function serve(handler: zmq.Reply, decide: ZapDecision): Promise<void> {
  try {
    // One request at a time (a REP); the loop ends when the handler closes.
    for await (const [version, requestId, , , , mechanism, ...credentials] of handler) {
      const ok = mechanism !== undefined && decide(mechanism.toString(), credentials);
      await handler.send([version ?? '1.0', requestId ?? '', ok ? '200' : '400', ok ? 'OK' : 'Credentials refused', '', '']);
    }
  } catch {
    // Closing the handler rejects the pending receive; nothing else is in flight.
  }
}

const Z85_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Z85 (ZeroMQ RFC 32) of bytes whose length is a multiple of 4, as CURVE keys are written. */
function z85Encode(bytes: Uint8Array): string {
  let text = '';
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4) {
    let value = ((bytes[offset] << 24) >>> 0) + (bytes[offset + 1] << 16) + (bytes[offset + 2] << 8) + bytes[offset + 3];
    let chunk = '';
    for (let digit = 0; digit < 5; digit += 1) {
      chunk = Z85_DIGITS[value % 85] + chunk;
      value = Math.floor(value / 85);
    }
    text += chunk;
  }
  return text;
}

/** Whether `key` looks like a Z85 CURVE key, so a typo is named before libzmq refuses it with EINVAL. */
export const isZ85Key = (key: unknown): key is string => typeof key === 'string' && key.length === 40 && [...key].every(isZ85Digit);

/** Whether the single character `char` is one of Z85's 85 digits. */
export const isZ85Digit = (char: string): boolean => char.length === 1 && Z85_DIGITS.includes(char);
