// A sniffer is a relay plus one ZMTP decoder per connection: bytes are forwarded first,
// then decoded, so a decoding problem can never hold up or alter the traffic.
import { ConnectionDecoder } from '../zmtp/connectionDecoder';
import type { DecoderOptions, Direction } from '../zmtp/types';
import type { Endpoint } from './endpoint';
import { Relay } from './relay';
import type { RelayConnectionInfo, SnifferEvent } from './types';
import { ConnectionStats, type ConnectionSummary } from './stats';

export interface SnifferOptions {
  listen: string | Endpoint;
  target: string | Endpoint;
  /** A label for people: "tasks", "results", or the endpoint. */
  name?: string;
  decoder?: DecoderOptions;
  onEvent: (event: SnifferEvent) => void;
  /** Told every relayed chunk after it was decoded, e.g. to record a capture (extension/capture/recorder.ts); must not modify it. */
  onData?: (conn: number, dir: Direction, chunk: Buffer) => void;
  /** Share one id sequence between sniffers so connection ids are unique across them. */
  nextConnectionId?: () => number;
}

interface LiveConnection {
  decoder: ConnectionDecoder;
  stats: ConnectionStats;
}

export class Sniffer {
  private readonly live = new Map<number, LiveConnection>();
  private readonly finished: ConnectionSummary[] = [];
  private static readonly finishedKept = 1000;

  private relay!: Relay;

  private constructor(public name: string) {}

  static async start(options: SnifferOptions): Promise<Sniffer> {
    const sniffer = new Sniffer(options.name ?? '');
    const emit = options.onEvent;
    sniffer.relay = await Relay.start({
      listen: options.listen,
      target: options.target,
      nextConnectionId: options.nextConnectionId,
      onObserverError: (message) => emit({ type: 'relay-error', time: Date.now(), message }),
      onServerError: (message) => emit({ type: 'relay-error', time: Date.now(), message }),
      observer: {
        onOpen: (conn) => sniffer.open(conn, options.decoder, emit),
        onData: (conn, dir, chunk) => {
          sniffer.data(conn, dir, chunk);
          options.onData?.(conn.id, dir, chunk);
        },
        onBackpressure: (conn, dir, bufferedBytes) => emit({ type: 'backpressure', conn: conn.id, dir, time: Date.now(), bufferedBytes }),
        onClose: (conn, reason, detail, bytes) => {
          sniffer.retire(conn.id);
          emit({ type: 'close', conn: conn.id, time: Date.now(), reason, detail, bytes });
        },
      },
    });
    sniffer.name ||= sniffer.relay.listenEndpoint;
    return sniffer;
  }

  get listenEndpoint(): string {
    return this.relay.listenEndpoint;
  }

  get targetEndpoint(): string {
    return this.relay.targetEndpoint;
  }

  /** Per-connection counters: live ones first, then the most recently closed. */
  summaries(now = Date.now()): ConnectionSummary[] {
    return [...[...this.live.values()].map(({ stats }) => stats.summary(now)), ...this.finished];
  }

  stop(): Promise<void> {
    return this.relay.stop();
  }

  private open(conn: RelayConnectionInfo, decoderOptions: DecoderOptions | undefined, emit: (event: SnifferEvent) => void): void {
    const stats = new ConnectionStats(conn.id, this.name, Date.now());
    const decoder = new ConnectionDecoder((dir, event) => {
      stats.count(dir, event);
      emit({ type: 'zmtp', conn: conn.id, dir, time: Date.now(), event });
    }, decoderOptions);
    this.live.set(conn.id, { decoder, stats });
    emit({ type: 'open', conn: conn.id, time: Date.now(), peer: conn.peer, listen: conn.listen, target: conn.target });
  }

  private data(conn: RelayConnectionInfo, dir: Direction, chunk: Buffer): void {
    const live = this.live.get(conn.id);
    if (!live) return;
    live.stats.bytes[dir] += chunk.length;
    live.decoder.push(dir, chunk);
  }

  private retire(id: number): void {
    const live = this.live.get(id);
    if (!live) return;
    this.live.delete(id);
    live.stats.closedAt = Date.now();
    this.finished.unshift(live.stats.summary(live.stats.closedAt));
    if (this.finished.length > Sniffer.finishedKept) this.finished.length = Sniffer.finishedKept;
  }
}
