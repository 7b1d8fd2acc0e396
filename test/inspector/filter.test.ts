import { strict as assert } from 'node:assert';
import type { RowFilter } from '../../extension/protocol';
import { CaptureStore } from '../../extension/inspector/store';
import type { FilteredView } from '../../extension/inspector/view';
import { backend, Feed, frontend, message, ping, subscribe } from './fixtures';

/** Two connections: REQ→REP on the frontend, PUB←SUB on the backend, with some traffic each. */
function capture(capacity = 1000): CaptureStore {
  const store = new CaptureStore({ capacity });
  const feed = new Feed((source, event) => store.ingest(source, event));
  feed.handshake(frontend, 1, 'REQ', 'REP');
  feed.handshake(backend, 1, 'SUB', 'PUB');
  feed.zmtp(backend, 1, 'c2s', subscribe('weather.'));
  for (let i = 0; i < 5; i++) {
    feed.zmtp(frontend, 1, 'c2s', message('', `Hello ${i}`));
    feed.zmtp(frontend, 1, 's2c', message('', `World ${i}`));
    feed.zmtp(backend, 1, 's2c', message(`weather.zurich`, `{"t": ${20 + i}}`));
  }
  feed.zmtp(backend, 1, 's2c', ping(30));
  return store;
}

function previews(store: CaptureStore, view: FilteredView): string[] {
  while (view.scan(1000));
  const out: string[] = [];
  for (let i = 0; i < view.length; i++) out.push(store.summary(view.seqAt(view.base + i) as number)?.preview ?? '?');
  return out;
}

function filtered(filter: RowFilter, store = capture()): string[] {
  return previews(store, store.createView(filter));
}

describe('Row filters', () => {
  it('passes everything without a filter, and then needs no index', () => {
    const store = capture();
    const view = store.createView({});
    assert.equal(view.filtered, false);
    assert.equal(view.length, store.counts().stored);
  });

  it('filters by direction and by commands vs data', () => {
    assert.deepEqual(filtered({ directions: ['s2c'], kinds: 'data', connections: ['sniffer-1#1'] }), ['∅ · World 0', '∅ · World 1', '∅ · World 2', '∅ · World 3', '∅ · World 4']);
    const commands = filtered({ kinds: 'commands', connections: ['sniffer-2#1'] });
    assert.deepEqual(commands, ['Socket-Type=SUB', 'Socket-Type=PUB', 'topic weather.', 'ttl 3.0 s']);
  });

  it('matches text in any frame, ignoring case unless asked', () => {
    assert.equal(filtered({ text: 'hello' }).length, 5);
    assert.equal(filtered({ text: 'hello', caseSensitive: true }).length, 0);
    assert.deepEqual(filtered({ text: '"t": 22' }), ['weather.zurich · {"t": 22}']);
    assert.deepEqual(filtered({ text: 'WEATHER.', kinds: 'commands' }), ['topic weather.']);
  });

  it('matches regular expressions, and reports an invalid one instead of failing', () => {
    assert.deepEqual(filtered({ text: 'World [34]$', regex: true }), ['∅ · World 3', '∅ · World 4']);
    const store = capture();
    const view = store.createView({ text: 'World (', regex: true });
    assert.match(view.info().filterError ?? '', /^Invalid regular expression: .*Fix the pattern or turn off "Regex"/);
    assert.equal(view.length, 0);
  });

  it('filters by socket type of sender or receiver, and by topology node', () => {
    assert.equal(filtered({ socketTypes: ['PUB'], kinds: 'data' }).length, 5);
    assert.equal(filtered({ socketTypes: ['REQ'], kinds: 'data' }).length, 10);
    const byNode = filtered({ node: 'bound:tcp://127.0.0.1:5556', kinds: 'data' });
    assert.equal(byNode.length, 5);
    assert.ok(byNode.every((p) => p.startsWith('weather.zurich')));
  });

  it('applies a new filter in slices while rows keep arriving, missing none', () => {
    const store = new CaptureStore({ capacity: 10_000 });
    const feed = new Feed((source, event) => store.ingest(source, event));
    feed.handshake(frontend, 1, 'PUSH', 'PULL');
    for (let i = 0; i < 3000; i++) feed.zmtp(frontend, 1, 'c2s', message(i % 3 === 0 ? `fizz ${i}` : `other ${i}`));
    const view = store.createView({ text: 'fizz' });
    assert.equal(view.scanning, true);
    view.scan(1000);
    for (let i = 3000; i < 3300; i++) feed.zmtp(frontend, 1, 'c2s', message(i % 3 === 0 ? `fizz ${i}` : `other ${i}`));
    while (view.scan(500));
    assert.equal(view.scanning, false);
    assert.equal(view.length, 1100);
    for (let i = 3300; i < 3303; i++) feed.zmtp(frontend, 1, 'c2s', message(i % 3 === 0 ? `fizz ${i}` : `other ${i}`));
    assert.equal(view.length, 1101, 'a caught-up view takes new rows at once');
    const ordinals = [view.base, view.base + view.length - 1].map((o) => store.summary(view.seqAt(o) as number)?.preview);
    assert.deepEqual(ordinals, ['fizz 0', 'fizz 3300']);
  });

  it('moves the view base as matching rows are evicted, so ordinals keep naming the same rows', () => {
    const store = new CaptureStore({ capacity: 100 });
    const feed = new Feed((source, event) => store.ingest(source, event));
    feed.handshake(frontend, 1, 'PUSH', 'PULL');
    const view = store.createView({ text: 'even' });
    while (view.scan(1000));
    for (let i = 0; i < 100; i++) feed.zmtp(frontend, 1, 'c2s', message(i % 2 === 0 ? `even ${i}` : `odd ${i}`));
    const ordinal = view.base + 30;
    const named = store.summary(view.seqAt(ordinal) as number)?.preview;
    for (let i = 100; i < 140; i++) feed.zmtp(frontend, 1, 'c2s', message(i % 2 === 0 ? `even ${i}` : `odd ${i}`));
    assert.ok(view.base > 0, 'matches were evicted');
    assert.equal(store.summary(view.seqAt(ordinal) as number)?.preview, named);
    assert.equal(view.length, 50);
    assert.equal(view.ordinalOf(view.seqAt(ordinal) as number), ordinal);
  });
});
