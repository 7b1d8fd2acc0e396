// The diagnostics engine: feed it sniffer events and the sockets the extension runs; it keeps one
// diagnosis per cause (see types.ts) and tells listeners what changed, in batches.
import type { Socket } from 'zeromq';
import type { SnifferEvent } from '../sniffer/types';
import { socketTypeName } from '../zmtp/socketTypes';
import type { Direction } from '../zmtp/types';
import { systemClock, Timers, type Clock } from './clock';
import { DiagnosticList, type ChangeListener } from './diagnosticList';
import { HostSockets, normalizeEndpoint } from './hostSockets';
import { backpressureRules } from './rules/backpressure';
import type { Rule, RuleContext } from './rules/context';
import { credentialRules } from './rules/credentials';
import { handshakeRules } from './rules/handshake';
import { handshakeFailureRules } from './rules/handshakeFailures';
import { heartbeatRules } from './rules/heartbeats';
import { hostCallRules } from './rules/hostCalls';
import { hostHandshakeRules } from './rules/hostHandshake';
import { publisherRules } from './rules/publisher';
import { requestReplyRules } from './rules/requestReply';
import { routingIdRules } from './rules/routingIds';
import { subscriptionRules } from './rules/subscriptions';
import { probeSocket, type SocketProbe } from './socketProbe';
import { resolveSettings, type Diagnostic, type DiagnosticSettings, type DiagnosticSource, type HostSocketEvent } from './types';
import { WireTable, type WireConnection } from './wire';

export interface DiagnosticianOptions {
  clock?: Clock;
  settings?: Partial<DiagnosticSettings>;
}

/** Open connections and sockets followed at once; beyond them events are ignored (and counted). */
const MAX_CONNECTIONS = 10_000;
const MAX_SOCKETS = 1000;
/** Sniffer endpoints remembered, to know which socket monitor reports the wire already covers. */
const MAX_ENDPOINTS = 4096;
const PROBLEMS_KEPT = 10;

export class Diagnostician {
  private readonly settings: DiagnosticSettings;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly diagnoses: DiagnosticList;
  private readonly wire = new WireTable(MAX_CONNECTIONS);
  private readonly hosts = new HostSockets(MAX_SOCKETS);
  private readonly sniffedEndpoints = new Set<string>();
  private readonly probes = new Map<Socket, SocketProbe<Socket>>();
  /** Each hook's handlers, collected once: dispatch runs per event and must stay cheap. */
  private readonly handlers: { [K in keyof Rule]-?: NonNullable<Rule[K]>[] };
  private readonly internalProblems: string[] = [];
  private socketsSeen = 0;
  private disposed = false;

  constructor(options: DiagnosticianOptions = {}) {
    this.settings = resolveSettings(options.settings);
    this.clock = options.clock ?? systemClock;
    this.timers = new Timers(this.clock);
    this.diagnoses = new DiagnosticList(this.settings, this.timers, (error) => this.problem('a change listener', error));
    const context: RuleContext = {
      settings: this.settings,
      timers: this.timers,
      now: () => this.clock.now(),
      report: (report) => this.diagnoses.report(report),
      wire: this.wire,
      hosts: this.hosts,
      isSniffed: (endpoint) => this.sniffedEndpoints.has(normalizeEndpoint(endpoint)),
    };
    const rules = [handshakeRules, handshakeFailureRules, credentialRules, subscriptionRules, publisherRules, requestReplyRules, heartbeatRules, routingIdRules, backpressureRules, hostCallRules, hostHandshakeRules].map((make) => make(context));
    const collect = <K extends keyof Rule>(hook: K) => rules.flatMap((rule) => (rule[hook] ? [rule[hook].bind(rule) as NonNullable<Rule[K]>] : []));
    this.handlers = {
      onOpen: collect('onOpen'),
      onGreeting: collect('onGreeting'),
      onSocketType: collect('onSocketType'),
      onCommand: collect('onCommand'),
      onMessage: collect('onMessage'),
      onClose: collect('onClose'),
      onBackpressure: collect('onBackpressure'),
      onHost: collect('onHost'),
    };
  }

  /** One event from a sniffer, in the order the sniffer reported it. Never throws because of the event. */
  ingest(source: DiagnosticSource, event: SnifferEvent): void {
    if (this.disposed || event.type === 'relay-error') return;
    try {
      this.follow(source, event);
    } catch (error) {
      this.problem(`ingesting a ${String(event.type)} event`, error);
    }
  }

  private follow(source: DiagnosticSource, event: Exclude<SnifferEvent, { type: 'relay-error' }>): void {
    // Traffic of a connection opened before this diagnostician existed is followed from there on;
    // a close or back-pressure report alone does not bring a connection back.
    const c = event.type === 'open' || event.type === 'zmtp' ? this.wire.get(source, event.conn, event.time) : this.wire.find(source.id, event.conn);
    if (!c) return;
    switch (event.type) {
      case 'open':
        Object.assign(c, { peer: event.peer, listen: event.listen, target: event.target });
        this.rememberEndpoints(event.listen, event.target);
        c.host = this.hosts.linkFor(c);
        c.host?.socket.links.add(c);
        return this.run('onOpen', c, event.time);
      case 'close':
        c.closedAt = event.time;
        c.closeReason = event.reason;
        c.closedBytes = event.bytes;
        this.run('onClose', c, event.time);
        c.host?.socket.links.delete(c);
        return this.wire.remove(c);
      case 'backpressure':
        c.noteBackpressure(event.dir, event.bufferedBytes);
        return this.run('onBackpressure', c, event.dir, event.bufferedBytes, event.time);
      case 'zmtp':
        return this.zmtp(c, event.dir, event.event, event.time);
    }
  }

