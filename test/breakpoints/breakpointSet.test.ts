import { strict as assert } from 'node:assert';
import { BreakpointError, BreakpointSet, type BreakpointSubject } from '../../extension/breakpoints/breakpointSet';
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import type { CommandEvent, Direction, MessageEvent } from '../../extension/zmtp/types';

/** Decodes a ZMTP 3.0 NULL stream from a `socketType` sender carrying `frames` as one message, then a SUBSCRIBE command. */
function decodedEvents(socketType: string, frames: string[]): (MessageEvent | CommandEvent)[] {
  const greeting = Buffer.alloc(64);
  greeting[0] = 0xff;
  greeting[9] = 0x7f;
  greeting[10] = 3;
  greeting.write('NULL', 12);
  const property = Buffer.concat([Buffer.from([11]), Buffer.from('Socket-Type'), Buffer.from([0, 0, 0, socketType.length]), Buffer.from(socketType)]);
  const ready = Buffer.concat([Buffer.from([4, 6 + property.length, 5]), Buffer.from('READY'), property]);
  const message = Buffer.concat(frames.map((frame, i) => Buffer.concat([Buffer.from([i < frames.length - 1 ? 1 : 0, frame.length]), Buffer.from(frame)])));
  const subscribe = Buffer.concat([Buffer.from([4, 12, 9]), Buffer.from('SUBSCRIBEab')]);
  const events: (MessageEvent | CommandEvent)[] = [];
  const decoder = new ConnectionDecoder((_dir, event) => {
    if ((event.kind === 'message' || event.kind === 'command') && !(event.kind === 'command' && event.name === 'READY')) events.push(event);
  });
  decoder.push('s2c', greeting);
  decoder.push('c2s', Buffer.concat([greeting, ready, message, subscribe]));
  return events;
}

const subject = (event: MessageEvent | CommandEvent, extra: { conn?: number; sniffer?: string; dir?: Direction; socketType?: string } = {}): BreakpointSubject => ({ conn: 1, sniffer: 'hello', dir: 'c2s', socketType: 'PUB', event, ...extra });

