import { strict as assert } from 'node:assert';
import { CaptureStore } from '../../extension/inspector/store';
import { MAX_CLOSED_EDGES, MAX_EDGES_SHOWN } from '../../extension/inspector/topology';
import { backend, Feed, frontend, greeting, message, ready } from './fixtures';

function setup(): { store: CaptureStore; feed: Feed } {
  const store = new CaptureStore();
  return { store, feed: new Feed((source, event) => store.ingest(source, event)) };
}

describe('Topology model', () => {
  it('learns nodes, socket types and identities from READY, and edges from connections', () => {
    const { store, feed } = setup();
    feed.open(frontend, 1, '127.0.0.1:50001');
    feed.zmtp(frontend, 1, 'c2s', greeting());
    feed.zmtp(frontend, 1, 's2c', greeting());
    assert.equal(store.topology.snapshot().edges[0].state, 'handshaking');
    feed.zmtp(frontend, 1, 'c2s', ready('DEALER', 'worker-1'));
    feed.zmtp(frontend, 1, 's2c', ready('ROUTER'));
    const { nodes, edges } = store.topology.snapshot();
    assert.deepEqual(
      nodes.map((n) => [n.id, n.role, n.socketType, n.endpoint, n.identity, n.live]),
      [
        ['bound:tcp://127.0.0.1:5555', 'bound', 'ROUTER', 'tcp://127.0.0.1:5555', undefined, true],
        ['peer:sniffer-1#1', 'connecting', 'DEALER', '127.0.0.1:50001', 'worker-1', true],
      ],
    );
    assert.equal(edges.length, 1);
    assert.deepEqual([edges[0].from, edges[0].to, edges[0].state, edges[0].version, edges[0].mechanism], ['peer:sniffer-1#1', 'bound:tcp://127.0.0.1:5555', 'open', '3.1', 'NULL']);
    assert.match(edges[0].label, /DEALER → ROUTER/);
  });

  it('counts messages and bytes per direction and turns counts into rates', () => {
    const { store, feed } = setup();
    feed.handshake(frontend, 1, 'PUSH', 'PULL');
    store.topology.sampleRates(1000);
    for (let i = 0; i < 50; i++) feed.zmtp(frontend, 1, 'c2s', message('12345'));
    store.topology.sampleRates(1500);
    const edge = store.topology.snapshot().edges[0];
    assert.equal(edge.c2s.messages, 50);
    assert.equal(edge.c2s.bytes, 250);
    assert.equal(edge.s2c.messages, 0);
    assert.equal(edge.c2s.rate, 100, '50 messages in half a second');
    store.topology.sampleRates(2000);
    assert.equal(store.topology.snapshot().edges[0].c2s.rate, 50, 'the window spans the last two samples');
    store.topology.sampleRates(2500);
    assert.equal(store.topology.snapshot().edges[0].c2s.rate, 0, 'the rate is zero a second after traffic stops');
  });

  it('marks a normal close closed, a close during the handshake failed, and an ERROR failed', () => {
    const { store, feed } = setup();
    feed.handshake(frontend, 1, 'REQ', 'REP');
    feed.close(frontend, 1);
    feed.open(frontend, 2);
    feed.zmtp(frontend, 2, 'c2s', greeting());
    feed.close(frontend, 2);
    feed.open(backend, 3);
    feed.zmtp(backend, 3, 's2c', { kind: 'command', offset: 64, name: 'ERROR', size: 10, body: new Uint8Array(10), reason: '400' });
    const states = Object.fromEntries(store.topology.snapshot().edges.map((e) => [e.id, [e.state, e.detail]]));
    assert.deepEqual(states['sniffer-1#1'], ['closed', 'closed by a peer']);
    assert.equal(states['sniffer-1#2'][0], 'failed');
    assert.match(states['sniffer-1#2'][1] as string, /during the handshake/);
    assert.deepEqual(states['sniffer-2#3'], ['failed', 'peer sent ERROR 400']);
    const bound = store.topology.snapshot().nodes.find((n) => n.id === 'bound:tcp://127.0.0.1:5555');
    assert.equal(bound?.live, false, 'no open connection is left on the frontend');
  });

  it('keeps a bounded number of closed connections, dropping the oldest and their peers', () => {
    const { store, feed } = setup();
    for (let conn = 1; conn <= MAX_CLOSED_EDGES + 30; conn++) {
      feed.open(frontend, conn);
      feed.close(frontend, conn);
    }
    feed.open(frontend, 999);
    const { nodes, edges } = store.topology.snapshot();
    assert.equal(edges.length, MAX_CLOSED_EDGES + 1);
    assert.ok(!edges.some((e) => e.id === 'sniffer-1#1'), 'the oldest closed connection is gone');
    assert.ok(edges.some((e) => e.id === 'sniffer-1#999'));
    assert.equal(nodes.length, MAX_CLOSED_EDGES + 2, 'one peer per edge plus the bound node');
  });

  it('sends at most MAX_EDGES_SHOWN edges, counting the rest, and only the peers of the edges it sends', () => {
    const { store, feed } = setup();
    for (let conn = 1; conn <= MAX_EDGES_SHOWN + 50; conn++) feed.open(frontend, conn);
    const { nodes, edges, hiddenEdges } = store.topology.snapshot();
    assert.equal(edges.length, MAX_EDGES_SHOWN);
    assert.equal(hiddenEdges, 50);
    assert.equal(nodes.length, MAX_EDGES_SHOWN + 1);
    assert.ok(edges.some((e) => e.id === `sniffer-1#${MAX_EDGES_SHOWN + 50}`), 'the newest connections are shown');
  });

  it('reports only what changed since a version, including removals', () => {
    const { store, feed } = setup();
    feed.handshake(frontend, 1, 'REQ', 'REP');
    const since = store.topology.version;
    feed.handshake(backend, 1, 'SUB', 'PUB');
    feed.zmtp(frontend, 1, 'c2s', message('hi'));
    const delta = store.topology.delta(since);
    assert.ok(delta);
    assert.deepEqual(delta.edges.map((e) => e.id).sort(), ['sniffer-1#1', 'sniffer-2#1']);
    assert.deepEqual(delta.nodes.map((n) => n.id).sort(), ['bound:tcp://127.0.0.1:5556', 'peer:sniffer-2#1']);
    const beforeClear = store.topology.version;
    feed.close(backend, 1);
    store.clear();
    const afterClear = store.topology.delta(beforeClear);
    assert.deepEqual(afterClear?.removedEdges, ['sniffer-2#1']);
    assert.deepEqual(afterClear?.removedNodes, ['peer:sniffer-2#1']);
  });
});
