// npm run bench: every figure measured side by side in one run on this machine, printed as a
// table (and as Markdown with --markdown for the README). Speed targets live here, not in tests.
import * as os from 'node:os';
import { benchCapture } from './capture';
import { benchDecoder } from './decoder';
import { benchInspector } from './inspector';
import { benchInspectorThroughSniffer } from './inspectorSniffer';
import { benchRelay } from './sniffer';
import { Sniffer } from '../../extension/sniffer/sniffer';
import type { Figure } from './figure';

const suites: { title: string; run: () => Promise<Figure[]> }[] = [
  { title: 'decoder', run: benchDecoder },
  {
    title: 'sniffer',
    // The whole Sniffer (relay, decoder, typed events, per-connection counters), events counted only;
    // plain, and in step mode as the extension runs it (zmqInspector.stepping.enabled) with nothing held.
    run: () =>
      benchRelay({
        forwarders: [
          { label: 'through the sniffer (decoding)', start: (target) => Sniffer.start({ listen: 'tcp://127.0.0.1:0', target, onEvent: () => undefined }) },
          { label: 'through the sniffer in step mode', start: (target) => Sniffer.start({ listen: 'tcp://127.0.0.1:0', target, stepping: true, onEvent: () => undefined }) },
        ],
      }),
  },
  { title: 'inspector', run: benchInspector },
  { title: 'inspector-e2e', run: benchInspectorThroughSniffer },
  { title: 'capture', run: benchCapture },
];

function formatValue(value: number): string {
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (Math.abs(value) >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return value.toFixed(value < 10 ? 3 : 1);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const markdown = process.argv.includes('--markdown');
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`);
  console.log(`date: ${new Date().toISOString().slice(0, 10)}`);
  const rows: [string, Figure][] = [];
  for (const suite of suites) {
    if (only.length && !only.includes(suite.title)) continue;
    console.log(`\n== ${suite.title}`);
    for (const figure of await suite.run()) {
      rows.push([suite.title, figure]);
      console.log(`${figure.name.padEnd(58)} ${formatValue(figure.value).padStart(10)} ${figure.unit}${figure.target ? `   (target ${figure.target})` : ''}`);
    }
  }
  if (markdown) {
    console.log('\n| suite | figure | value | unit | target |\n|---|---|---|---|---|');
    for (const [suite, f] of rows) console.log(`| ${suite} | ${f.name} | ${formatValue(f.value)} | ${f.unit} | ${f.target ?? ''} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
