// Sniffer events as the decoder and relay report them (extension/zmtp/types.ts, extension/sniffer/types.ts),
// built from the wire reference's test vectors, for feeding the real capture store.
import type { SnifferSource } from '../../extension/protocol';
import type { SnifferEvent } from '../../extension/sniffer/types';
import type { CommandEvent, Direction, Frame, GreetingEvent, MessageEvent, MetadataEntry, ZmtpEvent } from '../../extension/zmtp/types';

export const frontend: SnifferSource = { id: 'sniffer-1', name: 'frontend', listen: 'tcp://127.0.0.1:6001', target: 'tcp://127.0.0.1:5555' };
export const backend: SnifferSource = { id: 'sniffer-2', name: 'backend', listen: 'tcp://127.0.0.1:6002', target: 'tcp://127.0.0.1:5556' };

const bytes = (value: string | Uint8Array): Uint8Array => (typeof value === 'string' ? new TextEncoder().encode(value) : value);

export function frame(body: string | Uint8Array, more = false, declaredSize?: number): Frame {
  const data = bytes(body);
  const size = declaredSize ?? data.length;
  return { offset: 0, flags: (more ? 1 : 0) | (size > 255 ? 2 : 0), more, size, body: data, truncated: data.length < size };
}

/** A message from frame bodies; all but the last carry MORE. */
export function message(...bodies: (string | Uint8Array)[]): MessageEvent {
  const frames = bodies.map((body, index) => frame(body, index < bodies.length - 1));
  return { kind: 'message', offset: 0, frames, size: frames.reduce((sum, f) => sum + f.size, 0) };
}

function commandBody(name: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(1 + name.length + data.length);
  body[0] = name.length;
  body.set(bytes(name), 1);
  body.set(data, 1 + name.length);
  return body;
}

/** READY with Socket-Type (and Identity for REQ/DEALER/ROUTER, as libzmq sends it). */
export function ready(socketType: string, identity?: string): CommandEvent {
  const entries: [string, Uint8Array][] = [['Socket-Type', bytes(socketType)]];
  if (identity !== undefined) entries.push(['Identity', bytes(identity)]);
  const parts: number[] = [];
  for (const [name, value] of entries) {
    parts.push(name.length, ...bytes(name), (value.length >>> 24) & 0xff, (value.length >>> 16) & 0xff, (value.length >>> 8) & 0xff, value.length & 0xff, ...value);
  }
  const body = commandBody('READY', new Uint8Array(parts));
  const metadata: MetadataEntry[] = entries.map(([name, value]) => ({ name, value, text: new TextDecoder().decode(value) }));
  return { kind: 'command', offset: 64, name: 'READY', size: body.length, body, metadata };
}

export function subscribe(topic: string): CommandEvent {
  const body = commandBody('SUBSCRIBE', bytes(topic));
  return { kind: 'command', offset: 0, name: 'SUBSCRIBE', size: body.length, body, topic: bytes(topic) };
}

export function ping(ttl: number): CommandEvent {
  const body = commandBody('PING', new Uint8Array([ttl >> 8, ttl & 0xff]));
  return { kind: 'command', offset: 0, name: 'PING', size: body.length, body, ttl, context: new Uint8Array(0) };
}

export function plainHello(username: string, password: string): CommandEvent {
  const data = new Uint8Array([username.length, ...bytes(username), password.length, ...bytes(password)]);
  const body = commandBody('HELLO', data);
  return { kind: 'command', offset: 64, name: 'HELLO', size: body.length, body, username, password: '********', passwordMasked: true };
}

export const greeting = (version = '3.1', mechanism = 'NULL'): GreetingEvent => ({
  kind: 'greeting',
  offset: 0,
  version,
  mechanism,
  asServer: false,
  length: 64,
});

/** A feeder with its own clock, so rows carry increasing times. */
export class Feed {
  time = 1_700_000_000_000;
  constructor(private readonly ingest: (source: SnifferSource, event: SnifferEvent) => void) {}

  open(source: SnifferSource, conn: number, peer = `127.0.0.1:${40000 + conn}`): void {
    this.ingest(source, { type: 'open', conn, time: this.tick(), peer, listen: source.listen, target: source.target });
  }

  zmtp(source: SnifferSource, conn: number, dir: Direction, event: ZmtpEvent): void {
    this.ingest(source, { type: 'zmtp', conn, dir, time: this.tick(), event });
  }

  close(source: SnifferSource, conn: number, reason: 'end' | 'reset' | 'stopped' = 'end'): void {
    this.ingest(source, { type: 'close', conn, time: this.tick(), reason, bytes: { c2s: 100, s2c: 200 } });
  }

  /** Open, greetings and READYs both ways: the connection is then open with known socket types. */
  handshake(source: SnifferSource, conn: number, clientType: string, serverType: string): void {
    this.open(source, conn);
    this.zmtp(source, conn, 'c2s', greeting());
    this.zmtp(source, conn, 's2c', greeting());
    this.zmtp(source, conn, 'c2s', ready(clientType, clientType === 'REQ' || clientType === 'DEALER' ? '' : undefined));
    this.zmtp(source, conn, 's2c', ready(serverType));
  }

  private tick(): number {
    this.time += 1;
    return this.time;
  }
}

/** REQ→REP on the frontend and SUB←PUB weather updates on the backend, `rounds` of each. */
export function demoTraffic(feed: Feed, rounds: number): void {
  feed.handshake(frontend, 1, 'REQ', 'REP');
  feed.handshake(backend, 1, 'SUB', 'PUB');
  feed.zmtp(backend, 1, 'c2s', subscribe('weather.'));
  for (let i = 0; i < rounds; i++) {
    feed.zmtp(frontend, 1, 'c2s', message('', `Hello ${i}`));
    feed.zmtp(frontend, 1, 's2c', message('', `World ${i}`));
    feed.zmtp(backend, 1, 's2c', message('weather.zurich', JSON.stringify({ temperature: 20 + i, unit: 'C' })));
  }
}