  /**
   * Starts watching a socket the extension runs (see socketProbe.ts). Returns the socket to use
   * from now on: a proxy that reports its calls. Observe it right after creating it, before bind()
   * or connect(), so the diagnostics can tell which sniffed connections it is on.
   */
  observeSocket<T extends Socket>(socket: T, label?: string): T {
    if (socket.closed) throw new Error('Diagnostician.observeSocket: the socket is already closed; observe it right after creating it, before bind() or connect().');
    const known = this.probes.get(socket);
    if (known) return known.socket as T;
    if (this.disposed) return socket;
    const probe = probeSocket(socket, this.uniqueLabel(label ?? `${socketTypeName(socket.type)} socket`), (event) => {
      if (event.type === 'closed') this.probes.delete(socket);
      this.ingestSocketEvent(event);
    });
    this.probes.set(socket, probe);
    return probe.socket;
  }

  /** Stops watching a socket (given as created or as the proxy observeSocket returned). */
  unobserveSocket(socket: Socket): void {
    for (const [target, probe] of this.probes) {
      if (target !== socket && probe.socket !== socket) continue;
      probe.dispose();
      this.probes.delete(target);
    }
  }

  /** One event about a socket the extension runs, for wrappers other than observeSocket. */
  ingestSocketEvent(event: HostSocketEvent): void {
    if (this.disposed) return;
    const socket = this.hosts.update(event);
    if (!socket) return;
    this.run('onHost', event, socket);
  }

  onChange(listener: ChangeListener): () => void {
    return this.diagnoses.onChange(listener);
  }

  /** Every diagnosis so far: errors first, then warnings, then information. */
  list(): Diagnostic[] {
    return this.diagnoses.list();
  }

  /** Sends pending change notifications now. */
  flush(): void {
    this.diagnoses.flush();
  }

  /** Forgets every diagnosis (connections and sockets stay followed). */
  clear(): void {
    this.diagnoses.clear();
  }

  /** New causes refused because the list was full. */
  get omittedCauses(): number {
    return this.diagnoses.omittedCauses;
  }

  /** Rule failures caught so the sniffers keep running; empty unless there is a bug. */
  get problems(): readonly string[] {
    return this.internalProblems;
  }

  /** Stops every timer and probe; later events are ignored. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const probe of this.probes.values()) probe.dispose();
    this.probes.clear();
    this.timers.dispose();
    this.diagnoses.dispose();
    this.wire.clear();
    this.hosts.clear();
  }

  private zmtp(c: WireConnection, dir: Direction, event: Extract<SnifferEvent, { type: 'zmtp' }>['event'], time: number): void {
    switch (event.kind) {
      case 'greeting': {
        const typeBefore = c.socketType[dir];
        c.noteGreeting(dir, event, time);
        this.run('onGreeting', c, dir, event, time);
        if (c.socketType[dir] !== typeBefore) this.run('onSocketType', c, dir, time);
        return;
      }
      case 'command': {
        const typeBefore = c.socketType[dir];
        const identityBefore = c.identity[dir];
        c.noteCommand(dir, event, time);
        if (c.socketType[dir] !== typeBefore || c.identity[dir] !== identityBefore) this.run('onSocketType', c, dir, time);
        return this.run('onCommand', c, dir, event, time);
      }
      case 'message':
        c.messages[dir]++;
        return this.run('onMessage', c, dir, event, time);
    }
  }

  /** Runs one hook of every rule that has it; a rule that throws is recorded and the others still run. */
  private run<K extends keyof Rule>(hook: K, ...args: Parameters<NonNullable<Rule[K]>>): void {
    const handlers = this.handlers[hook] as ((...parameters: typeof args) => void)[];
    for (let i = 0; i < handlers.length; i++) {
      try {
        handlers[i](...args);
      } catch (error) {
        this.problem(`rule hook ${hook}`, error);
      }
    }
  }

  private problem(where: string, error: unknown): void {
    if (this.internalProblems.length < PROBLEMS_KEPT) this.internalProblems.push(`${where} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }

  private rememberEndpoints(...endpoints: string[]): void {
    for (const endpoint of endpoints) {
      if (this.sniffedEndpoints.size >= MAX_ENDPOINTS) this.sniffedEndpoints.clear();
      this.sniffedEndpoints.add(normalizeEndpoint(endpoint));
    }
  }

  private uniqueLabel(wanted: string): string {
    this.socketsSeen++;
    const taken = new Set([...this.probes.values()].map((probe) => probe.label));
    return taken.has(wanted) || wanted.endsWith(' socket') ? `${wanted} ${this.socketsSeen}` : wanted;
  }
}
