// Command-line parsing with node's own parseArgs; every mistake becomes a UsageError (exit 2).
import { parseArgs } from 'node:util';
import { SAVE_EXTENSIONS, saveFormatFor } from '../capture/captureFile';
import type { PipelineForm } from '../examples/pipeline';

export class UsageError extends Error {}

export const usage = `Usage:
  zmq-inspector sniff --listen <endpoint> --target <endpoint> [--save <file.jsonl|file.pcapng>] [--json] [--quiet] [--preview N] [--reveal-passwords]
  zmq-inspector decode <file.pcap|file.pcapng|file.jsonl> [--port N]... [--json] [--quiet] [--preview N] [--reveal-passwords]
  zmq-inspector demo <hello|pipeline|pubsub> [--json] [--quiet] [--count N] [--rate N] [--workers N] [--form diagram|code] [--preview N]

Endpoints: tcp://host:port, a bare port for the listen side (loopback), ipc:///path.
  --listen    where your clients connect instead (binds 127.0.0.1 unless you name another address)
  --target    the real server endpoint the sniffer forwards to
  --json      JSON Lines, one object per event (schema in the README)
  --quiet     no line per event; only the summary at the end
  --preview   payload bytes shown per frame (default 64)
  --save      also record the relayed bytes to a capture file: ${SAVE_EXTENSIONS}
  --port      decode: treat connections to this server port as ZMTP even without a greeting (repeatable)
Capture files: pcap/pcapng from tcpdump, dumpcap or Wireshark (also gzip-compressed), or saved with --save.
Stop with Ctrl+C: a summary per connection is printed.`;

export interface CommonArgs {
  json: boolean;
  quiet: boolean;
  preview: number;
  revealPasswords: boolean;
}

export type CliCommand =
  | ({ command: 'sniff'; listen: string; target: string; save?: string } & CommonArgs)
  | ({ command: 'decode'; file: string; ports: number[] } & CommonArgs)
  | ({ command: 'demo'; example: 'hello' | 'pipeline' | 'pubsub'; count?: number; rate?: number; workers?: number; form?: PipelineForm } & CommonArgs)
  | { command: 'help' };

function whole(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, not "${text}"`);
  return value;
}

export function parseCli(argv: string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        listen: { type: 'string' },
        target: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        preview: { type: 'string' },
        'reveal-passwords': { type: 'boolean', default: false },
        count: { type: 'string' },
        rate: { type: 'string' },
        workers: { type: 'string' },
        form: { type: 'string' },
        save: { type: 'string' },
        port: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { command: 'help' };
  const common: CommonArgs = { json: values.json, quiet: values.quiet, preview: whole('preview', values.preview, 0) ?? 64, revealPasswords: values['reveal-passwords'] };
  const [command, ...rest] = positionals;
  switch (command) {
    case 'sniff':
      if (rest.length) throw new UsageError(`sniff takes no positional arguments (got "${rest.join(' ')}")`);
      if (!values.listen || !values.target) throw new UsageError('sniff needs both --listen <endpoint> (where clients connect) and --target <endpoint> (the real server)');
      if (values.save !== undefined && saveFormatFor(values.save) === undefined) throw new UsageError(`--save needs a file name ending in ${SAVE_EXTENSIONS}, not "${values.save}"`);
      if (values.port !== undefined) throw new UsageError('--port belongs to decode; sniff takes --listen and --target');
      return { command: 'sniff', listen: values.listen, target: values.target, ...(values.save !== undefined ? { save: values.save } : {}), ...common };
    case 'decode': {
      if (rest.length !== 1) throw new UsageError(`decode takes one capture file${rest.length ? ` (got "${rest.join(' ')}")` : ''}: a .pcap, .pcapng or .jsonl file`);
      if (values.save !== undefined) throw new UsageError('--save belongs to sniff; decode reads a file');
      const ports = (values.port ?? []).map((text) => {
        const port = whole('port', text, 1) as number;
        if (port > 65535) throw new UsageError(`--port must be a TCP port from 1 to 65535, not "${text}"`);
        return port;
      });
      return { command: 'decode', file: rest[0], ports, ...common };
    }
    case 'demo': {
      const example = rest[0];
      if (example !== 'hello' && example !== 'pipeline' && example !== 'pubsub') throw new UsageError(`demo needs one of hello, pipeline, pubsub${example ? ` (got "${example}")` : ''}`);
      if (rest.length > 1) throw new UsageError(`demo takes one example name (got "${rest.join(' ')}")`);
      const form = values.form;
      if (form !== undefined && form !== 'diagram' && form !== 'code') throw new UsageError(`--form is "diagram" (results PUSH -> PULL) or "code" (results PUB -> SUB), not "${form}"`);
      return { command: 'demo', example, count: whole('count', values.count, 0), rate: whole('rate', values.rate, 0), workers: whole('workers', values.workers, 1), form, ...common };
    }
    case undefined:
      throw new UsageError('missing command: sniff, decode or demo');
    default:
      throw new UsageError(`unknown command "${command}": use sniff, decode or demo`);
  }
}
