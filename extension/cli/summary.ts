// The closing summary: per connection, messages, bytes and rates.
import type { ConnectionSummary } from '../sniffer/stats';
import { formatBytes } from './humanLine';
import type { JsonObject } from './jsonEvent';

export function summaryJson(connections: ConnectionSummary[], extra: JsonObject = {}): JsonObject {
  return {
    type: 'summary',
    time: new Date().toISOString(),
    connections: connections.map((c) => ({
      conn: c.conn,
      sniffer: c.sniffer,
      socketTypes: c.socketTypes,
      messages: c.messages,
      bytes: c.bytes,
      errors: c.errors,
      seconds: +(c.durationMs / 1000).toFixed(3),
      messagesPerSecond: +c.messageRate.toFixed(1),
      bytesPerSecond: Math.round(c.byteRate),
    })),
    ...extra,
  };
}

export function summaryLines(connections: ConnectionSummary[]): string[] {
  if (connections.length === 0) return ['summary: no connections'];
  const totalMessages = connections.reduce((n, c) => n + c.messages.c2s + c.messages.s2c, 0);
  const totalBytes = connections.reduce((n, c) => n + c.bytes.c2s + c.bytes.s2c, 0);
  const lines = [`summary: ${connections.length} connection${connections.length === 1 ? '' : 's'}, ${totalMessages} messages, ${formatBytes(totalBytes)}`];
  for (const c of connections) {
    const types = `${c.socketTypes.c2s ?? '?'} -> ${c.socketTypes.s2c ?? '?'}`;
    lines.push(
      `  #${c.conn} ${c.sniffer} ${types}: messages c2s ${c.messages.c2s} / s2c ${c.messages.s2c}, ` +
        `bytes c2s ${formatBytes(c.bytes.c2s)} / s2c ${formatBytes(c.bytes.s2c)}, ` +
        `${c.messageRate.toFixed(1)} msg/s, ${formatBytes(Math.round(c.byteRate))}/s over ${(c.durationMs / 1000).toFixed(2)} s` +
        `${c.errors ? `, ${c.errors} decode errors` : ''}${c.open ? '' : ' (closed)'}`,
    );
  }
  return lines;
}
