// The CLI end to end: the built dist/cli.js spawned as a process, its output parsed.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { jsonLines, run, sniffListenEndpoint } from './cliProcess';

describe('zmq-inspector CLI', () => {
  it('demo hello --json prints one JSON object per event with the documented fields', async () => {
    const { code, stdout } = await run(['demo', 'hello', '--json', '--count', '2', '--rate', '0']).done;
    assert.equal(code, 0);
    const events = jsonLines(stdout);
    const types = new Set(events.map((e) => e.type));
    for (const type of ['open', 'greeting', 'command', 'message', 'close', 'summary']) assert.ok(types.has(type), `no ${type} event`);
    const greeting = events.find((e) => e.type === 'greeting')!;
    assert.equal(greeting.version, '3.1');
    assert.equal(greeting.mechanism, 'NULL');
    assert.equal(greeting.asServer, false);
    assert.ok(greeting.dir === 'c2s' || greeting.dir === 's2c');
    assert.equal(typeof greeting.conn, 'number');
    assert.ok(!Number.isNaN(Date.parse(String(greeting.time))));
    const ready = events.find((e) => e.type === 'command' && e.name === 'READY' && e.dir === 'c2s')!;
    assert.deepEqual(ready.metadata, { 'Socket-Type': 'REQ', Identity: '' });
    const request = events.find((e) => e.type === 'message' && e.dir === 'c2s')!;
    assert.deepEqual(request.frames, [
      { size: 0, more: true, text: '' },
      { size: 12, more: false, text: 'Hello server' },
    ]);
    const summary = events.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.ok, true);
  });

  it('demo pipeline --quiet prints only the summary', async () => {
    const { code, stdout } = await run(['demo', 'pipeline', '--quiet', '--count', '6', '--workers', '2', '--rate', '0']).done;
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^summary: \d+ connections, \d+ messages/);
    assert.doesNotMatch(stdout, /message +1 frame/);
    assert.match(stdout, /sink got 6 results/);
  });

  it('sniff relays a real REQ/REP exchange, prints aligned lines, and ends on SIGINT with a summary', async () => {
    const server = new zmq.Reply({ linger: 0 });
    await server.bind('tcp://127.0.0.1:*');
    const client = new zmq.Request({ linger: 0 });
    const { child, done } = run(['sniff', '--listen', 'tcp://127.0.0.1:0', '--target', server.lastEndpoint!]);
    try {
      const listen = await sniffListenEndpoint(child);
      client.connect(listen);
      await client.send('ping');
      const [request] = await server.receive();
      await server.send('pong');
      const [reply] = await client.receive();
      assert.equal(request.toString(), 'ping');
      assert.equal(reply.toString(), 'pong');
      await new Promise((resolve) => setTimeout(resolve, 100));
      child.kill('SIGINT');
      const { code, stdout } = await done;
      assert.equal(code, 0);
      const lines = stdout.trim().split('\n');
      const messageLines = lines.filter((line) => / message /.test(line));
      assert.equal(messageLines.length, 2);
      assert.match(messageLines[0], /c2s +message +2 frames, 4 B: "" \| "ping"/);
      assert.match(messageLines[1], /s2c +message +2 frames, 4 B: "" \| "pong"/);
      assert.match(stdout, /READY +Socket-Type="REQ"/);
      assert.match(stdout, /summary: 1 connection, 2 messages/);
    } finally {
      child.kill('SIGKILL');
      client.close();
      server.close();
    }
  });

  for (const [args, expected] of [
    [['sniff', '--listen', '5555'], /needs both --listen/],
    [['demo', 'nope'], /demo needs one of hello, pipeline, pubsub \(got "nope"\)/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['demo', 'hello', '--count', 'many'], /--count must be a whole number/],
    [['sniff', '--listen', 'tcp://127.0.0.1:0', '--target', 'inproc://x'], /inproc/],
  ] as const) {
    it(`bad arguments (${args.join(' ')}) give a usage message and exit code 2`, async () => {
      const { code, stderr, stdout } = await run([...args]).done;
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, expected);
      assert.match(stderr, /Usage:/);
    });
  }
});
