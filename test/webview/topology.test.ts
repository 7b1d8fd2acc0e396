import { strict as assert } from 'node:assert';
import { demoTraffic, frontend } from '../inspector/fixtures';
import { withInspector } from './harness';

describe('Webview topology (Chromium)', function () {
  this.timeout(60_000);
  const inspector = withInspector((feed) => {
    feed.handshake(frontend, 2, 'REQ', 'REP');
    demoTraffic(feed, 20);
  });

  it('draws one node per socket and one edge per connection, with socket types from READY', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await harness.until('the topology to be drawn', async () => (await page.locator('g.edge').count()) === 3);
    assert.equal(await page.locator('g.node').count(), 5, 'two bound sockets and three connecting peers');
    const titles = await page.locator('g.node .node-title').allTextContents();
    assert.deepEqual(titles.sort(), ['PUB', 'REP', 'REQ', 'REQ', 'SUB']);
    const labels = await page.locator('g.edge').evaluateAll((edges) => edges.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(labels.some((l) => /frontend #1: REQ → REP, open/.test(l)), labels.join('\n'));
    await page.screenshot({ path: 'test-artifacts/inspector-dark.png' });
  });
});
