// Diagnostics in the CLI: a `diagnostic` JSON line (--json) or a human line when a diagnosis first
// appears and again each time its count has doubled, so a reconnect loop cannot flood the output;
// the final counts are printed before the summary. With --quiet only the final lines are printed.
import { styleText } from 'node:util';
import type { Socket } from 'zeromq';
import { Diagnostician, type DiagnosticianOptions } from '../diagnostics';
import type { Diagnostic, DiagnosticRef, DiagnosticSource, Severity } from '../diagnostics/types';
import type { SnifferEvent } from '../sniffer/types';
import type { CommonArgs } from './args';
import type { JsonObject } from './jsonEvent';

export interface CliDiagnostics {
  ingest(source: DiagnosticSource, event: SnifferEvent): void;
  /** For ExampleHooks.watchSocket: the example's sockets are watched too. */
  watchSocket<T extends Socket>(socket: T): T;
  /** Prints every diagnosis whose latest count was not printed yet, and stops the diagnostician. */
  finish(): void;
}

const SEVERITY_STYLE: Record<Severity, Parameters<typeof styleText>[0]> = { error: 'red', warning: 'yellow', info: 'blue' };
const iso = (time: number) => new Date(time).toISOString();

export function diagnosticJson(diagnostic: Diagnostic, snifferName: (id: string) => string): JsonObject {
  const ref = (r: DiagnosticRef): JsonObject => ({
    ...(r.sniffer !== undefined ? { sniffer: snifferName(r.sniffer) } : {}),
    ...(r.conn !== undefined ? { conn: r.conn } : {}),
    ...(r.dir !== undefined ? { dir: r.dir } : {}),
    ...(r.offset !== undefined ? { offset: r.offset } : {}),
    ...(r.socket !== undefined ? { socket: r.socket } : {}),
    time: iso(r.time),
  });
  return {
    type: 'diagnostic',
    time: iso(diagnostic.lastSeen),
    id: diagnostic.id,
    rule: diagnostic.rule,
    ruleNumber: diagnostic.ruleNumber,
    title: diagnostic.title,
    severity: diagnostic.severity,
    message: diagnostic.message,
    count: diagnostic.count,
    firstSeen: iso(diagnostic.firstSeen),
    lastSeen: iso(diagnostic.lastSeen),
    ...(diagnostic.sniffer !== undefined ? { sniffer: snifferName(diagnostic.sniffer) } : {}),
    ...(diagnostic.socket !== undefined ? { socket: diagnostic.socket } : {}),
    refs: diagnostic.refs.map(ref),
    ...(diagnostic.refsOmitted > 0 ? { refsOmitted: diagnostic.refsOmitted } : {}),
  };
}

/** Aligned like the event lines: time, where, severity, then "[rule] message (count; connections)". */
export function diagnosticLine(diagnostic: Diagnostic, snifferName: (id: string) => string, colour: boolean): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (colour ? styleText(style, text) : text);
  const where = diagnostic.sniffer !== undefined ? snifferName(diagnostic.sniffer) : (diagnostic.socket ?? '');
  const conns = [...new Set(diagnostic.refs.flatMap((ref) => (ref.conn !== undefined ? [`#${ref.conn}`] : [])))];
  const evidence = [`×${diagnostic.count}`, ...(conns.length > 0 ? [conns.join(' ') + (diagnostic.refsOmitted > 0 ? ' …' : '')] : [])].join('; ');
  const kind = paint(SEVERITY_STYLE[diagnostic.severity], diagnostic.severity.padEnd(10));
  return `${paint('gray', iso(diagnostic.lastSeen).slice(11, 23).padEnd(12))}  ${where.padEnd(12)}      ${kind} [${diagnostic.ruleNumber} ${diagnostic.title}] ${diagnostic.message} (${evidence})`;
}

export function startDiagnostics(args: CommonArgs, write: (line: string) => void, options: DiagnosticianOptions = {}): CliDiagnostics {
  const diagnostician = new Diagnostician(options);
  const names = new Map<string, string>();
  const printedCounts = new Map<string, number>();
  const colour = !args.json && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const snifferName = (id: string) => names.get(id) ?? id;
  const print = (diagnostic: Diagnostic) => {
    printedCounts.set(diagnostic.id, diagnostic.count);
    write(args.json ? JSON.stringify(diagnosticJson(diagnostic, snifferName)) : diagnosticLine(diagnostic, snifferName, colour));
  };
  if (!args.quiet) {
    diagnostician.onChange((changed) => {
      for (const diagnostic of changed) {
        const printed = printedCounts.get(diagnostic.id);
        if (printed === undefined || diagnostic.count >= 2 * printed) print(diagnostic);
      }
    });
  }
  return {
    ingest(source, event) {
      if (!names.has(source.id)) names.set(source.id, source.name);
      diagnostician.ingest(source, event);
    },
    watchSocket: (socket) => diagnostician.observeSocket(socket),
    finish() {
      diagnostician.flush();
      for (const diagnostic of diagnostician.list()) if (printedCounts.get(diagnostic.id) !== diagnostic.count) print(diagnostic);
      diagnostician.dispose();
    },
  };
}
