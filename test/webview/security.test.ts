import { strict as assert } from 'node:assert';
import { backend, frame, frontend, message, ready } from '../inspector/fixtures';
import { withInspector } from './harness';

const IMG = '<img src=x onerror="window.__pwned = 1">';
const SCRIPT_END = '</script><script>window.__pwned = 2</script>';
const CONTROLS = 'bell\u0007 nul\u0000 esc\u001b[31m red';
const INVALID_UTF8 = new Uint8Array([0x48, 0x69, 0xff, 0xfe, 0xc3, 0x28, 0x21]);

describe('Webview with hostile content (Chromium)', function () {
  this.timeout(90_000);
  const inspector = withInspector((feed) => {
    feed.open(frontend, 1, '<b>peer</b>');
    // A peer can put anything in READY properties: socket type and identity too.
    feed.zmtp(frontend, 1, 'c2s', ready(`DEALER${IMG}`, `<svg onload="window.__pwned=3">`));
    feed.zmtp(frontend, 1, 's2c', ready('ROUTER'));
    feed.zmtp(frontend, 1, 'c2s', message(IMG));
    feed.zmtp(frontend, 1, 'c2s', message(SCRIPT_END));
    feed.zmtp(frontend, 1, 'c2s', message(CONTROLS));
    feed.zmtp(frontend, 1, 'c2s', message(INVALID_UTF8));
    // 10 MB, as the decoder would report it with a 1 MiB retain limit.
    const huge = new Uint8Array(1 << 20).fill(0x7a);
    feed.zmtp(frontend, 1, 'c2s', { kind: 'message', offset: 0, size: 10_000_000, frames: [frame(huge, false, 10_000_000)] });
    feed.handshake(backend, 1, 'SUB', 'PUB');
  });

  const pwned = () => inspector.harness().page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
  const previews = () => inspector.harness().page.locator('.list-viewport .row:not([hidden]) .c8').allTextContents();

  it('shows payloads, socket types and identities as text and runs none of them', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await harness.until('the rows', async () => (await previews()).includes(IMG));
    const shown = await previews();
    assert.ok(shown.includes(SCRIPT_END.slice(0, 48)), shown.join('\n'));
    assert.ok(shown.includes('0x 62 65 6c 6c 07 20 6e 75 6c 00 20 65 73 63 1b 5b 33 31 6d 20 72 65 64'), 'text with control characters shows as hex in the list');
    assert.ok(shown.includes('0x 48 69 ff fe c3 28 21'), 'invalid UTF-8 shows as hex');
    assert.ok(shown.some((p) => /^z{40,}…/.test(p)), 'the 10 MB payload shows a cut preview');
    assert.equal(await page.locator('.list-viewport img, .list-viewport script, .details img, svg.topology-svg img').count(), 0);
    const nodeTitles = await page.locator('g.node .node-title').allTextContents();
    assert.ok(nodeTitles.some((t) => t.startsWith('DEALER<img')), nodeTitles.join(', '));
    assert.equal(await page.locator('g.node img, g.node svg').count(), 0);
    await harness.settle(300);
    assert.equal(await pwned(), undefined, 'no injected handler ran');
  });

  it('opens the hostile and the 10 MB payloads in the details pane as text', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    await harness.row('c8', '0x 62 65 6c 6c 07').click();
    await harness.until('the details', async () => (await page.locator('.payload-text').count()) === 1);
    assert.equal(await page.locator('.payload-text').textContent(), 'bell␇ nul␀ esc␛[31m red', 'the Text view shows control characters as symbols');
    await harness.row('c8', /^<img src=x/).click();
    await harness.until('the img payload', async () => (await page.locator('.payload-text').textContent()) === IMG);
    await page.locator('#tab-hex').click();
    assert.match((await page.locator('.payload-hex').textContent()) ?? '', /^00000000 {2}3c 69 6d 67 20 73 72 63 {2}3d 78 20 6f 6e 65 72 72 {2}\|<img src=x onerr\|/);
    await page.locator('#tab-text').click();
    await harness.row('c8', 'zzzz').click();
    await harness.until('the huge payload', async () => ((await page.locator('.payload-text').textContent()) ?? '').length > 100_000);
    const text = (await page.locator('.payload-text').textContent()) ?? '';
    assert.equal(text.length, 256 * 1024, 'the store keeps 256 KiB of it for details');
    assert.match((await page.locator('.frame-block .note').first().textContent()) ?? '', /Showing the 256\.0 KiB kept of 9\.5 MiB/);
    assert.equal(await pwned(), undefined);
  });

  it('refuses an inline script: the CSP blocks it and reports the violation', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { __inlineRan?: boolean; __cspViolations: string[] };
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.appendChild(script);
      const img = document.createElement('img');
      img.setAttribute('src', 'data:,broken');
      img.setAttribute('onerror', 'window.__inlineRan = true');
      document.body.appendChild(img);
      await new Promise((done) => setTimeout(done, 200));
      return { ran: w.__inlineRan === true, violations: w.__cspViolations };
    });
    assert.equal(ran.ran, false, 'neither the inline script nor the inline handler ran');
    assert.ok(ran.violations.some((v) => v.startsWith('script-src')), `violations: ${ran.violations.join('; ')}`);
  });

  it('loads nothing from outside the webview origin', async () => {
    const harness = inspector.harness();
    const page = harness.page;
    const blocked = await page.evaluate(async () => {
      const w = window as unknown as { __cspViolations: string[] };
      const before = w.__cspViolations.length;
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = 'https://attacker.example/evil.css';
      document.head.appendChild(link);
      await new Promise((done) => setTimeout(done, 200));
      return w.__cspViolations.slice(before);
    });
    assert.ok(blocked.some((v) => v.startsWith('style-src') && v.includes('attacker.example')), `violations: ${blocked.join('; ')}`);
  });
});
