// The CLI's diagnostics end to end: dist/cli.js in front of real libzmq sockets that cannot talk,
// and a healthy demo that must print none.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { jsonLines, run, sniffListenEndpoint } from './cliProcess';

/** Runs `sniff` in front of a bound PUSH while PUB sockets connect to it; returns the CLI's output. */
async function sniffPushWithPubPeers(extraArgs: string[]): Promise<string> {
  const push = new zmq.Push({ linger: 0 });
  const publishers: zmq.Publisher[] = [];
  try {
    await push.bind('tcp://127.0.0.1:*');
    const { child, done } = run(['sniff', '--listen', 'tcp://127.0.0.1:0', '--target', push.lastEndpoint!, ...extraArgs]);
    try {
      const listen = await sniffListenEndpoint(child);
      for (let i = 0; i < 2; i++) {
        const publisher = new zmq.Publisher({ linger: 0 });
        publishers.push(publisher);
        publisher.connect(listen);
      }
      // Long enough for the handshakes, the refusals and a few reconnects.
      await new Promise((resolve) => setTimeout(resolve, 700));
      child.kill('SIGINT');
      const { code, stdout } = await done;
      assert.equal(code, 0);
      return stdout;
    } finally {
      child.kill('SIGKILL');
    }
  } finally {
    publishers.forEach((publisher) => publisher.close());
    push.close();
  }
}

describe('zmq-inspector CLI diagnostics', function () {
  this.timeout(20_000);

  it('sniff --json in front of a PUSH with PUB peers prints diagnostic lines for rule 1, the final count last, before the summary', async () => {
    const lines = jsonLines(await sniffPushWithPubPeers(['--json']));
    const diagnostics = lines.filter((line) => line.type === 'diagnostic');
    assert.ok(diagnostics.length >= 1, 'at least one diagnostic line');
    assert.ok(diagnostics.every((line) => line.id === 'socket-types:sniffer'), 'all about the one cause');
    const last = diagnostics.at(-1)!;
    assert.deepEqual([last.rule, last.ruleNumber, last.title, last.severity], ['socket-types', 1, 'Incompatible socket types', 'error']);
    assert.match(String(last.message), /PUB sockets accept only SUB or XSUB peers|PUSH sockets accept only PULL peers/);
    const refused = lines.filter((line) => line.type === 'close' && line.reason !== 'stopped').length;
    assert.ok(Number(last.count) >= 2 && Number(last.count) <= refused, `count ${String(last.count)}: one per refused connection (${refused} closed)`);
    const counts = diagnostics.map((line) => Number(line.count));
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'counts only grow');
    const refs = last.refs as Record<string, unknown>[];
    assert.ok(refs.length >= 2 && refs.every((ref) => typeof ref.conn === 'number' && ref.sniffer === last.sniffer));
    assert.match(String(last.sniffer), /^tcp:\/\/127\.0\.0\.1:\d+$/, 'the sniffer named by its listen endpoint');
    for (const field of ['time', 'firstSeen', 'lastSeen']) assert.ok(!Number.isNaN(Date.parse(String(last[field]))), field);
    assert.equal(lines.at(-1)!.type, 'summary');
    assert.ok(lines.indexOf(last) < lines.length - 1);
  });

  it('sniff without --json prints a human line: time, sniffer, severity, [rule] message (count; connections)', async () => {
    const stdout = await sniffPushWithPubPeers([]);
    const line = stdout.split('\n').find((text) => text.includes('[1 Incompatible socket types]'));
    assert.ok(line, stdout);
    assert.match(line, /^\d\d:\d\d:\d\d\.\d{3} {2}tcp:\/\/127\.0\.0\.1:\d+ +error +\[1 Incompatible socket types\] .*(cannot talk|closed the connection as soon as)/);
    assert.match(line, /\(×\d+; #\d+( #\d+)*( …)?\)$/);
  });

  it('sniff --quiet prints only the final diagnosis and the summary', async () => {
    const stdout = await sniffPushWithPubPeers(['--quiet']);
    const lines = stdout.trim().split('\n');
    assert.match(lines[0], /error +\[1 Incompatible socket types\]/);
    assert.match(lines[1], /^summary: /);
    assert.equal(lines.filter((line) => line.includes('[1 Incompatible')).length, 1);
  });

  it('a healthy demo prints no diagnostic', async () => {
    const { code, stdout } = await run(['demo', 'hello', '--json', '--count', '3', '--rate', '0']).done;
    assert.equal(code, 0, stdout);
    const lines = jsonLines(stdout);
    assert.deepEqual(
      lines.filter((line) => line.type === 'diagnostic'),
      [],
    );
    assert.equal(lines.at(-1)!.ok, true);
  });
});
