import { strict as assert } from 'node:assert';
import { buildInspectorHtml, inspectorCsp, makeNonce } from '../../extension/inspector/html';
import { MAX_ROWS_PER_REQUEST, parseWebviewMessage, PROTOCOL_VERSION } from '../../extension/protocol';

describe('Protocol checks', () => {
  it('accepts well-formed webview messages and clamps request sizes', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'requestRows', requestId: 1, start: 10, count: 100_000 }), { type: 'requestRows', requestId: 1, start: 10, count: MAX_ROWS_PER_REQUEST });
    const ready = parseWebviewMessage({ type: 'ready', protocol: PROTOCOL_VERSION, state: { filter: { text: 'x', directions: ['c2s'] }, follow: false, anchor: 3 }, visibleCount: 10_000 });
    assert.ok(typeof ready !== 'string' && ready.type === 'ready');
    if (typeof ready !== 'string' && ready.type === 'ready') {
      assert.deepEqual(ready.state.filter, { text: 'x', directions: ['c2s'] });
      assert.equal(ready.state.follow, false);
      assert.equal(ready.visibleCount, 400);
    }
  });

  it('says what is wrong with a malformed message', () => {
    assert.match(parseWebviewMessage({ type: 'setFilter', filter: { directions: ['up'] } }) as string, /directions must list "c2s" and\/or "s2c"/);
    assert.match(parseWebviewMessage({ type: 'setFilter', filter: { kinds: 'frames' } }) as string, /kinds must be "all", "data" or "commands"/);
    assert.match(parseWebviewMessage({ type: 'requestDetail', seq: 1.5 }) as string, /whole-number seq/);
    assert.match(parseWebviewMessage({ type: 'explode' }) as string, /unknown message type "explode"/);
  });
});

describe('Inspector HTML', () => {
  const options = { cspSource: 'https://res.test', nonce: makeNonce(), scriptUri: 'https://res.test/dist/webview.js', styleUri: 'https://res.test/media/inspector.css', codiconsUri: 'https://res.test/codicon.css' };

  it('carries the CSP that allows only the nonce script and the resource origin', () => {
    const html = buildInspectorHtml(options);
    assert.ok(html.includes(`content="${inspectorCsp(options.cspSource, options.nonce)}"`));
    assert.equal(inspectorCsp('https://res.test', 'abc'), "default-src 'none'; script-src 'nonce-abc'; style-src https://res.test; font-src https://res.test; img-src https://res.test data:");
    assert.ok(html.includes(`<script nonce="${options.nonce}" src="https://res.test/dist/webview.js">`));
  });

  it('has no inline style or script, and a fresh nonce per load', () => {
    const html = buildInspectorHtml(options);
    assert.ok(!/\sstyle=/.test(html), 'no style attribute');
    assert.ok(!/<style/.test(html), 'no style element');
    assert.equal(html.match(/<script/g)?.length, 1, 'one script element, with src');
    assert.notEqual(makeNonce(), makeNonce());
  });

  it('refuses a nonce that is not one', () => {
    assert.throws(() => buildInspectorHtml({ ...options, nonce: "x' 'unsafe-inline" }), /base64 nonce of at least 16 characters/);
  });
});
