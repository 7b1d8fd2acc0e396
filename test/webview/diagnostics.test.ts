// The diagnostics list and topology markers in Chromium, fed by the REAL Diagnostician through the
// real InspectorSession: raw sniffer events of PUSH peers connecting to a PUB (rule 1: libzmq
// drops each such connection after READY), next to a healthy REQ/REP connection.
import { strict as assert } from 'node:assert';
import { Diagnostician } from '../../extension/diagnostics';
import { DiagnosticsFeed } from '../../extension/inspector/diagnosticsFeed';
import { CaptureStore } from '../../extension/inspector/store';
import type { SnifferSource } from '../../extension/protocol';
import { Feed, frontend, greeting, message, ready } from '../inspector/fixtures';
import { WebviewHarness } from './harness';

const updates: SnifferSource = { id: 'updates-1', name: 'updates', listen: 'tcp://127.0.0.1:6101', target: 'tcp://127.0.0.1:5601' };
const REJECTED = [1, 2, 3];

describe('Webview diagnostics (Chromium)', function () {
  this.timeout(60_000);
  let harness: WebviewHarness;
  let diagnostician: Diagnostician;
  let diagnosticsFeed: DiagnosticsFeed;
  let feed: Feed;

  before(async () => {
    const store = new CaptureStore();
    diagnostician = new Diagnostician();
    diagnosticsFeed = new DiagnosticsFeed(diagnostician);
    feed = new Feed((source, event) => {
      store.ingest(source, event);
      diagnostician.ingest(source, event);
    });
    feed.handshake(frontend, 1, 'REQ', 'REP');
    feed.zmtp(frontend, 1, 'c2s', message('', 'Hello'));
    feed.zmtp(frontend, 1, 's2c', message('', 'World'));
    harness = await WebviewHarness.open(store, { session: { diagnostics: diagnosticsFeed } });
  });

  after(async () => {
    await harness?.close();
    diagnosticsFeed?.dispose();
    diagnostician?.dispose();
  });

  const row = () => harness.page.locator('.diagnostics .diagnostic');
  const edgeOf = (label: string) => harness.page.locator('g.edge', { has: harness.page.locator('title', { hasText: `${label}:` }) });

  it('starts with no diagnosis, and a healthy REQ/REP connection is not marked', async () => {
    await harness.until('the healthy edge', async () => (await edgeOf('frontend #1').count()) === 1);
    assert.equal(await row().count(), 0);
    assert.equal(await harness.page.locator('.diagnostics-summary').textContent(), 'No diagnoses');
    assert.equal(await harness.page.locator('g.diagnosed').count(), 0);
  });

  it('lists rule 1 once for PUSH peers of a PUB, counting every rejected connection', async () => {
    for (const conn of REJECTED) {
      feed.open(updates, conn);
      feed.zmtp(updates, conn, 'c2s', greeting());
      feed.zmtp(updates, conn, 's2c', greeting());
      feed.zmtp(updates, conn, 'c2s', ready('PUSH'));
      feed.zmtp(updates, conn, 's2c', ready('PUB'));
      feed.close(updates, conn, 'end');
    }
    await harness.until('the rule-1 row with its count', async () => (await row().count()) === 1 && /×3/.test((await row().locator('.diagnostic-count').textContent()) ?? ''));
    const diagnostic = row().first();
    assert.equal(await diagnostic.locator('.diagnostic-title').textContent(), 'Incompatible socket types (rule 1)');
    assert.match((await diagnostic.locator('.diagnostic-message').textContent()) ?? '', /PUB sockets accept only SUB or XSUB peers|PUSH sockets accept only PULL peers/);
    assert.equal(await diagnostic.locator('.codicon-error').count(), 1, 'an error icon');
    assert.match((await diagnostic.locator('.diagnostic-seen').textContent()) ?? '', /^\d\d:\d\d:\d\d\.\d{3} – \d\d:\d\d:\d\d\.\d{3}$/, 'first and last seen');
    const label = (await diagnostic.getAttribute('aria-label')) ?? '';
    assert.match(label, /^Error: Incompatible socket types, rule 1, seen 3 times, first at .*; 3 connections\./);
    assert.equal(await diagnostic.getAttribute('role'), 'option');
    assert.equal(await harness.page.locator('.diagnostics-summary').textContent(), '1 error');
  });

  it('marks the rejected connections and their sockets on the topology, and says so in their labels', async () => {
    const page = harness.page;
    await harness.until('the markers', async () => (await page.locator('g.edge.diagnosed-error').count()) === REJECTED.length);
    for (const conn of REJECTED) {
      const edge = edgeOf(`updates #${conn}`);
      assert.match((await edge.getAttribute('aria-label')) ?? '', /Diagnosed: 1 problem \(Incompatible socket types\)$/);
      assert.match((await edge.locator('.edge-label').textContent()) ?? '', /^⚠/);
    }
    const pub = page.locator('g.node.role-bound', { has: page.locator('.node-title', { hasText: 'PUB' }) });
    assert.equal(await pub.locator('.diagnostic-badge').count(), 1, 'the PUB node has a badge');
    assert.match((await pub.getAttribute('aria-label')) ?? '', /Diagnosed: 1 problem/);
    assert.equal(await edgeOf('frontend #1').getAttribute('aria-label').then((l) => /Diagnosed/.test(l ?? '')), false, 'the healthy edge stays unmarked');
    await page.screenshot({ path: 'test-artifacts/inspector-diagnostics.png' });
  });

  it('choosing the diagnosis with the keyboard filters the list to its connections and shows its evidence', async () => {
    const page = harness.page;
    const diagnostic = row().first();
    await diagnostic.focus();
    await page.keyboard.press('Enter');
    await harness.until('the list to show only the rejected connections', async () => {
      const connections = await harness.row('c1', /./).locator('.c1').allTextContents();
      return connections.length > 0 && connections.every((text) => /^updates #[123]$/.test(text));
    });
    assert.deepEqual(harness.fromWebview.filter((m) => (m as { type: string }).type === 'revealDiagnostic'), [{ type: 'revealDiagnostic', id: 'socket-types:updates-1' }]);
    assert.equal(await diagnostic.getAttribute('aria-selected'), 'true');
    await harness.until('the evidence in the details pane', async () => /^Details: /.test((await page.locator('.details-title').textContent()) ?? ''));
    assert.match((await page.locator('.details-title').textContent()) ?? '', /^Details: (READY|close|open|greeting)/);
    assert.equal(await page.locator('g.node.selected, g.edge.selected').count(), 0, 'several connections: no single topology selection');

    await page.keyboard.press('Escape');
    await harness.until('the full list again', async () => (await harness.row('c1', /^frontend #1$/).count()) > 0);
    assert.equal(await diagnostic.getAttribute('aria-selected'), 'false');
  });

  it('forgets the diagnosis when the diagnostics are cleared', async () => {
    diagnostician.clear();
    diagnosticsFeed.changed();
    await harness.until('the empty list', async () => (await row().count()) === 0);
    assert.equal(await harness.page.locator('g.diagnosed').count(), 0, 'markers are gone too');
  });
});
