// The inspector webview's HTML. Free of `vscode` so the browser tests build the very same page.
// Scripts run only with the per-load nonce; styles, fonts and images only from the webview's own
// resource origin; no inline script or style anywhere (the script styles through CSSOM/classes).
import { randomBytes } from 'node:crypto';

export interface InspectorHtmlOptions {
  /** `webview.cspSource`: the origin the webview loads its resources from. */
  cspSource: string;
  nonce: string;
  /** URIs as the webview must load them (`webview.asWebviewUri(...)`). */
  scriptUri: string;
  /** media/inspector.css; diagnostics.css, stepping.css and compose.css are loaded from the same folder. */
  styleUri: string;
  codiconsUri: string;
}

/** A fresh nonce for one HTML load: 128 random bits, base64. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function inspectorCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Stylesheets loaded beside media/inspector.css (the styleUri), from the same folder. */
export const SIBLING_STYLESHEETS = ['diagnostics.css', 'stepping.css', 'compose.css'];

export function buildInspectorHtml(options: InspectorHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(options.nonce)) throw new Error('The inspector HTML needs a base64 nonce of at least 16 characters (use makeNonce()).');
  const csp = escapeAttribute(inspectorCsp(options.cspSource, options.nonce));
  // Siblings of the main stylesheet, so every caller (panel, browser tests) gets them without a new option.
  const siblingStyles = SIBLING_STYLESHEETS.map((name) => new URL(name, options.styleUri).toString());
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(options.codiconsUri)}">
<link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">
${siblingStyles.map((uri) => `<link rel="stylesheet" href="${escapeAttribute(uri)}">`).join('\n')}
<title>ZeroMQ Inspector</title>
</head>
<body>
<div id="app" class="app" aria-busy="true"><p class="loading">Loading the ZeroMQ Inspector…</p></div>
<script nonce="${escapeAttribute(options.nonce)}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
