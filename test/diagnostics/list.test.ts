// The diagnosis list on its own: one entry per cause, bounded evidence and entries, batched
// notifications, and settings that refuse nonsense.
import { strict as assert } from 'node:assert';
import { Timers } from '../../extension/diagnostics/clock';
import { DiagnosticList, type Report } from '../../extension/diagnostics/diagnosticList';
import { Diagnostician } from '../../extension/diagnostics/diagnostician';
import { tallyBySniffer } from '../../extension/diagnostics/tally';
import { DEFAULT_SETTINGS, resolveSettings, type Diagnostic } from '../../extension/diagnostics/types';
import { ManualClock } from './manualClock';

function listWith(overrides: Partial<typeof DEFAULT_SETTINGS> = {}) {
  const clock = new ManualClock();
  const timers = new Timers(clock);
  const errors: unknown[] = [];
  const list = new DiagnosticList(resolveSettings(overrides), timers, (error) => errors.push(error));
  const batches: Diagnostic[][] = [];
  list.onChange((changed) => batches.push([...changed]));
  return { clock, timers, list, batches, errors };
}

const report = (cause: string, time: number, extra: Partial<Report> = {}): Report => ({
  rule: 'socket-types',
  cause,
  severity: 'error',
  message: `the message for ${cause}`,
  time,
  refs: [{ sniffer: 's', conn: time, time }],
  ...extra,
});

