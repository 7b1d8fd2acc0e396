// TrafficRecording (what Save Capture… writes): connection ids of several origins renumbered into
// one sequence, connections open across a Clear restated as joined, and a capture cut by the
// memory budget that says so. Records are replayed through the real decoder to check them.
import { strict as assert } from 'node:assert';
import { CaptureReplayer, type CaptureRecord } from '../../extension/capture';
import { SourceRenamer, TrafficRecording } from '../../extension/vscode/captureRecording';

const greeting = Buffer.concat([Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0]), Buffer.from('NULL'), Buffer.alloc(16), Buffer.from([0]), Buffer.alloc(31)]);
const ready = (type: string) => {
  const property = Buffer.concat([Buffer.from([11]), Buffer.from('Socket-Type'), Buffer.from([0, 0, 0, type.length]), Buffer.from(type)]);
  const body = Buffer.concat([Buffer.from([5]), Buffer.from('READY'), property]);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
};
const message = (text: string) => Buffer.concat([Buffer.from([0x01, 0, 0x00, text.length]), Buffer.from(text)]);

const source = (id: string) => ({ id, name: id, listen: `tcp://127.0.0.1:${id.length + 5000}`, target: 'tcp://127.0.0.1:6000' });

/** A sniffer's life: open, both greetings and READYs, one request each way. */
function talk(recording: TrafficRecording, id: string, conn: number, text: string): void {
  const { recorder } = recording.recorderFor(source(id));
  recorder.event({ type: 'open', conn, time: 1, peer: '127.0.0.1:40000', listen: source(id).listen, target: source(id).target });
  recorder.data(conn, 'c2s', Buffer.concat([greeting, ready('REQ'), message(text)]));
  recorder.data(conn, 's2c', Buffer.concat([greeting, ready('REP'), message(`${text} back`)]));
  recorder.event({ type: 'close', conn, time: 2, reason: 'end', bytes: { c2s: 0, s2c: 0 } });
}

function replayed(records: CaptureRecord[]): { messages: string[]; errors: string[]; warnings: string[] } {
  const messages: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const replayer = new CaptureReplayer(
    (event, from) => {
      if (event.type === 'relay-error') errors.push(event.message);
      if (event.type === 'zmtp' && event.event.kind === 'message') messages.push(`${from.id}: ${Buffer.from(event.event.frames.at(-1)?.body ?? []).toString()}`);
    },
    { onWarning: (warning) => warnings.push(warning) },
  );
  for (const record of records) replayer.write(record);
  replayer.finish();
  return { messages, errors, warnings };
}

describe('TrafficRecording', () => {
  it('renumbers the connections of sniffers that each count from 1, so both replay', () => {
    const recording = new TrafficRecording();
    talk(recording, 'hello-1/server', 1, 'first');
    talk(recording, 'hello-2/server', 1, 'second');
    const records = recording.snapshot();
    const opened = records.filter((record) => record.type === 'open').map((record) => record.type === 'open' && [record.conn, record.source]);
    assert.deepEqual(opened, [
      [1, 'hello-1/server'],
      [2, 'hello-2/server'],
    ]);
    const { messages, warnings } = replayed(records);
    assert.deepEqual(messages, ['hello-1/server: first', 'hello-1/server: first back', 'hello-2/server: second', 'hello-2/server: second back']);
    assert.deepEqual(warnings, []);
    assert.equal(recording.cut, false);
  });

  it('restates a connection open across a clear as joined mid-way, so its later bytes still decode', () => {
    const recording = new TrafficRecording();
    const { recorder } = recording.recorderFor(source('s'));
    recorder.event({ type: 'open', conn: 7, time: 1, peer: '127.0.0.1:40000', listen: 'tcp://127.0.0.1:5001', target: 'tcp://127.0.0.1:6000' });
    recorder.data(7, 'c2s', Buffer.concat([greeting, ready('DEALER')]));
    recording.clear();
    for (let index = 0; index < 4; index++) recorder.data(7, 'c2s', message(`after clear ${index}`));
    const records = recording.snapshot();
    const open = records.find((record) => record.type === 'open');
    assert.ok(open?.type === 'open' && open.joined === true && open.conn === 1, JSON.stringify(open));
    const { messages, warnings } = replayed(records);
    assert.ok(messages.includes('s: after clear 3'), JSON.stringify(messages));
    assert.deepEqual(warnings, []);
  });

  it('keeps the newest traffic within the budget, and a cut capture says so first', () => {
    const recording = new TrafficRecording(64 * 1024);
    const { recorder } = recording.recorderFor(source('big'));
    recorder.event({ type: 'open', conn: 1, time: 1, peer: '127.0.0.1:40000', listen: 'tcp://127.0.0.1:5003', target: 'tcp://127.0.0.1:6000' });
    recorder.data(1, 'c2s', Buffer.concat([greeting, ready('PUSH')]));
    for (let index = 0; index < 100; index++) recorder.data(1, 'c2s', message(`chunk ${index}`.padEnd(200, '.')));
    assert.equal(recording.cut, false);
    for (let index = 0; index < 400; index++) recorder.data(1, 'c2s', message(`late ${index}`.padEnd(250, '.')));
    assert.equal(recording.cut, true);
    assert.ok(recording.retainedBytes <= 64 * 1024);
    const { errors, messages } = replayed(recording.snapshot());
    assert.match(errors[0] ?? '', /this capture is cut: only the newest 0\.06 MiB/);
    assert.ok(messages.at(-1)?.startsWith('big: late 399'), 'the newest message was not kept');
    assert.ok(!messages.some((text) => text.startsWith('big: chunk')), 'the oldest messages were kept');
    recording.clear();
    assert.equal(recording.cut, false);
  });

  it('renames the sources of an opened file under its prefix and copies the bytes it keeps', () => {
    const recording = new TrafficRecording();
    const renamer = new SourceRenamer('open-1', 'hello.jsonl');
    const { sink } = recording.sinkFor(renamer.id);
    const chunk = Buffer.from('abc');
    sink.write({ type: 'source', source: source('s') });
    sink.write({ type: 'open', conn: 4, time: 1, source: 's', peer: 'ipc', listen: 'ipc:///x', target: 'ipc:///x' });
    sink.write({ type: 'data', conn: 4, time: 2, dir: 'c2s', bytes: chunk });
    chunk.fill(0);
    const records = recording.snapshot();
    assert.deepEqual(records.map((record) => record.type), ['source', 'open', 'data']);
    assert.equal(records[0].type === 'source' && records[0].source.id, 'open-1/s');
    assert.equal(records[2].type === 'data' && records[2].bytes.toString(), 'abc');
    assert.deepEqual(renamer.of(source('s')), { ...source('s'), id: 'open-1/s', name: 'hello.jsonl: s' });
  });
});
