// Counters kept per connection for summaries (CLI, tree view). Constant memory per connection.
import type { Direction, ZmtpEvent } from '../zmtp/types';

export interface ConnectionSummary {
  conn: number;
  sniffer: string;
  /** Socket types each side announced (READY Socket-Type or ZMTP 2.0 greeting). */
  socketTypes: Record<Direction, string | undefined>;
  messages: Record<Direction, number>;
  commands: Record<Direction, number>;
  bytes: Record<Direction, number>;
  errors: number;
  durationMs: number;
  /** Messages per second over the connection's life so far. */
  messageRate: number;
  /** Bytes per second over the connection's life so far. */
  byteRate: number;
  open: boolean;
}

const perDirection = <T>(value: T): Record<Direction, T> => ({ c2s: value, s2c: value });

export class ConnectionStats {
  readonly messages = perDirection(0);
  readonly commands = perDirection(0);
  readonly bytes = perDirection(0);
  readonly socketTypes = perDirection<string | undefined>(undefined);
  errors = 0;
  closedAt: number | undefined;

  constructor(
    readonly conn: number,
    readonly sniffer: string,
    readonly openedAt: number,
  ) {}

  count(dir: Direction, event: ZmtpEvent): void {
    switch (event.kind) {
      case 'message':
        this.messages[dir]++;
        break;
      case 'command':
        this.commands[dir]++;
        if (event.name === 'READY' || event.name === 'INITIATE') {
          const socketType = event.metadata?.find((entry) => entry.name.toLowerCase() === 'socket-type')?.text;
          if (socketType) this.socketTypes[dir] = socketType;
        }
        break;
      case 'greeting':
        if (event.socketType) this.socketTypes[dir] = event.socketType;
        break;
      case 'error':
        this.errors++;
        break;
    }
  }

  summary(now: number): ConnectionSummary {
    const end = this.closedAt ?? now;
    const seconds = Math.max((end - this.openedAt) / 1000, 1e-3);
    const messages = this.messages.c2s + this.messages.s2c;
    const bytes = this.bytes.c2s + this.bytes.s2c;
    return {
      conn: this.conn,
      sniffer: this.sniffer,
      socketTypes: { ...this.socketTypes },
      messages: { ...this.messages },
      commands: { ...this.commands },
      bytes: { ...this.bytes },
      errors: this.errors,
      durationMs: end - this.openedAt,
      messageRate: messages / seconds,
      byteRate: bytes / seconds,
      open: this.closedAt === undefined,
    };
  }
}
