// Real libzmq socket pairs through the product Sniffer, captured by tcpdump on loopback at the same
// time. Importing the pcap yields the messages (every decoder event) the sniffer saw; the sniffer's
// own recording survives a JSON Lines round trip; its pcapng export carries, per tshark, exactly
// the bytes that were relayed.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCaptureFile } from '../../extension/capture/captureFile';
import type { SnifferEvent } from '../../extension/sniffer/types';
import type { Direction } from '../../extension/zmtp/types';
import { byConnection, readBack } from './fixtures';
import { requireTool, tshark, tsharkHasZmtp, tsharkStream, tsharkVersion } from './tools';
import { SOCKET_PAIRS, sniffAndCapture, type SniffedRun } from './traffic';

/** Without keys whose value is undefined (a live close has `detail: undefined`, a reopened one no key). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const opens = (events: SnifferEvent[]) => events.flatMap((event) => (event.type === 'open' ? [event] : []));
const closes = (events: SnifferEvent[]) => events.flatMap((event) => (event.type === 'close' ? [event] : []));

describe('captures of real libzmq traffic (tcpdump, Sniffer, tshark)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    requireTool('tcpdump');
    requireTool('tshark');
    dir = mkdtempSync(join(tmpdir(), 'zmqi-libzmq-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const pair of SOCKET_PAIRS) {
    const slug = pair.name.replace('/', '-').toLowerCase();

    describe(pair.name, () => {
      let run: SniffedRun;
      before(async () => (run = await sniffAndCapture(pair, join(dir, `${slug}.pcap`))));

      it('importing the tcpdump capture yields every decoder event the sniffer emitted, per connection and direction', async () => {
        const imported = await readBack(join(dir, `${slug}.pcap`));
        const live = byConnection(run.events);
        const liveOpens = opens(run.events);
        assert.equal(liveOpens.length, 1);
        const importedOpen = opens(imported.events).find((open) => open.peer === liveOpens[0].peer);
        assert.ok(importedOpen, `the capture has the connection from ${liveOpens[0].peer}`);
        assert.equal(importedOpen.target, `tcp://127.0.0.1:${run.listenPort}`);
        const liveEvents = live.zmtp.get(liveOpens[0].conn)!;
        const importedEvents = imported.zmtp.get(importedOpen.conn)!;
        for (const dir of ['c2s', 's2c'] as Direction[]) assert.deepEqual(importedEvents[dir], liveEvents[dir], `${pair.name} ${dir}`);
        assert.ok(live.messages.get(liveOpens[0].conn)!.c2s.length + live.messages.get(liveOpens[0].conn)!.s2c.length >= 5, 'messages flowed');
        const [liveClose] = closes(run.events);
        const importedClose = closes(imported.events).find((close) => close.conn === importedOpen.conn)!;
        assert.deepEqual(importedClose.bytes, liveClose.bytes);
        assert.deepEqual(imported.warnings, []);
      });

      it('the sniffer recording saved as JSON Lines reopens to the same events, times included for opens and closes', async () => {
        const path = join(dir, `${slug}.jsonl`);
        await writeCaptureFile(path, run.records);
        const reopened = await readBack(path);
        const live = byConnection(run.events);
        assert.deepEqual([...reopened.zmtp.entries()], [...live.zmtp.entries()]);
        assert.deepEqual(opens(reopened.events), opens(run.events));
        assert.deepEqual(plain(closes(reopened.events)), plain(closes(run.events)));
        const liveTimes = run.events.filter((event) => event.type === 'zmtp').map((event) => event.time);
        const reopenedTimes = reopened.events.filter((event) => event.type === 'zmtp').map((event) => event.time);
        assert.equal(reopenedTimes.length, liveTimes.length);
        // A chunk's record time is taken right after the sniffer decoded it, in the same callback.
        reopenedTimes.forEach((time, index) => assert.ok(time >= liveTimes[index] && time - liveTimes[index] < 1000, `event ${index}: ${time} vs ${liveTimes[index]}`));
      });

      it('the pcapng export parses in tshark, its TCP stream payloads equal the relayed bytes, and it reopens to the same events', async () => {
        const path = join(dir, `${slug}.pcapng`);
        await writeCaptureFile(path, run.records);
        const summary = tshark(['-r', path, '-q', '-z', 'conv,tcp']);
        assert.match(summary, /127\.0\.0\.1:\d+\s+<->\s+127\.0\.0\.1:\d+/);
        const [conn, relayed] = [...run.relayed.entries()][0];
        const stream = tsharkStream(path, 0);
        const peer = opens(run.events).find((open) => open.conn === conn)!.peer;
        assert.equal(stream.node0, peer, 'node 0 is the client');
        assert.equal(stream.node1, `127.0.0.1:${run.serverPort}`, 'node 1 is the server');
        assert.ok(stream.bytes.node0.equals(Buffer.concat(relayed.c2s)), 'client -> server payload');
        assert.ok(stream.bytes.node1.equals(Buffer.concat(relayed.s2c)), 'server -> client payload');
        const analysis = tshark(['-r', path, '-Y', 'tcp.analysis.flags && !tcp.analysis.window_update', '-T', 'fields', '-e', 'frame.number']);
        assert.equal(analysis.trim(), '', 'tshark finds no TCP problems (lost segments, bad ACKs, retransmissions)');
        const reopened = await readBack(path);
        assert.deepEqual([...reopened.zmtp.values()], [...byConnection(run.events).zmtp.values()]);
      });

      it(`with -d tcp.port==N,zmtp tshark's ZMTP dissector (Wireshark >= 4.4) sees the frames`, async () => {
        const path = join(dir, `${slug}-zmtp.pcapng`);
        await writeCaptureFile(path, run.records);
        if (!tsharkHasZmtp()) {
          // Debian 12 ships tshark 4.0, which predates the dissector: check that this is why, and say so.
          const [major, minor] = tsharkVersion().split('.').map(Number);
          assert.ok(major < 4 || (major === 4 && minor < 4), `tshark ${tsharkVersion()} should have the ZMTP dissector`);
          console.log(`      (tshark ${tsharkVersion()} has no ZMTP dissector, which came in 4.4: only the TCP payloads were checked)`);
          return;
        }
        const names = tshark(['-r', path, '-d', `tcp.port==${run.serverPort},zmtp`, '-Y', 'zmtp', '-T', 'fields', '-e', 'zmtp.command-name']);
        assert.match(names, /READY/);
      });
    });
  }
});
