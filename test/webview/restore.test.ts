import { strict as assert } from 'node:assert';
import { CaptureStore } from '../../extension/inspector/store';
import { Feed, frontend, message } from '../inspector/fixtures';
import { WebviewHarness } from './harness';
import type { Theme } from './theme';

function capture(): CaptureStore {
  const store = new CaptureStore();
  const feed = new Feed((source, event) => store.ingest(source, event));
  feed.handshake(frontend, 1, 'REQ', 'REP');
  feed.handshake(frontend, 2, 'DEALER', 'REP');
  for (let i = 0; i < 30; i++) {
    feed.zmtp(frontend, 1 + (i % 2), 'c2s', message('', `Hello ${i}`));
    feed.zmtp(frontend, 1 + (i % 2), 's2c', message('', `World ${i}`));
  }
  feed.close(frontend, 2);
  return store;
}

describe('Webview restore and themes (Chromium)', function () {
  this.timeout(60_000);

  it('restores filter, selection and split sizes after a reload, with data rehydrated from the host', async () => {
    const harness = await WebviewHarness.open(capture());
    try {
      const page = harness.page;
      await page.locator('.filter-text').fill('hello 1');
      await harness.until('the filter', async () => ((await page.locator('.counts').textContent()) ?? '').startsWith('11 of'));
      await harness.row('c8', /Hello 13$/).click();
      await harness.until('the details', async () => /Hello 13/.test((await page.locator('.payload-text').last().textContent()) ?? ''));
      const separator = page.locator('.splitter-horizontal');
      await separator.focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
      const height = await separator.getAttribute('aria-valuenow');
      assert.equal(height, String(200 + 3 * 16));

      const snapshotsBefore = harness.fromWebview.filter((m) => (m as { type: string }).type === 'ready').length;
      await harness.restore();
      assert.equal(harness.fromWebview.filter((m) => (m as { type: string }).type === 'ready').length, snapshotsBefore + 1, 'the reloaded webview said ready again');
      assert.equal(await page.locator('.filter-text').inputValue(), 'hello 1');
      await harness.until('the restored filter', async () => ((await page.locator('.counts').textContent()) ?? '').startsWith('11 of'));
      await harness.until('the restored details', async () => /Hello 13/.test((await page.locator('.payload-text').last().textContent()) ?? ''));
      assert.equal(await page.locator('.splitter-horizontal').getAttribute('aria-valuenow'), height);
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.topology') as Element).height), `${height}px`);
    } finally {
      await harness.close();
    }
  });

  for (const theme of ['light', 'high-contrast'] as Theme[]) {
    it(`uses the theme's colours (${theme})`, async () => {
      const harness = await WebviewHarness.open(capture(), { theme, width: 1200, height: 700 });
      try {
        const page = harness.page;
        await harness.until('the topology', async () => (await page.locator('g.edge').count()) === 2);
        await harness.row('c8', /Hello 28$/).click();
        await harness.until('the details', async () => (await page.locator('.payload-text').count()) > 0);
        const colours = await page.evaluate(() => ({
          body: getComputedStyle(document.body).backgroundColor,
          text: getComputedStyle(document.body).color,
          node: getComputedStyle(document.querySelector('g.node rect') as Element).stroke,
        }));
        if (theme === 'light') {
          assert.deepEqual([colours.body, colours.text], ['rgb(255, 255, 255)', 'rgb(59, 59, 59)']);
        } else {
          assert.deepEqual([colours.body, colours.text], ['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
          assert.equal(colours.node, 'rgb(111, 195, 223)', 'high contrast draws node borders in the contrast colour');
        }
        await page.screenshot({ path: `test-artifacts/inspector-${theme}.png` });
      } finally {
        await harness.close();
      }
    });
  }
});
