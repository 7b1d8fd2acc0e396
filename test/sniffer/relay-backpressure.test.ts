// A reader that stops reading must throttle the writer through the relay instead of filling the relay's memory.
import { strict as assert } from 'node:assert';
import { RELIEF_DELAY_MS } from '../../extension/sniffer/backpressure';
import { receiveAll, sendRandom } from '../support/hashing';
import { waitUntil, type Transport } from '../support/rawPeers';
import { useRelayFixture } from '../support/relayFixture';

const MiB = 1024 * 1024;
/** Far more than the kernel buffers between writer and reader can absorb. */
const WRITE_LIMIT = 512 * MiB;
/** What the relay may hold for one direction: Node's stream buffers (16 KiB marks) plus one read chunk (64 KiB) each side. */
const RELAY_MEMORY_BOUND = 256 * 1024;
/** The writer counts as throttled once it has made no progress for this long. */
const STALL_MS = 300;

for (const transport of ['tcp', 'ipc'] as Transport[]) {
  describe(`Relay back-pressure over ${transport}://`, () => {
    const hooks = useRelayFixture();

    it('throttles the writer while the reader pauses, holds little, then delivers everything intact', async function () {
      this.timeout(60_000);
      const fixture = await hooks.start(transport);
      const [client, reader] = await hooks.connectPair();
      reader.pause();

      let stopWriting = false;
      const sent = sendRandom(client, WRITE_LIMIT, { stop: () => stopWriting });

      let maxHeld = 0;
      let written = -1;
      let lastProgress = Date.now();
      await waitUntil(
        () => {
          maxHeld = Math.max(maxHeld, fixture.relay.connections()[0]?.buffered.c2s ?? 0);
          if (client.bytesWritten !== written) {
            written = client.bytesWritten;
            lastProgress = Date.now();
          }
          return Date.now() - lastProgress > STALL_MS;
        },
        'the writer stalls behind the paused reader',
        30_000,
      );
      const forwardedWhileStalled = fixture.relay.connections()[0].bytes.c2s;
      assert.ok(written < WRITE_LIMIT, 'the writer was never throttled');
      assert.ok(maxHeld <= RELAY_MEMORY_BOUND, `the relay held ${maxHeld} bytes for the stalled direction`);
      assert.ok(forwardedWhileStalled <= written, 'the relay cannot have forwarded more than was written');
      const reports = fixture.observer.backpressure.filter((report) => report.dir === 'c2s');
      assert.ok(reports.length >= 1 && reports[0].bufferedBytes > 0, 'the observer heard that the relay is throttling');
      assert.ok(reports.length <= 10, `back-pressure reports should be sparse, got ${reports.length}`);

      stopWriting = true;
      const received = receiveAll(reader);
      reader.resume();
      assert.deepEqual(await received, await sent);
      await waitUntil(() => fixture.observer.backpressure.at(-1)?.bufferedBytes === 0, 'the observer hears the throttling has ended', 5000 + RELIEF_DELAY_MS);
    });
  });
}
