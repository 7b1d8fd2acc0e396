// Test rig for the diagnostics: real zeromq sockets behind the product Sniffer, every event fed to
// a Diagnostician on a manual clock, and one teardown that frees sockets, sniffers and timers.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { Diagnostician } from '../../extension/diagnostics/diagnostician';
import type { Diagnostic, DiagnosticSettings, DiagnosticSource, RuleId } from '../../extension/diagnostics/types';
import { Sniffer } from '../../extension/sniffer/sniffer';
import type { SnifferEvent } from '../../extension/sniffer/types';
import { waitUntil } from '../support/rawPeers';
import { ManualClock } from './manualClock';

export interface Rig {
  readonly clock: ManualClock;
  readonly diagnostician: Diagnostician;
  /** Every sniffer event, in order. */
  readonly events: SnifferEvent[];
  /** Registers a socket for teardown (linger 0). */
  socket<T extends zmq.Socket>(socket: T): T;
  /** As socket(), and the diagnostician watches it as a socket the extension runs: use the socket it returns. */
  observed<T extends zmq.Socket>(socket: T, label?: string): T;
  /** Starts a product Sniffer forwarding to `target`; returns its listen endpoint. */
  sniff(target: string, name?: string): Promise<string>;
  /** Binds `server` on loopback and puts a sniffer in front; returns where clients connect. */
  behindSniffer(server: zmq.Socket, name?: string): Promise<string>;
  /** Registers anything else to free at teardown. */
  onTeardown(release: () => unknown): void;
  /** Diagnostics so far (pending notifications flushed), optionally of one rule. */
  diagnostics(rule?: RuleId): Diagnostic[];
  /** Waits (real time) until a diagnostic of `rule` exists. */
  waitForDiagnostic(rule: RuleId, timeoutMs?: number): Promise<Diagnostic>;
  /** Waits until `predicate` holds for the recorded events. */
  until(what: string, predicate: (events: SnifferEvent[]) => boolean, timeoutMs?: number): Promise<void>;
}

export const zmtpEvents = (events: SnifferEvent[]) => events.flatMap((event) => (event.type === 'zmtp' ? [{ ...event.event, dir: event.dir, conn: event.conn }] : []));

export const countCommands = (events: SnifferEvent[], name: string) => zmtpEvents(events).filter((event) => event.kind === 'command' && event.name === name).length;

export const countMessages = (events: SnifferEvent[]) => zmtpEvents(events).filter((event) => event.kind === 'message').length;

/** Mocha hooks giving each test a fresh rig; teardown runs even when the test fails. */
export function useRig(settings: Partial<DiagnosticSettings> = {}): () => Rig {
  let current: { rig: Rig; teardown: () => Promise<void> } | undefined;
  beforeEach(() => (current = makeRig(settings)));
  afterEach(async function () {
    const rig = current?.rig;
    await current?.teardown();
    current = undefined;
    // Every diagnosis a failing test made helps to see why.
    if (this.currentTest?.state === 'failed' && rig) console.log(JSON.stringify(rig.diagnostics(), null, 2));
    if (rig) assert.deepEqual(rig.diagnostician.problems, [], 'no rule may throw');
  });
  return () => {
    if (!current) throw new Error('useRig(): the rig exists only inside a test');
    return current.rig;
  };
}

function makeRig(settings: Partial<DiagnosticSettings>): { rig: Rig; teardown: () => Promise<void> } {
  const clock = new ManualClock();
  const diagnostician = new Diagnostician({ clock, settings });
  const events: SnifferEvent[] = [];
  const releases: (() => unknown)[] = [];
  const sockets: zmq.Socket[] = [];
  const rig: Rig = {
    clock,
    diagnostician,
    events,
    socket(socket) {
      socket.linger = 0;
      sockets.push(socket);
      return socket;
    },
    observed(socket, label) {
      return rig.socket(diagnostician.observeSocket(socket, label));
    },
    async sniff(target, name = `sniffer-${releases.length + 1}`) {
      const source: DiagnosticSource = { id: name, name };
      const sniffer = await Sniffer.start({
        listen: 'tcp://127.0.0.1:0',
        target,
        name,
        onEvent: (event) => {
          events.push(event);
          diagnostician.ingest(source, event);
        },
      });
      releases.push(() => sniffer.stop());
      return sniffer.listenEndpoint;
    },
    async behindSniffer(server, name) {
      rig.socket(server);
      await server.bind('tcp://127.0.0.1:*');
      return rig.sniff(server.lastEndpoint!, name);
    },
    onTeardown(release) {
      releases.push(release);
    },
    diagnostics(rule) {
      diagnostician.flush();
      return diagnostician.list().filter((diagnostic) => rule === undefined || diagnostic.rule === rule);
    },
    async waitForDiagnostic(rule, timeoutMs = 10_000) {
      await waitUntil(() => rig.diagnostics(rule).length > 0, `a diagnostic of rule ${rule}`, timeoutMs);
      return rig.diagnostics(rule)[0];
    },
    until(what, predicate, timeoutMs = 10_000) {
      return waitUntil(() => predicate(events), what, timeoutMs);
    },
  };
  const teardown = async () => {
    for (const socket of sockets) socket.close();
    for (const release of releases.reverse()) await release();
    diagnostician.dispose();
    assert.equal(clock.timers, 0, 'dispose() clears every timer');
  };
  return { rig, teardown };
}
