import { strict as assert } from 'node:assert';
import { BreakpointError, BreakpointSet } from '../../extension/breakpoints/breakpointSet';
import { describeCondition, formatCondition, MAX_CONDITION_LENGTH, parseCondition, type BreakpointCondition } from '../../extension/breakpoints/breakpointText';

/** Asserts that `text` is refused with a message naming `word` at `column` and listing the keys. */
function refused(text: string, word: string, column: number, reason: RegExp): void {
  assert.throws(
    () => parseCondition(text),
    (error: Error) => {
      assert.ok(error instanceof BreakpointError, `${JSON.stringify(text)} threw ${error.name}, not a BreakpointError`);
      assert.ok(error.message.startsWith(`${JSON.stringify(word)} at column ${column} `), `${JSON.stringify(text)}: ${error.message}`);
      assert.match(error.message, reason);
      assert.match(error.message, /the keys are conn:, type:, dir:, topic:, cmd:, hits:, sniffer: and \/regex\/ for the payload/);
      return true;
    },
  );
}

describe('breakpoint condition text', () => {
  it('parses every key into the BreakpointSpec fields', () => {
    assert.deepEqual(parseCondition('topic:10001 dir:c2s type:PUB'), { topicPrefix: '10001', dir: 'c2s', socketType: 'PUB' });
    assert.deepEqual(parseCondition('cmd:subscribe conn:3 hits:5'), { command: 'SUBSCRIBE', conn: 3, hitCount: 5 });
    assert.deepEqual(parseCondition('  /Hello.*/  TYPE:xpub\tdir:s2c '), { payload: 'Hello.*', socketType: 'XPUB', dir: 's2c' });
    assert.deepEqual(parseCondition('topic:"a b" /x y/'), { topicPrefix: 'a b', payload: 'x y' });
    assert.deepEqual(parseCondition('topic:"say \\"hi\\" \\\\o/"'), { topicPrefix: 'say "hi" \\o/' });
    assert.deepEqual(parseCondition('topic:a"b'), { topicPrefix: 'a"b' }, 'a quote inside an unquoted value is part of it');
  });

  it('names one sniffer\'s connection the way the inspector\'s rows do, or any sniffer\'s by number alone', () => {
    assert.deepEqual(parseCondition('conn:tasks#2'), { sniffer: 'tasks', conn: 2 });
    assert.deepEqual(parseCondition('conn:"tasks #2"'), { sniffer: 'tasks', conn: 2 }, 'the row label, quoted');
    assert.deepEqual(parseCondition('conn:"my sniffer#2"'), { sniffer: 'my sniffer', conn: 2 });
    assert.deepEqual(parseCondition('conn:tcp://127.0.0.1:5555#1'), { sniffer: 'tcp://127.0.0.1:5555', conn: 1 }, 'a sniffer named after its endpoint');
    assert.deepEqual(parseCondition('conn:a#b#3'), { sniffer: 'a#b', conn: 3 }, 'the number follows the last #');
    assert.deepEqual(parseCondition('conn:Tasks#2'), { sniffer: 'Tasks', conn: 2 }, 'names keep their case');
    assert.deepEqual(parseCondition('conn:3'), { conn: 3 });
    assert.deepEqual(parseCondition('sniffer:tasks'), { sniffer: 'tasks' });
    assert.deepEqual(parseCondition('sniffer:"my sniffer" cmd:PING'), { sniffer: 'my sniffer', command: 'PING' });
    assert.deepEqual(parseCondition('sniffer:tasks conn:2'), { sniffer: 'tasks', conn: 2 }, 'sniffer: with a bare conn: is the same connection');
  });

  it('formats a named connection as the shortest form that reads back the same', () => {
    assert.equal(formatCondition(parseCondition('dir:c2s conn:"tasks #2"')), 'conn:tasks#2 dir:c2s');
    assert.equal(formatCondition(parseCondition('hits:2 sniffer:tasks conn:2')), 'conn:tasks#2 hits:2');
    assert.equal(formatCondition(parseCondition('dir:s2c sniffer:tasks')), 'sniffer:tasks dir:s2c');
    assert.equal(formatCondition({ sniffer: 'my sniffer', conn: 4 }), 'conn:"my sniffer#4"');
  });

  it('reads a regular expression the way JavaScript does: \\/ and [/] do not end it', () => {
    assert.deepEqual(parseCondition('/a\\/b/'), { payload: 'a/b' });
    assert.deepEqual(parseCondition('/[/]x/ hits:2'), { payload: '[/]x', hitCount: 2 });
    assert.deepEqual(parseCondition('/\\d+\\\\/'), { payload: '\\d+\\\\' });
    const { payload } = parseCondition('/^GET \\/index/');
    assert.ok(new RegExp(payload ?? '').test('GET /index.html'));
  });

  it('formats in one canonical order, so format(parse(text)) tidies the text', () => {
    assert.equal(formatCondition(parseCondition('hits:5 /Hello.*/ TYPE:pub  topic:10001 dir:c2s conn:3')), 'conn:3 type:PUB dir:c2s topic:10001 /Hello.*/ hits:5');
    assert.equal(formatCondition(parseCondition('cmd:ping')), 'cmd:PING');
  });

  it('round-trips canonical texts exactly', () => {
    const texts = ['conn:3 type:PUB dir:c2s topic:10001 /Hello.*/ hits:5', 'conn:tasks#2 cmd:SUBSCRIBE', 'conn:"my sniffer#1"', 'sniffer:tasks', 'sniffer:"two words" dir:c2s', 'cmd:SUBSCRIBE', 'topic:"a b"', 'topic:"\\"quoted"', 'topic:"tab\\\\\there"', '/a\\/b [/] c/', '/x/', 'hits:1', 'type:ROUTER dir:s2c'];
    for (const text of texts) assert.equal(formatCondition(parseCondition(text)), text);
  });

  it('round-trips specs: parse(format(spec)) gives the spec back', () => {
    const specs: BreakpointCondition[] = [
      { topicPrefix: '10001', dir: 'c2s', socketType: 'PUB' },
      { command: 'SUBSCRIBE', conn: 7, hitCount: 2 },
      { sniffer: 'tasks', conn: 2 },
      { sniffer: 'tasks #2', conn: 1 },
      { sniffer: '"quoted" \\ name', conn: 12 },
      { sniffer: 'a#b#3', dir: 's2c' },
      { sniffer: '42' },
      { sniffer: '7', conn: 8 },
      { topicPrefix: ' spaced "and quoted" \\ ' },
      { topicPrefix: '"' },
      { payload: 'path/to/[/]file' },
      { payload: '^Hello (server|client)$' },
    ];
    for (const spec of specs) assert.deepEqual(parseCondition(formatCondition(spec)), spec, formatCondition(spec));
  });

  it('describes a condition in words for the tooltip', () => {
    assert.equal(describeCondition(parseCondition('topic:10001 dir:c2s type:PUB hits:3')), 'Holds traffic at data messages whose first frame starts with "10001" sent by a PUB socket from client to server, from match 3 on.');
    assert.equal(describeCondition(parseCondition('cmd:PING conn:2')), 'Holds traffic at PING commands on connection 2 of any sniffer.');
    assert.equal(describeCondition(parseCondition('conn:tasks#2')), 'Holds traffic at data messages on connection "tasks #2".');
    assert.equal(describeCondition(parseCondition('sniffer:tasks dir:c2s')), 'Holds traffic at data messages from client to server on every connection of sniffer "tasks".');
  });

  it('refuses each bad word, naming it, its column and the accepted keys', () => {
    refused('topic:1 foo', 'foo', 9, /is not a key:value pair or a \/regex\//);
    refused('size:3', 'size:3', 1, /has the unknown key "size"/);
    refused('dir:c2s topic:', 'topic:', 9, /has no value after topic:/);
    refused('topic:""', 'topic:""', 1, /has an empty value after topic:/);
    refused('topic:"a b', 'topic:"a b', 1, /opens a quote that is not closed/);
    refused('topic:"a"b', 'topic:"a"b', 1, /goes on after its closing quote/);
    refused('conn:0', 'conn:0', 1, /needs a connection after conn:; write n, a whole number >= 1,/);
    refused('dir:c2s conn:tasks', 'conn:tasks', 9, /needs a connection after conn:; write n, a whole number >= 1, for any sniffer's connection n \(conn:3\), or .*\(conn:tasks#2, conn:"tasks #2", conn:"my sniffer#2"\)/);
    refused('conn:#2', 'conn:#2', 1, /needs a connection after conn:/);
    refused('conn:tasks#0', 'conn:tasks#0', 1, /needs a connection after conn:/);
    refused('conn:tasks#', 'conn:tasks#', 1, /needs a connection after conn:/);
    refused('conn:" #2"', 'conn:" #2"', 1, /needs a connection after conn:/);
    refused('sniffer:" "', 'sniffer:" "', 1, /needs a sniffer's name after sniffer:/);
    refused('sniffer:a conn:b#2', 'conn:b#2', 11, /names a sniffer, but "a" was named already; name it once: conn:tasks#2 alone, or sniffer:tasks with conn:2/);
    refused('conn:b#2 sniffer:a', 'sniffer:a', 10, /names a sniffer, but "b" was named already/);
    refused('hits:-2', 'hits:-2', 1, /needs a whole number >= 1 after hits:/);
    refused('hits:99999999999999999999', 'hits:99999999999999999999', 1, /whole number/);
    refused('conn:1.5', 'conn:1.5', 1, /whole number/);
    refused('type:PUBLISHER', 'type:PUBLISHER', 1, /names no socket type; use one of PAIR, PUB, SUB/);
    refused('dir:in', 'dir:in', 1, /needs c2s \(client to server\) or s2c/);
    refused('cmd:"two words"', 'cmd:"two words"', 1, /needs a command name such as SUBSCRIBE/);
    refused('topic:a topic:b', 'topic:b', 9, /repeats topic: \(first given at column 1\)/);
    refused('/a/ /b/', '/b/', 5, /repeats the payload expression/);
    refused('topic:1 cmd:PING', 'cmd:PING', 9, /gives both topic: .* and cmd:/);
    refused('/Hello', '/Hello', 1, /opens a payload expression that is not closed/);
    refused('/hello/i', '/hello/i', 1, /flags are not supported/);
    refused('//', '//', 1, /is an empty expression/);
    refused('/(unclosed/', '/(unclosed/', 1, /is not a valid regular expression \(.*\)/);
  });

  it('shortens a long bad word in the message', () => {
    const long = `x${'y'.repeat(200)}`;
    assert.throws(() => parseCondition(long), (error: Error) => error.message.startsWith(`${JSON.stringify(long.slice(0, 60) + '…')} at column 1 `));
  });

  it('refuses an empty or overlong condition, saying what to write', () => {
    for (const text of ['', '   \t ']) assert.throws(() => parseCondition(text), (error: Error) => error instanceof BreakpointError && /empty; hits:1 holds at every data message.*the keys are/.test(error.message));
    assert.throws(() => parseCondition(`topic:${'a'.repeat(MAX_CONDITION_LENGTH)}`), (error: Error) => error instanceof BreakpointError && /keep it under 1000/.test(error.message));
  });

  it('gives the BreakpointSet a spec it accepts', () => {
    const set = new BreakpointSet();
    const text = 'conn:3 type:PUB dir:c2s topic:10001 /Hello.*/ hits:5';
    const state = set.add({ id: 'b1', ...parseCondition(text) });
    assert.equal(formatCondition(state), text, 'id, enabled and hits are not part of the text');
    for (const named of ['conn:" tasks  #2 "', 'sniffer:" tasks "']) {
      const { sniffer } = set.add({ id: named, ...parseCondition(named) });
      assert.equal(sniffer, 'tasks', `${named}: the spaces around the name are not part of it`);
    }
  });

  it('never throws anything but a BreakpointError on random strings', () => {
    // Characters make mostly junk; whole words make conditions that often parse.
    const characters = [...'topic:/\\" [](){}*+?1hdcs\n\té', '\u{1F600}', '\ud800'];
    const words = ['topic:1', 'topic:"a b"', 'cmd:PING', 'conn:2', 'conn:t#2', 'conn:"a b #3"', 'conn:#', 'sniffer:t', 'sniffer:"a b"', 'hits:3', 'dir:c2s', 'type:pub', '/a.b/', '/[/]/', '/(/', 'topic:', '"', '/', ' ', ' ', 'x'];
    let seed = 12345;
    const random = (below: number) => {
      // A fixed linear congruential sequence: a failure names the input and reproduces.
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    let parsed = 0;
    for (let round = 0; round < 5000; round++) {
      const pieces = round % 2 === 0 ? characters : words;
      const text = Array.from({ length: random(12) }, () => pieces[random(pieces.length)]).join('');
      try {
        const condition = parseCondition(text);
        parsed++;
        assert.deepEqual(parseCondition(formatCondition(condition)), condition, `round trip of ${JSON.stringify(text)}`);
      } catch (error) {
        if (!(error instanceof BreakpointError)) throw new Error(`${JSON.stringify(text)} threw ${String(error)}`);
      }
    }
    assert.ok(parsed > 100, `only ${parsed} of 5000 random strings parsed; the generator no longer exercises the happy path`);
  });
});
