// The gate's byte accounting, driven with whole ZMTP streams cut into random chunks. The relay is
// replaced by a sink that records what would be written: the gate's contract is only what it forwards.
import { strict as assert } from 'node:assert';
import { randomInt } from 'node:crypto';
import { BreakpointSet } from '../../extension/breakpoints/breakpointSet';
import { ConnectionHolding } from '../../extension/sniffer/holding';
import type { HoldEvent } from '../../extension/sniffer/types';
import type { Direction } from '../../extension/zmtp/types';

function greeting(): Buffer {
  const bytes = Buffer.alloc(64);
  bytes[0] = 0xff;
  bytes[9] = 0x7f;
  bytes[10] = 3;
  bytes.write('NULL', 12);
  return bytes;
}

function command(name: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const content = Buffer.concat([Buffer.from([name.length]), Buffer.from(name), body]);
  return Buffer.concat([Buffer.from([4, content.length]), content]);
}

function frame(body: Buffer, more: boolean): Buffer {
  if (body.length < 256) return Buffer.concat([Buffer.from([more ? 1 : 0, body.length]), body]);
  const header = Buffer.alloc(9);
  header[0] = more ? 3 : 2;
  header.writeBigUInt64BE(BigInt(body.length), 1);
  return Buffer.concat([header, body]);
}

const ready = command('READY', Buffer.concat([Buffer.from([11]), Buffer.from('Socket-Type'), Buffer.from([0, 0, 0, 4]), Buffer.from('PUSH')]));
const ping = command('PING', Buffer.from([0, 10]));

class Sink {
  readonly written: Record<Direction, Buffer[]> = { c2s: [], s2c: [] };
  readonly events: HoldEvent[] = [];
  readonly holding: ConnectionHolding;

  constructor(breakpoints?: BreakpointSet) {
    this.holding = new ConnectionHolding({
      conn: 1,
      io: { forward: (dir, bytes) => this.written[dir].push(Buffer.from(bytes)), setSourcePaused: () => undefined },
      emit: (event) => this.events.push(event),
      breakpoints,
      limits: { maxPendingBytes: 64 * 1024, maxPartialBytes: 16 * 1024 },
    });
    this.holding.accept('s2c', greeting());
  }

  feed(stream: Buffer, onChunk: () => void = () => undefined): void {
    for (let at = 0; at < stream.length; ) {
      const size = randomInt(1, 3000);
      this.holding.accept('c2s', stream.subarray(at, at + size));
      at += size;
      onChunk();
    }
  }

  out(): Buffer {
    return Buffer.concat(this.written.c2s);
  }
}

