import { strict as assert } from 'node:assert';
import { buildInspectorHtml, inspectorCsp, makeNonce } from '../../extension/inspector/html';
import { MAX_COMPOSE_TEXT, MAX_ROWS_PER_REQUEST, parseWebviewMessage, PROTOCOL_VERSION } from '../../extension/protocol';

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

  it('checks the step-mode, compose and focus messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'traffic', action: 'step', conn: 'hello-1/hello#1', extra: 1 }), { type: 'traffic', action: 'step', conn: 'hello-1/hello#1' });
    assert.deepEqual(parseWebviewMessage({ type: 'traffic', action: 'continue' }), { type: 'traffic', action: 'continue' });
    assert.match(parseWebviewMessage({ type: 'traffic', action: 'rewind' }) as string, /"hold", "step", "stepFrame" or "continue"/);
    assert.match(parseWebviewMessage({ type: 'traffic', action: 'hold', conn: 7 }) as string, /connection key/);
    assert.deepEqual(parseWebviewMessage({ type: 'send', requestId: 3, socket: 'sniff-2', format: 'hex', text: 'de ad' }), { type: 'send', requestId: 3, socket: 'sniff-2', format: 'hex', text: 'de ad' });
    assert.match(parseWebviewMessage({ type: 'send', requestId: 3, socket: 'sniff-2', format: 'html', text: '' }) as string, /format must be one of text, hex, json, file/);
    assert.match(parseWebviewMessage({ type: 'send', requestId: 3, socket: '', format: 'text', text: '' }) as string, /socket id/);
    assert.match(parseWebviewMessage({ type: 'send', requestId: 3, socket: 's', format: 'text', text: 'x'.repeat(MAX_COMPOSE_TEXT + 1) }) as string, /at most/);
    assert.deepEqual(parseWebviewMessage({ type: 'resend', requestId: 4, socket: 's', seq: 12 }), { type: 'resend', requestId: 4, socket: 's', seq: 12 });
    assert.match(parseWebviewMessage({ type: 'resend', requestId: 4, socket: 's', seq: -1 }) as string, /whole numbers requestId and seq/);
    assert.deepEqual(parseWebviewMessage({ type: 'newSocket', socket: 'ignored' }), { type: 'newSocket' });
    assert.deepEqual(parseWebviewMessage({ type: 'focus', focused: false }), { type: 'focus', focused: false });
    assert.match(parseWebviewMessage({ type: 'focus', focused: 'yes' }) as string, /boolean "focused"/);
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
