// The list's columns at the size the inspector has in a VS Code window (about 1030 px wide beside
// the side bar), and how often the page is laid out while rows stream in.
import { strict as assert } from 'node:assert';
import { frontend, message } from '../inspector/fixtures';
import { withInspector } from './harness';

describe('Webview layout (Chromium)', function () {
  this.timeout(60_000);
  const inspector = withInspector(
    (feed) => {
      feed.handshake(frontend, 1, 'REQ', 'REP');
      for (let i = 0; i < 200; i++) feed.zmtp(frontend, 1, i % 2 ? 's2c' : 'c2s', message('', `{"reading":${i},"unit":"C","station":"zurich-airport","comment":"${'x'.repeat(80)}"}`));
    },
    { width: 1030, height: 760 },
  );

  it('shows Time whole, keeps every header readable, and gives the Preview the remaining width', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await harness.until('rows', async () => (await page.locator('.list-viewport .row:not([hidden])').count()) > 5);
    const measured = await page.evaluate(() => {
      const box = (selector: string) => (document.querySelector(selector) as HTMLElement).getBoundingClientRect().width;
      const cut = (elements: HTMLElement[]) => elements.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent);
      const header = [...document.querySelectorAll<HTMLElement>('.list-header .cell')];
      const rows = [...document.querySelectorAll<HTMLElement>('.list-viewport .row:not([hidden])')];
      return {
        list: box('.list'),
        details: box('.details'),
        headerWidths: header.map((cell) => cell.getBoundingClientRect().width),
        cutHeaders: cut(header),
        cutTimes: cut(rows.map((row) => row.querySelector('.c0') as HTMLElement)),
        times: rows.map((row) => row.querySelector('.c0')?.textContent ?? ''),
      };
    });
    await page.screenshot({ path: 'test-artifacts/inspector-columns.png' });
    assert.ok(measured.list >= 560, `the list is ${measured.list} px wide; the details pane squeezes it`);
    assert.ok(measured.details >= 200, `the details pane is ${measured.details} px wide`);
    assert.deepEqual(measured.cutHeaders, [], 'column headers cut off');
    assert.ok(measured.times.every((time) => /^\d\d:\d\d:\d\d\.\d{3}$/.test(time)), `times: ${measured.times.slice(0, 3).join(', ')}`);
    assert.deepEqual(measured.cutTimes, [], 'Time shows HH:MM:SS.mmm without an ellipsis');
    const preview = measured.headerWidths[8];
    const widest = Math.max(...measured.headerWidths.slice(0, 8));
    assert.ok(preview > widest, `Preview (${preview} px) is narrower than another column (${widest} px)`);
    assert.ok(preview >= 0.22 * measured.list, `Preview gets ${preview} of ${measured.list} px`);
  });

  it('lays the page out about once per host update while following a stream of rows', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    const cdp = await page.context().newCDPSession(page);
    try {
      await cdp.send('Performance.enable');
      const layouts = async () => (await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'LayoutCount')?.value ?? 0;
      await harness.settle();
      const postsBefore = harness.session.posts;
      const layoutsBefore = await layouts();
      const feed = inspector.feed();
      // 30 bursts of 300 rows, each past the session's 50 ms flush interval: one update each.
      for (let burst = 0; burst < 30; burst++) {
        for (let i = 0; i < 300; i++) feed.zmtp(frontend, 1, 'c2s', message('', `stream ${burst}-${i}`));
        await new Promise((pause) => setTimeout(pause, 70));
      }
      await harness.until('the newest row', async () => (await page.locator('.list-viewport .row:not([hidden]) .c8').allTextContents()).includes('∅ · stream 29-299'));
      const updates = harness.session.posts - postsBefore;
      const laidOut = (await layouts()) - layoutsBefore;
      assert.ok(updates >= 20, `only ${updates} host updates reached the page`);
      // Reading layout after writing (scrollTop, clientHeight) made it 2.5-3 layouts per update.
      assert.ok(laidOut <= 1.3 * updates + 4, `${laidOut} layouts for ${updates} host updates`);
    } finally {
      await cdp.detach();
    }
  });
});