describe('diagnostics: the list', () => {
  it('keeps one entry per cause whose count, last-seen time and latest wording follow the reports', () => {
    const { list } = listWith();
    list.report(report('a', 10));
    list.report(report('a', 30, { message: 'the better wording', count: 4 }));
    list.report(report('a', 20));
    const [entry, ...others] = list.list();
    assert.deepEqual(others, []);
    assert.deepEqual(
      { id: entry.id, count: entry.count, firstSeen: entry.firstSeen, lastSeen: entry.lastSeen, message: entry.message, ruleNumber: entry.ruleNumber, title: entry.title },
      { id: 'socket-types:a', count: 6, firstSeen: 10, lastSeen: 30, message: 'The message for a', ruleNumber: 1, title: 'Incompatible socket types' },
    );
  });

  it('bounds the evidence: the first five and the latest refs stay, the rest are counted', () => {
    const { list } = listWith({ maxRefs: 8 });
    for (let i = 1; i <= 100; i++) list.report(report('loop', i));
    const [entry] = list.list();
    assert.deepEqual(
      entry.refs.map((ref) => ref.conn),
      [1, 2, 3, 4, 5, 98, 99, 100],
    );
    assert.equal(entry.refsOmitted, 92);
    assert.equal(entry.count, 100);
  });

  it('bounds the causes: past maxDiagnostics new causes are refused and counted, known ones still update', () => {
    const { list } = listWith({ maxDiagnostics: 3 });
    for (const cause of ['a', 'b', 'c', 'd', 'e']) list.report(report(cause, 1));
    list.report(report('a', 2));
    assert.deepEqual(
      list.list().map((entry) => [entry.id, entry.count]),
      [
        ['socket-types:a', 2],
        ['socket-types:b', 1],
        ['socket-types:c', 1],
      ],
    );
    assert.equal(list.omittedCauses, 2);
  });

  it('batches notifications: a flood of reports is one notification per interval, each cause once', () => {
    const { clock, list, batches } = listWith();
    for (let i = 0; i < 1000; i++) list.report(report(i % 2 ? 'odd' : 'even', i));
    assert.equal(batches.length, 0, 'nothing before the interval is over');
    clock.advance(DEFAULT_SETTINGS.notifyIntervalMs);
    assert.deepEqual(
      batches.map((batch) => batch.map((entry) => [entry.id, entry.count])),
      [
        [
          ['socket-types:even', 500],
          ['socket-types:odd', 500],
        ],
      ],
    );
    list.report(report('odd', 2000));
    list.flush();
    assert.deepEqual(batches[1].map((entry) => entry.count), [501], 'flush() sends at once');
    clock.advance(DEFAULT_SETTINGS.notifyIntervalMs);
    assert.equal(batches.length, 2, 'and nothing is sent twice');
  });

  it('orders errors, then warnings, then information, most recent first', () => {
    const { list } = listWith();
    list.report(report('old error', 1));
    list.report(report('info', 5, { severity: 'info', rule: 'heartbeat' }));
    list.report(report('warning', 3, { severity: 'warning', rule: 'no-subscription' }));
    list.report(report('new error', 4));
    assert.deepEqual(
      list.list().map((entry) => entry.id),
      ['socket-types:new error', 'socket-types:old error', 'no-subscription:warning', 'heartbeat:info'],
    );
  });

  it('a listener that throws is reported, and the others still hear the change', () => {
    const { list, batches, errors } = listWith();
    list.onChange(() => {
      throw new Error('listener bug');
    });
    list.report(report('a', 1));
    list.flush();
    assert.equal(batches.length, 1);
    assert.match(String(errors[0]), /listener bug/);
  });

  it('dispose() clears every timer it started', () => {
    const { clock, list } = listWith();
    list.report(report('a', 1));
    assert.equal(clock.timers, 1);
    list.dispose();
    assert.equal(clock.timers, 0);
  });

  it('tallies diagnoses per sniffer and per connection named in their evidence, for the tree view', () => {
    const { list } = listWith();
    list.report(report('loop', 1, { sniffer: 's', refs: [{ sniffer: 's', conn: 1, time: 1 }, { sniffer: 's', conn: 2, time: 1 }] }));
    list.report(report('loop', 2, { sniffer: 's', refs: [{ sniffer: 's', conn: 2, time: 2 }] }));
    list.report(report('slow', 3, { sniffer: 's', severity: 'warning', rule: 'no-subscription', refs: [{ sniffer: 's', conn: 2, time: 3 }] }));
    list.report(report('other', 4, { sniffer: 't', severity: 'info', rule: 'heartbeat', refs: [{ sniffer: 't', conn: 9, time: 4 }] }));
    list.report(report('host', 5, { socket: 'client', rule: 'ebusy', refs: [{ socket: 'client', time: 5 }] }));
    const tallies = tallyBySniffer(list.list());
    assert.deepEqual([...tallies.keys()].sort(), ['s', 't']);
    assert.deepEqual(tallies.get('s')!.bySeverity, { error: 1, warning: 1, info: 0 });
    assert.deepEqual([...tallies.get('s')!.byConnection].sort(), [
      [1, 1],
      [2, 2],
    ]);
    assert.deepEqual([...tallies.get('t')!.byConnection], [[9, 1]]);
  });

  it('settings that make no sense are refused with what was wrong and what is expected', () => {
    assert.throws(() => new Diagnostician({ settings: { replyTimeoutMs: -1 } }), /setting replyTimeoutMs must be a number >= 0 \(default 5000\), got -1/);
    assert.throws(() => new Diagnostician({ settings: { replyTimeout: 5 } as never }), /unknown setting "replyTimeout"; known settings: subscriptionWaitMs, /);
    assert.throws(() => new Diagnostician({ settings: { maxRefs: 1 } }), /maxRefs must be at least 2/);
  });

  it('a malformed event never throws into the sniffer: it is recorded as a problem', () => {
    const diagnostician = new Diagnostician({ clock: new ManualClock() });
    assert.doesNotThrow(() => diagnostician.ingest({ id: 's', name: 's' }, { type: 'zmtp', conn: 1, dir: 'c2s', time: 1, event: null } as never));
    assert.equal(diagnostician.problems.length, 1);
    assert.match(diagnostician.problems[0], /^ingesting a zmtp event failed: TypeError/);
    diagnostician.dispose();
  });

  it('a disposed diagnostician ignores what it is still given and keeps no timers', () => {
    const clock = new ManualClock();
    const diagnostician = new Diagnostician({ clock });
    diagnostician.dispose();
    diagnostician.ingest({ id: 's', name: 's' }, { type: 'open', conn: 1, time: 1, peer: 'p', listen: 'tcp://127.0.0.1:1', target: 'tcp://127.0.0.1:2' });
    diagnostician.ingestSocketEvent({ type: 'call-error', socket: 'x', time: 1, call: 'send', code: 'EBUSY', message: 'busy' });
    assert.deepEqual(diagnostician.list(), []);
    assert.equal(clock.timers, 0);
  });
});
