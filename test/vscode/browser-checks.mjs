// Checks made from outside VS Code, through the browser, as a person would: they see what the
// in-host suite cannot (what is drawn, what the palette offers). The runner runs each in order
// after the in-host suite passed; add new checks to the list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './launch.mjs';
import { findWebviewFrame, runCommandFromPalette, webviewOfExtension } from './palette.mjs';

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const extensionId = `${packageJson.publisher}.${packageJson.name}`;

/** The title the palette shows for a contributed command: "Category: Title". */
function paletteTitle(commandId) {
  const entry = (packageJson.contributes?.commands ?? []).find((command) => command.command === commandId);
  if (!entry) throw new Error(`package.json contributes no command ${commandId}`);
  return entry.category ? `${entry.category}: ${entry.title}` : entry.title;
}

/** @type {{ title: string, run: (page: import('playwright-core').Page) => Promise<void> }[]} */
export const browserChecks = [
  {
    title: 'the command palette opens the inspector webview',
    async run(page) {
      await runCommandFromPalette(page, paletteTitle('zmqInspector.openInspector'));
      await findWebviewFrame(page, webviewOfExtension(extensionId), 30_000);
    },
  },
];
