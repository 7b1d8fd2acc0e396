// What every rule gets: settings, timers that die with the diagnostician, a way to report, and the
// shared views of the wire and of the sockets the extension runs.
import type { Timers } from '../clock';
import type { Report } from '../diagnosticList';
import type { HostSocket, HostSockets } from '../hostSockets';
import type { DiagnosticSettings, HostSocketEvent } from '../types';
import type { WireRule, WireTable } from '../wire';

export interface RuleContext {
  readonly settings: DiagnosticSettings;
  readonly timers: Timers;
  /** The diagnostician's clock, for reports made by timers. */
  now(): number;
  report(report: Report): void;
  readonly wire: WireTable;
  readonly hosts: HostSockets;
  /** True when a sniffer listens on or forwards to this endpoint, so the wire rules see its traffic. */
  isSniffed(endpoint: string): boolean;
}

export interface HostRule {
  /** `socket` is the socket's state after the event was applied. */
  onHost?(event: HostSocketEvent, socket: HostSocket): void;
}

export type Rule = WireRule & HostRule;

export type RuleFactory = (context: RuleContext) => Rule;
