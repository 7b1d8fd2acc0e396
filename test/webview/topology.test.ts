import { strict as assert } from 'node:assert';
import { demoTraffic, frontend, message } from '../inspector/fixtures';
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

  it('shows traffic as it flows: the edge animates and thickens with the rate, and calms down when it stops', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    const feed = inspector.feed();
    const edge = page.locator('g.edge', { has: page.locator('title', { hasText: 'frontend #1:' }) });
    const width = async () => Number.parseFloat((await edge.locator('.edge-line').evaluate((line) => getComputedStyle(line).strokeWidth)) || '0');
    const idle = await width();
    const deadline = Date.now() + 3000;
    let sent = 0;
    while (Date.now() < deadline && !(await edge.evaluate((g) => g.classList.contains('flowing')))) {
      for (let i = 0; i < 200; i++) feed.zmtp(frontend, 1, 'c2s', message('', `burst ${sent++}`));
      await harness.settle(20);
    }
    assert.equal(await edge.evaluate((g) => g.classList.contains('flowing')), true, `flowing after ${sent} messages`);
    assert.ok((await width()) > idle, 'a busier edge is drawn wider');
    assert.match((await edge.locator('.edge-label').textContent()) ?? '', /^→ \d/);
    await page.screenshot({ path: 'test-artifacts/inspector-flowing.png' });
    await harness.until('the edge to calm down', async () => !(await edge.evaluate((g) => g.classList.contains('flowing'))), 15_000);
  });

  it('keeps earlier nodes in their order within each layer when new ones arrive', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    /** Node labels per layer (column, left to right), top to bottom within it. */
    const layers = async () =>
      page.locator('g.node').evaluateAll((nodes) => {
        const placed = nodes.map((node) => ({ label: node.querySelector('title')?.textContent ?? '', box: (node as SVGGElement).getBoundingClientRect() }));
        const columns = [...new Set(placed.map((node) => Math.round(node.box.left)))].sort((a, b) => a - b);
        return columns.map((left) => placed.filter((node) => Math.round(node.box.left) === left).sort((a, b) => a.box.top - b.box.top).map((node) => node.label));
      });
    const before = await layers();
    inspector.feed().handshake(frontend, 3, 'REQ', 'REP');
    await harness.until('the new node', async () => (await page.locator('g.node').count()) === before.flat().length + 1);
    const after = (await layers()).map((layer) => layer.filter((label) => before.flat().includes(label)));
    assert.deepEqual(after, before);
  });
});