describe('Step mode gate byte accounting', () => {
  it('forwards every byte once and in order whatever the chunking, holding and stepping (no heartbeats)', () => {
    for (let round = 0; round < 20; round++) {
      const messages = Array.from({ length: 30 }, (_, i) => frame(Buffer.alloc(randomInt(0, 40_000), i), false));
      const stream = Buffer.concat([greeting(), ready, ...messages]);
      const sink = new Sink();
      sink.feed(stream, () => {
        const choice = randomInt(0, 10);
        if (choice === 0) sink.holding.hold(false);
        else if (choice === 1) sink.holding.continue();
        else if (choice < 5) sink.holding.step('c2s', choice === 2 ? 'frame' : 'message');
      });
      sink.holding.continue();
      assert.ok(sink.out().equals(stream), `round ${round}: forwarded ${sink.out().length} of ${stream.length} bytes, or changed them`);
    }
  });

  it('forwards every byte once and in order with multipart messages stepped frame by frame', () => {
    for (let round = 0; round < 20; round++) {
      const messages = Array.from({ length: 30 }, () => {
        const count = randomInt(1, 5);
        return Buffer.concat(Array.from({ length: count }, (_, i) => frame(Buffer.alloc(randomInt(0, 5_000), i), i < count - 1)));
      });
      const stream = Buffer.concat([greeting(), ready, ...messages]);
      const sink = new Sink();
      sink.feed(stream, () => {
        const choice = randomInt(0, 8);
        if (choice === 0) sink.holding.hold(false);
        else if (choice === 1) sink.holding.continue();
        else if (choice < 6) sink.holding.step('c2s', choice === 5 ? 'message' : 'frame');
      });
      sink.holding.continue();
      assert.ok(sink.out().equals(stream), `round ${round}: forwarded ${sink.out().length} of ${stream.length} bytes, or changed them`);
    }
  });

  it('sends whole PINGs ahead of a held message and skips them later, so each byte leaves once', () => {
    const message = frame(Buffer.from('held'), false);
    const stream = Buffer.concat([greeting(), ready, message, ping, frame(Buffer.from('next'), false), ping]);
    const sink = new Sink();
    sink.feed(Buffer.concat([greeting(), ready]));
    sink.holding.hold(false);
    sink.feed(stream.subarray(64 + ready.length));
    const expectedSoFar = Buffer.concat([greeting(), ready, ping, ping]);
    assert.ok(sink.out().equals(expectedSoFar), 'the PINGs did not go ahead of the held messages');
    assert.deepEqual(sink.holding.pending('c2s').map((held) => held.kind), ['message', 'message']);
    assert.equal(sink.holding.step('c2s', 'message'), true);
    assert.equal(sink.holding.step('c2s', 'message'), true);
    assert.equal(sink.holding.step('c2s', 'message'), false);
    const sent = sink.out();
    assert.equal(sent.length, stream.length);
    assert.ok(sent.subarray(expectedSoFar.length).equals(Buffer.concat([message, frame(Buffer.from('next'), false)])));
  });

  it('lets a message larger than the wait limit through on one step while it is still arriving', () => {
    const big = frame(Buffer.alloc(200_000, 7), false);
    const small = frame(Buffer.from('after'), false);
    const sink = new Sink();
    sink.feed(Buffer.concat([greeting(), ready]));
    sink.holding.hold(false);
    sink.holding.accept('c2s', big.subarray(0, 50_000));
    assert.deepEqual(sink.holding.pending('c2s').map((held) => held.kind), ['partial']);
    assert.equal(sink.events.at(-1)?.type, 'held');
    assert.equal(sink.holding.step('c2s', 'message'), true);
    sink.holding.accept('c2s', Buffer.concat([big.subarray(50_000), small]));
    assert.ok(sink.out().equals(Buffer.concat([greeting(), ready, big])), 'the rest of the big message or the next one went wrong');
    assert.deepEqual(sink.holding.pending('c2s').map((held) => held.preview), ['after']);
  });

  it('a breakpoint on a command holds at that command, which then does not go ahead of anything', () => {
    const sink = new Sink(new BreakpointSet([{ id: 'ping', command: 'PING' }]));
    const before = Buffer.concat([greeting(), ready, frame(Buffer.from('first'), false)]);
    sink.feed(Buffer.concat([before, ping, frame(Buffer.from('second'), false)]));
    assert.ok(sink.out().equals(before));
    const held = sink.events.find((event) => event.type === 'held');
    assert.deepEqual(held?.type === 'held' && [held.reason, held.breakpoint, held.message.name], ['breakpoint', { id: 'ping', hits: 1 }, 'PING']);
    assert.equal(sink.holding.step('c2s', 'message'), true);
    assert.ok(sink.out().equals(Buffer.concat([before, ping])), 'the step released more than the PING');
    sink.holding.continue();
    assert.ok(sink.out().equals(Buffer.concat([before, ping, frame(Buffer.from('second'), false)])));
  });

  it('frame steps on a message held after Pause release one frame each (a command between its frames goes with the next), a single-frame message whole', () => {
    const parts = [frame(Buffer.from('one'), true), frame(Buffer.from('two'), true), ping, frame(Buffer.from('three'), false)];
    const single = frame(Buffer.from('single'), false);
    const head = Buffer.concat([greeting(), ready]);
    const sink = new Sink();
    sink.feed(head);
    sink.holding.hold(true);
    sink.feed(Buffer.concat([...parts, single]));
    assert.ok(sink.out().equals(head), 'something went before the held message');
    const released = () => sink.events.filter((event) => event.type === 'released').map((event) => event.type === 'released' && [event.offset, event.bytes, event.unit]);
    let at = head.length;
    const expected: unknown[] = [];
    for (const bytes of [parts[0].length, parts[1].length, ping.length + parts[3].length, single.length]) {
      assert.equal(sink.holding.step('c2s', 'frame'), true);
      expected.push([at, bytes, 'frame']);
      at += bytes;
      assert.ok(sink.out().equals(Buffer.concat([head, ...parts, single]).subarray(0, at)), `after ${expected.length} frame steps`);
    }
    assert.deepEqual(released(), expected);
    assert.equal(sink.holding.step('c2s', 'frame'), false);
  });

  it('lists held units with their summaries, built when they are held, not when they are forwarded', () => {
    const sink = new Sink();
    const head = Buffer.concat([greeting(), ready, frame(Buffer.from('gone'), false)]);
    sink.feed(head);
    sink.holding.hold(true);
    const request = Buffer.concat([frame(Buffer.alloc(0), true), frame(Buffer.from('Hello'), true), frame(Buffer.from('server'), false)]);
    sink.feed(Buffer.concat([request, ping, frame(Buffer.alloc(100, 0x41), false)]));
    const expected = [
      { offset: head.length, bytes: request.length, kind: 'message', frames: 3, preview: '∅ · Hello · server' },
      { offset: head.length + request.length, bytes: ping.length, kind: 'command', name: 'PING' },
      { offset: head.length + request.length + ping.length, bytes: 102, kind: 'message', frames: 1, preview: `${'A'.repeat(47)}…` },
    ];
    assert.deepEqual(sink.holding.pending('c2s'), expected);
    const held = sink.events.filter((event) => event.type === 'held');
    assert.deepEqual(held.map((event) => event.type === 'held' && event.message), [expected[0]]);
    // What was handed out is a copy: changing it changes nothing listed later.
    sink.holding.pending('c2s')[0].preview = 'changed';
    if (held[0].type === 'held') held[0].message.frames = 99;
    assert.deepEqual(sink.holding.pending('c2s'), expected);
    sink.holding.continue();
    assert.deepEqual(sink.holding.pending('c2s'), []);
  });
});
