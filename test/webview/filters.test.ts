import { strict as assert } from 'node:assert';
import { demoTraffic, frontend, ping } from '../inspector/fixtures';
import { withInspector } from './harness';

describe('Webview filters and details (Chromium)', function () {
  this.timeout(60_000);
  const inspector = withInspector((feed) => {
    demoTraffic(feed, 10);
    feed.zmtp(frontend, 1, 's2c', ping(100));
  });

  const previews = () => inspector.harness().page.locator('.list-viewport .row:not([hidden]) .c8').allTextContents();
  const counts = () => inspector.harness().page.locator('.counts').textContent();

  it('filters by text, shows the counts, and clears again', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await page.locator('.filter-text').fill('world 7');
    await harness.until('the text filter', async () => (await counts())?.startsWith('1 of 42 rows') ?? false);
    assert.deepEqual(await previews(), ['∅ · World 7']);
    await page.locator('.filter-text').fill('');
    await harness.until('all rows again', async () => (await counts())?.startsWith('42 of 42 rows') ?? false);
  });

  it('shows an invalid regular expression inline, and recovers when it is fixed', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await page.locator('button[aria-label="Use regular expression"]').click();
    await page.locator('.filter-text').fill('World [3-');
    await harness.until('the inline error', async () => page.locator('.filter-error').isVisible());
    assert.match((await page.locator('.filter-error').textContent()) ?? '', /^Invalid regular expression: .*Fix the pattern/);
    assert.equal(await page.locator('.filter-text').getAttribute('aria-invalid'), 'true');
    await page.locator('.filter-text').fill('World [3-5]$');
    await harness.until('the fixed regex', async () => (await counts())?.startsWith('3 of 42') ?? false);
    assert.equal(await page.locator('.filter-error').isVisible(), false);
    assert.deepEqual(await previews(), ['∅ · World 3', '∅ · World 4', '∅ · World 5']);
    await page.locator('.filter-text').fill('');
    await page.locator('button[aria-label="Use regular expression"]').click();
  });

  it('filters commands vs data, direction and socket type', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await page.locator('select[aria-label="Kinds of rows"]').selectOption('commands');
    await harness.until('commands only', async () => (await counts())?.startsWith('6 of 42') ?? false);
    await page.locator('select[aria-label="Direction"]').selectOption('c2s');
    await harness.until('commands from connecting peers', async () => (await counts())?.startsWith('3 of 42') ?? false);
    assert.deepEqual(await page.locator('.list-viewport .row:not([hidden]) .c4').allTextContents(), ['READY', 'READY', 'SUBSCRIBE']);
    await page.locator('select[aria-label="Kinds of rows"]').selectOption('all');
    await page.locator('select[aria-label="Direction"]').selectOption('');
    await page.locator('select[aria-label="Socket type"]').selectOption('PUB');
    await harness.until('rows to or from a PUB', async () => (await counts())?.startsWith('16 of 42') ?? false);
    await page.locator('select[aria-label="Socket type"]').selectOption('');
    await harness.until('all rows', async () => (await counts())?.startsWith('42 of 42') ?? false);
  });

  it('filters by the node selected in the topology, with the keyboard', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    const first = page.locator('g.node[tabindex="0"]');
    await first.focus();
    let label = '';
    for (let i = 0; i < 4 && !/^Socket PUB/.test(label); i++) {
      label = (await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) ?? '';
      if (!/^Socket PUB/.test(label)) await page.keyboard.press('ArrowRight');
    }
    assert.match(label, /^Socket PUB, bound at tcp:\/\/127\.0\.0\.1:5556/);
    await page.keyboard.press('Enter');
    await harness.until('the node filter', async () => (await counts())?.startsWith('16 of 42') ?? false);
    assert.equal(await page.locator('g.node.selected').count(), 1);
    assert.match((await page.locator('.chip-text').textContent()) ?? '', /^Socket: PUB tcp:\/\/127\.0\.0\.1:5556/);
    await page.keyboard.press('Escape');
    await harness.until('no node filter', async () => (await counts())?.startsWith('42 of 42') ?? false);
    assert.equal(await page.locator('.chip').isVisible(), false);
  });

  it('shows a filter the host applies ("Reveal in Inspector") in its controls', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    harness.session.focus({ connections: ['sniffer-2#1'], node: undefined });
    await harness.until('the host filter', async () => (await counts())?.startsWith('16 of 42') ?? false);
    assert.equal(await page.locator('select[aria-label="Connection"]').inputValue(), 'sniffer-2#1');
    assert.equal(await page.locator('g.edge.selected').count(), 1, 'the connection is selected in the topology');
    await page.locator('select[aria-label="Connection"]').selectOption('');
    await harness.until('all rows', async () => (await counts())?.startsWith('42 of 42') ?? false);
  });

  it('shows decoded fields, text, hex, pretty JSON and annotated bytes for the selected row', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await harness.row('c8', '"temperature":29').click();
    await harness.until('the details', async () => (await page.locator('.frame-block').count()) === 2);
    const fields = await page.locator('.details-fields').textContent();
    assert.match(fields ?? '', /Directions2c: from the bound socket to the connecting peer \(PUB → SUB\)/);
    await page.locator('#tab-json').click();
    assert.equal(await page.locator('.payload-json').nth(0).count(), 1);
    assert.equal(await page.locator('.payload-json').textContent(), '{\n  "temperature": 29,\n  "unit": "C"\n}');
    assert.match((await page.locator('.frame-block .note').first().textContent()) ?? '', /^Not JSON/);
    await page.locator('#tab-bytes').click();
    const firstTable = await page.locator('.byte-notes').first().locator('tbody tr').allTextContents();
    // Cells run together in textContent: offset, bytes, field, meaning.
    assert.match(firstTable[0], /^001flagsbit 0 MORE=1: more frames of this message follow/);
    assert.match(firstTable[1], /^10esize14 bytes of body/);
    // Keyboard: the tabs switch with the arrow keys.
    await page.locator('#tab-bytes').focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.locator('#tab-json').getAttribute('aria-selected'), 'true');
    await page.keyboard.press('Home');
    assert.equal(await page.locator('#tab-text').getAttribute('aria-selected'), 'true');
  });

  it('explains a command byte by byte: PING with its TTL', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await harness.row('c4', 'PING').click();
    await harness.until('the PING details', async () => /TTL100 ds \(10\.0 s\)/.test((await page.locator('.details-fields').textContent()) ?? ''));
    await page.locator('#tab-bytes').click();
    const rows = await page.locator('.byte-notes tbody tr').allTextContents();
    assert.ok(rows.some((row) => /^204name length4: the command name has 4 bytes/.test(row)), rows.join('\n'));
    assert.ok(rows.some((row) => /^700 64TTL100 deciseconds/.test(row)), rows.join('\n'));
    await page.screenshot({ path: 'test-artifacts/inspector-details-bytes.png' });
    await page.locator('#tab-text').click();
  });
});