describe('BreakpointSet', () => {
  const [topic10001, subscribe] = decodedEvents('PUB', ['10001', 'price 42']);
  const [topic10002] = decodedEvents('PUB', ['10002', 'volume 7']);

  it('holds on a topic prefix and nothing else', () => {
    const set = new BreakpointSet([{ id: 'b1', topicPrefix: '10001' }]);
    assert.deepEqual(set.evaluate(subject(topic10001)), { id: 'b1', hits: 1 });
    assert.equal(set.evaluate(subject(topic10002)), undefined);
    assert.equal(set.evaluate(subject(subscribe)), undefined, 'a data-message breakpoint matched a command');
  });

  it('matches commands by name, and payloads by regular expression on any frame', () => {
    const set = new BreakpointSet([
      { id: 'sub', command: 'subscribe' },
      { id: 'price', payload: '^price \\d+$' },
    ]);
    assert.equal(set.evaluate(subject(subscribe))?.id, 'sub');
    assert.equal(set.evaluate(subject(topic10001))?.id, 'price');
    assert.equal(set.evaluate(subject(topic10002)), undefined);
  });

  it('filters on connection, direction and socket type', () => {
    const set = new BreakpointSet([{ id: 'b', conn: 2, dir: 's2c', socketType: 'xpub' }]);
    assert.equal(set.evaluate(subject(topic10001)), undefined);
    assert.equal(set.evaluate(subject(topic10001, { conn: 2, dir: 's2c', socketType: 'PUB' })), undefined);
    assert.equal(set.evaluate(subject(topic10001, { conn: 2, dir: 's2c', socketType: 'XPUB' }))?.id, 'b');
  });

  it('tells sniffers apart: conn alone is any sniffer\'s connection, sniffer names one (case included)', () => {
    const set = new BreakpointSet([
      { id: 'tasks #2', sniffer: 'tasks', conn: 2 },
      { id: 'any #3', conn: 3 },
      { id: 'all of results', sniffer: 'results' },
    ]);
    const hitOn = (sniffer: string | undefined, conn: number) => set.evaluate(subject(topic10001, { sniffer, conn }))?.id;
    assert.equal(hitOn('tasks', 2), 'tasks #2');
    assert.equal(hitOn('hello', 2), undefined, 'another sniffer\'s connection 2');
    assert.equal(hitOn('Tasks', 2), undefined, 'names are compared with their case');
    assert.equal(hitOn(undefined, 2), undefined, 'a connection of no named sniffer');
    assert.equal(hitOn('tasks', 1), undefined);
    assert.equal(hitOn('tasks', 3), 'any #3');
    assert.equal(hitOn('hello', 3), 'any #3');
    assert.equal(hitOn(undefined, 3), 'any #3');
    assert.equal(hitOn('results', 1), 'all of results');
    assert.equal(hitOn('results', 9), 'all of results');
    assert.deepEqual(set.list().map((state) => state.hits), [1, 3, 2]);
  });

  it('counts hits and holds from the hit count on; disabled breakpoints neither count nor hold', () => {
    const set = new BreakpointSet([{ id: 'third', topicPrefix: '1000', hitCount: 3 }]);
    assert.equal(set.evaluate(subject(topic10001)), undefined);
    assert.equal(set.evaluate(subject(topic10002)), undefined);
    assert.deepEqual(set.evaluate(subject(topic10001)), { id: 'third', hits: 3 });
    assert.deepEqual(set.evaluate(subject(topic10001)), { id: 'third', hits: 4 });
    set.setEnabled('third', false);
    assert.equal(set.evaluate(subject(topic10001)), undefined);
    assert.equal(set.list()[0].hits, 4);
  });

  it('round-trips through JSON without hit counts', () => {
    const set = new BreakpointSet([{ id: 'a', topicPrefix: '10001', hitCount: 2 }, { id: 'b', command: 'PING', enabled: false }, { id: 'c', sniffer: 'tasks', conn: 2 }, { id: 'd', sniffer: 'results' }]);
    set.evaluate(subject(topic10001));
    const saved = JSON.parse(JSON.stringify(set)) as unknown;
    assert.deepEqual(saved, [
      { id: 'a', topicPrefix: '10001', hitCount: 2, enabled: true },
      { id: 'b', command: 'PING', enabled: false },
      { id: 'c', sniffer: 'tasks', conn: 2, enabled: true },
      { id: 'd', sniffer: 'results', enabled: true },
    ]);
    const restored = BreakpointSet.fromJSON(saved);
    assert.deepEqual(restored.list().map((state) => [state.id, state.hits, state.enabled]), [['a', 0, true], ['b', 0, false], ['c', 0, true], ['d', 0, true]]);
    assert.deepEqual(restored.toJSON(), saved);
    assert.equal(restored.evaluate(subject(topic10002, { sniffer: 'tasks', conn: 2 }))?.id, 'c', 'the restored breakpoint still names its sniffer');
    assert.equal(restored.evaluate(subject(topic10002, { sniffer: 'hello', conn: 2 })), undefined);
  });

  it('tells listeners about adds, replaces, removes and enabling, not about hits', () => {
    const set = new BreakpointSet([{ id: 'a', topicPrefix: '1' }, { id: 'b', command: 'PING' }]);
    let changes = 0;
    const unsubscribe = set.onChange(() => changes++);
    set.evaluate(subject(topic10001));
    assert.equal(changes, 0, 'a hit is not a change');
    set.add({ id: 'c', payload: 'x' });
    set.setEnabled('c', false);
    set.setEnabled('c', false);
    assert.equal(changes, 2, 'setting the same enabled flag again is no change');
    const replaced = set.replace({ id: 'a', topicPrefix: '10002', enabled: false });
    assert.deepEqual([replaced.hits, replaced.enabled], [0, false]);
    assert.deepEqual(set.list().map((state) => state.id), ['a', 'b', 'c'], 'replace keeps the place in the list');
    assert.equal(set.get('a')?.topicPrefix, '10002');
    assert.equal(set.remove('b'), true);
    assert.equal(set.remove('b'), false);
    assert.equal(changes, 4);
    unsubscribe();
    set.remove('c');
    assert.equal(changes, 4);
    assert.throws(() => set.replace({ id: 'nope', topicPrefix: '1' }), /no breakpoint with id "nope"/);
  });

  it('restores what was saved, skipping the entries that are no longer valid', () => {
    const set = new BreakpointSet([{ id: 'taken', command: 'PING' }]);
    const problems = set.restore([{ id: 'a', topicPrefix: '1' }, { id: 'bad', payload: '(' }, { id: 'taken', topicPrefix: '2' }, 'junk', { id: 'b', dir: 's2c', enabled: false }, { id: 'named', sniffer: 'tasks', conn: 2 }, { id: 'unnamed', sniffer: '' }]);
    assert.deepEqual(set.list().map((state) => [state.id, state.enabled]), [['taken', true], ['a', true], ['b', false], ['named', true]]);
    assert.deepEqual([set.get('named')?.sniffer, set.get('named')?.conn], ['tasks', 2]);
    assert.equal(problems.length, 4);
    assert.match(problems[0], /"bad": payload "\(" is not a valid regular expression/);
    assert.match(problems[1], /id "taken" exists already/);
    assert.match(problems[2], /must be an object/);
    assert.match(problems[3], /"unnamed": sniffer must be a sniffer's name/);
    assert.deepEqual(new BreakpointSet().restore({ id: 'a' }), ['the saved value is {"id":"a"}, not a list of breakpoints']);
  });

  it('clears every breakpoint with one change', () => {
    const set = new BreakpointSet([{ id: 'a', topicPrefix: '1' }, { id: 'b', command: 'PING' }]);
    let changes = 0;
    set.onChange(() => changes++);
    set.clear();
    set.clear();
    assert.deepEqual([set.size, changes], [0, 1], 'clearing an empty set is no change');
  });

  it('refuses bad breakpoints, saying what is wrong', () => {
    const refused = (value: unknown, pattern: RegExp) => assert.throws(() => new BreakpointSet([value]), (error: Error) => error instanceof BreakpointError && pattern.test(error.message));
    refused('10001', /must be an object/);
    refused({ topicPrefix: '1' }, /needs an id/);
    refused({ id: 'x', payload: '(' }, /not a valid regular expression/);
    refused({ id: 'x', hitCount: 0 }, /hitCount must be a whole number >= 1/);
    refused({ id: 'x', dir: 'up' }, /dir must be "c2s" or "s2c"/);
    refused({ id: 'x', conn: 'tasks#2' }, /conn must be a whole number >= 1, got "tasks#2"/);
    refused({ id: 'x', sniffer: 2 }, /sniffer must be a string, got 2/);
    for (const name of ['', '  ', ' tasks', 'tasks\n']) refused({ id: 'x', sniffer: name }, /sniffer must be a sniffer's name as the inspector shows it, without spaces around it, got .*; leave sniffer out to match every sniffer/);
    refused({ id: 'x', topic: '1' }, /fields topic are not known/);
    refused({ id: 'x', command: 'PING', topicPrefix: '1' }, /give one of them/);
    assert.throws(() => new BreakpointSet([{ id: 'x' }, { id: 'x' }]), /exists already/);
    assert.throws(() => BreakpointSet.fromJSON({}), /JSON array/);
    assert.throws(() => new BreakpointSet().setEnabled('nope', true), /no breakpoint with id "nope"/);
  });
});
