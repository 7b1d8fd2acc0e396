import { strict as assert } from 'node:assert';
import { CaptureStore } from '../../extension/inspector/store';
import { Feed, frame, frontend, message, ping, plainHello, subscribe } from './fixtures';

function storeWithFeed(options: ConstructorParameters<typeof CaptureStore>[0] = {}): { store: CaptureStore; feed: Feed } {
  const store = new CaptureStore(options);
  return { store, feed: new Feed((source, event) => store.ingest(source, event)) };
}

describe('CaptureStore', () => {
  it('keeps at most `capacity` rows, drops the oldest first and counts what it dropped', () => {
    const { store, feed } = storeWithFeed({ capacity: 100 });
    feed.handshake(frontend, 1, 'REQ', 'REP');
    for (let i = 0; i < 250; i++) feed.zmtp(frontend, 1, 'c2s', message('', `request ${i}`));
    const counts = store.counts();
    assert.equal(counts.stored, 100);
    assert.equal(counts.captured, 255);
    assert.equal(counts.evicted, 155);
    assert.equal(store.summary(store.firstSeq - 1), undefined, 'an evicted row is gone');
    assert.equal(store.summary(store.endSeq - 1)?.preview, '∅ · request 249');
    assert.equal(store.summary(store.firstSeq)?.preview, '∅ · request 150');
  });

  it('summarises a row with socket types from READY, flags, size and frame count', () => {
    const { store, feed } = storeWithFeed();
    feed.handshake(frontend, 1, 'REQ', 'REP');
    feed.zmtp(frontend, 1, 's2c', message('', 'World'));
    const row = store.summary(store.endSeq - 1);
    assert.ok(row);
    assert.equal(row.kind, 'message');
    assert.equal(row.dir, 's2c');
    assert.equal(row.sender, 'REP');
    assert.equal(row.receiver, 'REQ');
    assert.equal(row.flags, 0x01, 'first frame (the delimiter) has MORE');
    assert.equal(row.size, 5);
    assert.equal(row.frames, 2);
    assert.equal(row.conn, 'sniffer-1#1');
    assert.equal(row.connLabel, 'frontend #1');
    const readyRow = store.summary(store.endSeq - 2);
    assert.equal(readyRow?.kind, 'command');
    assert.equal(readyRow?.name, 'READY');
    assert.match(readyRow?.preview ?? '', /Socket-Type=REP/);
  });

  it('shows line breaks and tabs as symbols on one line, and other control characters, binary or invalid UTF-8 as hex', () => {
    const { store, feed } = storeWithFeed();
    feed.handshake(frontend, 1, 'PUSH', 'PULL');
    feed.zmtp(frontend, 1, 'c2s', message('line1\r\nline2\tend'));
    feed.zmtp(frontend, 1, 'c2s', message('bell\u0007'));
    feed.zmtp(frontend, 1, 'c2s', message(new Uint8Array([0xff, 0xfe, 0x00, 0x01])));
    assert.equal(store.summary(store.endSeq - 3)?.preview, 'line1␍␊line2␉end');
    assert.equal(store.summary(store.endSeq - 2)?.preview, '0x 62 65 6c 6c 07');
    assert.equal(store.summary(store.endSeq - 1)?.preview, '0x ff fe 00 01');
  });

  it('cuts long previews to the preview length (64 bytes by default) and marks them', () => {
    const { store, feed } = storeWithFeed();
    feed.handshake(frontend, 1, 'PUB', 'SUB');
    feed.zmtp(frontend, 1, 'c2s', message('x'.repeat(10_000)));
    const row = store.summary(store.endSeq - 1);
    assert.ok(row);
    assert.equal(store.previewLength, 64);
    assert.equal(row.preview, `${'x'.repeat(63)}…`, 'one byte of the 64 counts the frame, as in the stored preview');
  });

  describe('preview length (the zmqInspector.previewBytes setting)', () => {
    const long = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

    it('takes the preview length from the options, for row and frame previews', () => {
      const { store, feed } = storeWithFeed({ previewBytes: 200 });
      feed.handshake(frontend, 1, 'DEALER', 'ROUTER');
      feed.zmtp(frontend, 1, 'c2s', message('', long(1000)));
      assert.equal(store.summary(store.endSeq - 1)?.preview, `∅ · ${long(198)}…`, 'two frames take 200 bytes: 1 + 0, then 1 + 198');
      const listed = store.frameSummaries(store.endSeq - 1, 10).frames.map((f) => f.preview);
      assert.deepEqual(listed, ['', `${long(200)}…`]);
    });

    it('setPreviewBytes applies to every row shown from then on, and starts a new view generation', () => {
      const { store, feed } = storeWithFeed();
      feed.handshake(frontend, 1, 'PUSH', 'PULL');
      feed.zmtp(frontend, 1, 'c2s', message(long(5000)));
      const view = store.createView({});
      const generation = view.generation;
      let changes = 0;
      store.onChange(() => (changes += 1));

      store.setPreviewBytes(1000);
      assert.equal(store.previewLength, 1000);
      assert.equal(store.summary(store.endSeq - 1)?.preview, `${long(999)}…`);
      assert.equal(store.frameSummaries(store.endSeq - 1, 1).frames[0].preview, `${long(1000)}…`);
      assert.notEqual(view.generation, generation, 'the webview must fetch its rows again');
      assert.equal(changes, 1);

      store.setPreviewBytes(8);
      assert.equal(store.summary(store.endSeq - 1)?.preview, `${long(7)}…`);
      feed.zmtp(frontend, 1, 'c2s', message('short'));
      assert.equal(store.summary(store.endSeq - 1)?.preview, 'short', 'a payload that fits is not marked');
      const changesBefore = changes;
      store.setPreviewBytes(8);
      assert.equal(changes, changesBefore, 'setting the same length again changes nothing');
    });

    it('shows hex previews and command topics within the preview length', () => {
      const { store, feed } = storeWithFeed({ previewBytes: 8 });
      feed.handshake(frontend, 1, 'SUB', 'PUB');
      feed.zmtp(frontend, 1, 'c2s', message(new Uint8Array(100).fill(0xfe)));
      assert.equal(store.summary(store.endSeq - 1)?.preview, `0x ${'fe '.repeat(6)}fe…`);
      feed.zmtp(frontend, 1, 'c2s', subscribe('weather.zurich'));
      assert.equal(store.summary(store.endSeq - 1)?.preview, 'topic weather.…');
    });

    it('falls back to the short preview stored with the row once its details are released', () => {
      const { store, feed } = storeWithFeed({ previewBytes: 1000, detailBudgetBytes: 2 << 20, detailBytesPerRow: 100_000 });
      feed.handshake(frontend, 1, 'PUSH', 'PULL');
      for (let i = 0; i < 60; i++) feed.zmtp(frontend, 1, 'c2s', message(long(150_000)));
      assert.equal(store.summary(store.endSeq - 1)?.preview, `${long(999)}…`);
      const released = store.summary(store.endSeq - 60)?.preview ?? '';
      assert.equal(released, `${long(47)}…`, 'the 48 bytes every row keeps');
    });

    it('refuses lengths outside 8 to 4096 bytes and says which', () => {
      const store = new CaptureStore();
      for (const bad of [7, 4097, 1.5, Number.NaN]) {
        assert.throws(() => store.setPreviewBytes(bad), { name: 'RangeError', message: new RegExp(`previewBytes must be a whole number from 8 to 4096, got ${bad}`) });
      }
      assert.throws(() => new CaptureStore({ previewBytes: 0 }), /previewBytes must be a whole number from 8 to 4096, got 0/);
      assert.equal(store.previewLength, 64, 'a refused length leaves the old one');
    });
  });

  it('keeps message bytes for details within the per-row limit and releases the oldest details past the budget', () => {
    const { store, feed } = storeWithFeed({ detailBudgetBytes: 2 << 20, detailBytesPerRow: 100_000 });
    feed.handshake(frontend, 1, 'PUSH', 'PULL');
    const big = new Uint8Array(150_000).fill(0x41);
    for (let i = 0; i < 60; i++) feed.zmtp(frontend, 1, 'c2s', message(big));
    const newest = store.detail(store.endSeq - 1);
    assert.ok(newest);
    assert.equal(newest.frames.length, 1);
    assert.equal(newest.frames[0].retained, 100_000, 'kept the first 100,000 bytes');
    assert.equal(newest.frames[0].size, 150_000);
    assert.equal(newest.row.truncated, true);
    const oldestMessage = store.detail(store.endSeq - 60);
    assert.ok(oldestMessage);
    assert.equal(oldestMessage.frames.length, 0, 'the oldest detail was released');
    assert.match(oldestMessage.notes.join(' '), /released/);
    assert.equal(oldestMessage.row.preview.slice(0, 5), 'AAAAA', 'the summary and preview stay');
    assert.ok(store.retainedBytes < 4 << 20, `store holds ${store.retainedBytes} bytes`);
  });

  it('holds bounded memory however many rows pass through', () => {
    const { store, feed } = storeWithFeed({ capacity: 1000, detailBudgetBytes: 2 << 20 });
    feed.handshake(frontend, 1, 'DEALER', 'ROUTER');
    const payload = new Uint8Array(500);
    for (let i = 0; i < 5000; i++) {
      feed.zmtp(frontend, 1, 'c2s', message(payload));
      feed.zmtp(frontend, 1, 's2c', ping(100));
    }
    const after10k = store.retainedBytes;
    for (let i = 0; i < 20000; i++) {
      feed.zmtp(frontend, 1, 'c2s', message(payload));
      feed.zmtp(frontend, 1, 's2c', ping(100));
    }
    assert.equal(store.counts().stored, 1000);
    assert.equal(store.retainedBytes, after10k, 'memory did not grow with 40,000 more rows');
    assert.equal(store.topology.byHandle.size, 1, 'one connection record');
  });

  it('copies bytes so rows keep no view on the network chunk, and masks a PLAIN password in the bytes too', () => {
    const { store, feed } = storeWithFeed();
    feed.open(frontend, 1);
    const chunk = new TextEncoder().encode('payload-in-a-chunk');
    feed.zmtp(frontend, 1, 'c2s', { kind: 'message', offset: 0, size: 7, frames: [frame(chunk.subarray(0, 7))] });
    chunk.fill(0x3f);
    const messageDetail = store.detail(store.endSeq - 1);
    assert.equal(Buffer.from(messageDetail?.frames[0].body ?? '', 'base64').toString(), 'payload');
    feed.zmtp(frontend, 1, 'c2s', plainHello('admin', 'secret'));
    const hello = store.detail(store.endSeq - 1);
    assert.ok(hello);
    const body = Buffer.from(hello.frames[0].body, 'base64').toString('latin1');
    assert.ok(!body.includes('secret'), `the password bytes are masked: ${body}`);
    assert.ok(body.includes('admin'));
    assert.ok(hello.fields.some((f) => f.label === 'Password' && f.value === '(masked)'));
  });

  it('changes capacity keeping the newest rows', () => {
    const { store, feed } = storeWithFeed({ capacity: 1000 });
    feed.handshake(frontend, 1, 'PUB', 'SUB');
    for (let i = 0; i < 800; i++) feed.zmtp(frontend, 1, 'c2s', message(`m${i}`));
    store.setCapacity(200);
    assert.equal(store.counts().stored, 200);
    assert.equal(store.summary(store.endSeq - 1)?.preview, 'm799');
    assert.equal(store.summary(store.firstSeq)?.preview, 'm600');
    for (let i = 0; i < 300; i++) feed.zmtp(frontend, 1, 'c2s', message(`n${i}`));
    assert.equal(store.counts().stored, 200);
    assert.equal(store.summary(store.firstSeq)?.preview, 'n100');
    assert.throws(() => store.setCapacity(5), /capacity must be a whole number from 100/);
  });

  it('refuses bad options with a message that names the option and the range', () => {
    assert.throws(() => new CaptureStore({ capacity: 0 }), /capacity must be a whole number from 100 to 10000000, got 0/);
    assert.throws(() => new CaptureStore({ detailBytesPerRow: 5 << 20 }), /detailBytesPerRow must be/);
  });

  it('Clear drops rows and closed connections, keeps open ones, and keeps sequence numbers increasing', () => {
    const { store, feed } = storeWithFeed();
    feed.handshake(frontend, 1, 'REQ', 'REP');
    feed.handshake(frontend, 2, 'REQ', 'REP');
    feed.close(frontend, 2);
    const before = store.endSeq;
    store.clear();
    assert.equal(store.counts().stored, 0);
    assert.equal(store.topology.snapshot().edges.map((e) => e.id).join(), 'sniffer-1#1');
    feed.zmtp(frontend, 1, 'c2s', subscribe('weather'));
    assert.equal(store.firstSeq, before);
    assert.equal(store.summary(before)?.preview, 'topic weather');
  });

  it('Pause stops recording rows but keeps learning the topology', () => {
    const { store, feed } = storeWithFeed();
    feed.open(frontend, 1);
    store.setPaused(true);
    feed.handshake(frontend, 2, 'SUB', 'PUB');
    feed.zmtp(frontend, 2, 's2c', message('tick'));
    assert.equal(store.counts().stored, 1);
    assert.equal(store.counts().droppedWhilePaused, 6);
    const edge = store.topology.snapshot().edges.find((e) => e.id === 'sniffer-1#2');
    assert.equal(edge?.state, 'open');
    assert.equal(edge?.s2c.messages, 1);
    store.setPaused(false);
    feed.zmtp(frontend, 2, 's2c', message('tock'));
    assert.equal(store.counts().stored, 2);
  });

  it('records relay errors and decode errors as error rows', () => {
    const { store, feed } = storeWithFeed();
    feed.open(frontend, 1);
    store.ingest(frontend, { type: 'relay-error', time: 1, message: 'target refused the connection <b>' });
    feed.zmtp(frontend, 1, 'c2s', { kind: 'error', offset: 3, reason: 'bad signature byte 0x41', fatal: true });
    const relay = store.summary(store.endSeq - 2);
    assert.equal(relay?.kind, 'error');
    assert.equal(relay?.preview, 'target refused the connection <b>');
    const decode = store.detail(store.endSeq - 1);
    assert.ok(decode?.fields.some((f) => f.label === 'Decoding' && /stopped/.test(f.value)));
    assert.equal(store.topology.snapshot().edges[0].state, 'failed');
  });
});
