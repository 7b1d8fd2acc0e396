import { strict as assert } from 'node:assert';
import { frontend, message } from '../inspector/fixtures';
import { withInspector } from './harness';

const ROWS = 1_000_000;

describe('Webview message list (Chromium)', function () {
  this.timeout(120_000);

  describe('with a million rows', () => {
    const inspector = withInspector(
      (feed) => {
        feed.handshake(frontend, 1, 'PUSH', 'PULL');
        for (let i = 0; i < ROWS; i++) feed.zmtp(frontend, 1, 'c2s', message(`message ${i}`));
      },
      { store: { capacity: ROWS + 10 } },
    );

    const rowCount = () => inspector.harness().page.locator('.list-viewport .row:not([hidden])').count();
    const lastVisiblePreview = () =>
      inspector.harness().page.evaluate(() => {
        const scroller = document.querySelector('.list-scroller') as HTMLElement;
        const bottom = scroller.getBoundingClientRect().bottom;
        const rows = [...document.querySelectorAll<HTMLElement>('.list-viewport .row:not([hidden])')].filter((row) => row.getBoundingClientRect().bottom <= bottom + 1);
        rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
        return rows[rows.length - 1]?.querySelector('.c8')?.textContent ?? '';
      });

    it('keeps the DOM small: only the rows in view plus overscan exist', async () => {
      const harness = inspector.harness();
      await harness.until('the newest rows', async () => (await lastVisiblePreview()) === `message ${ROWS - 1}`);
      const count = await rowCount();
      assert.ok(count > 10 && count < 80, `${count} row elements for ${ROWS} rows`);
      const rowcount = await harness.page.locator('.list-grid').getAttribute('aria-rowcount');
      assert.equal(Number(rowcount), ROWS + 5 + 1, 'aria-rowcount counts every row and the header');
    });

    it('scrolls to the top and back to the end, showing the first and the last row', async () => {
      const harness = inspector.harness();
      const page = harness.page;
      await page.locator('.list-grid').focus();
      await page.keyboard.press('Home');
      await harness.until('the first row', async () => (await page.locator('.list-viewport .row[aria-rowindex="2"] .c8').textContent()) === '127.0.0.1:40001 → tcp://127.0.0.1:6001 → tcp://127.0.0.1:5555');
      assert.equal(await page.locator('.jump-newest').isVisible(), true, 'a "jump to newest" button appears when not following');
      const scrollable = await page.evaluate(() => {
        const scroller = document.querySelector('.list-scroller') as HTMLElement;
        scroller.scrollTop = scroller.scrollHeight;
        return scroller.scrollHeight;
      });
      assert.ok(scrollable > 1_000_000, `scroll height ${scrollable}`);
      await harness.until('the last row after scrolling to the end', async () => (await lastVisiblePreview()) === `message ${ROWS - 1}`);
      const count = await rowCount();
      assert.ok(count < 80, `${count} row elements after scrolling`);
    });

    it('scrolls to the middle and shows the rows there, fetched from the host on demand', async () => {
      const harness = inspector.harness();
      const page = harness.page;
      const before = harness.fromWebview.filter((m) => (m as { type: string }).type === 'requestRows').length;
      await page.evaluate(() => {
        const scroller = document.querySelector('.list-scroller') as HTMLElement;
        scroller.scrollTop = (scroller.scrollHeight - scroller.clientHeight) / 2;
      });
      await harness.until('rows in the middle', async () => /^message 49\d{4}$|^message 50\d{4}$/.test((await page.locator('.list-viewport .row:not([hidden]) .c8').nth(10).textContent()) ?? ''));
      const after = harness.fromWebview.filter((m) => (m as { type: string }).type === 'requestRows').length;
      assert.ok(after > before, 'the webview asked the host for the rows it shows');
    });
  });

  describe('keyboard, expansion and following', () => {
    const inspector = withInspector(
      (feed) => {
        feed.handshake(frontend, 1, 'DEALER', 'ROUTER');
        for (let i = 0; i < 100; i++) feed.zmtp(frontend, 1, 'c2s', message(`part A ${i}`, `part B ${i}`, `part C ${i}`));
      },
      { height: 600 },
    );

    it('moves with the arrow keys, selects the row, and Enter expands a multipart message into its frames', async () => {
      const harness = inspector.harness();
      const page = harness.page;
      const grid = page.locator('.list-grid');
      await grid.focus();
      await page.keyboard.press('Home');
      // Rows 0-4 are the open, the greetings and the READYs; row 5 is the first message.
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
      await harness.until('the selection', async () => (await page.locator('.row[aria-selected="true"] .c8').textContent()) === 'part A 0 · part B 0 · part C 0');
      const active = await grid.getAttribute('aria-activedescendant');
      assert.ok(active && (await page.locator(`#${active}`).getAttribute('aria-selected')) === 'true', 'aria-activedescendant names the selected row');
      await harness.until('the details of the selected row', async () => /Frames\s*3/.test((await page.locator('.details-fields').textContent()) ?? ''));
      await page.keyboard.press('Enter');
      await harness.until('the frame rows', async () => (await page.locator('.frame-row').count()) === 3);
      assert.deepEqual(await page.locator('.frame-row .c8').allTextContents(), ['part A 0', 'part B 0', 'part C 0']);
      assert.equal(await page.locator('.row[aria-expanded="true"]').count(), 1);
      await page.keyboard.press('ArrowLeft');
      await harness.until('the frames to collapse', async () => (await page.locator('.frame-row').count()) === 0);
    });

    it('stops following when the user moves away, and the jump button brings the newest rows back', async () => {
      const harness = inspector.harness();
      const feed = inspector.feed();
      const page = harness.page;
      assert.equal(await page.locator('.jump-newest').isVisible(), true);
      for (let i = 0; i < 50; i++) feed.zmtp(frontend, 1, 'c2s', message(`later ${i}`));
      await harness.settle(300);
      assert.notEqual(await page.locator('.row[aria-selected="true"] .c8').count(), 0, 'the selected row stays in view');
      await page.locator('.jump-newest').click();
      await harness.until('the newest row', async () => (await page.locator('.list-viewport .row:not([hidden]) .c8').allTextContents()).includes('later 49'));
      assert.equal(await page.locator('.jump-newest').isVisible(), false);
      feed.zmtp(frontend, 1, 'c2s', message('even later'));
      await harness.until('following to pick up the next row', async () => (await page.locator('.list-viewport .row:not([hidden]) .c8').allTextContents()).includes('even later'));
    });
  });
});
