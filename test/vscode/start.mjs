// `npm start`: try the extension in a real VS Code. Desktop VS Code when its `code` command
// exists; otherwise code-server, printed as a URL to open in a browser.
// `npm start -- FOLDER` opens FOLDER as the workspace (default: a fresh empty one).
// ZMQI_USE_CODE_SERVER=1 picks code-server even where desktop VS Code is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildProject, ensureCodeServer, repoRoot, startCodeServer } from './launch.mjs';

function hasDesktopCode() {
  return spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
}

async function main() {
  const workspaceFolder = process.argv[2] && resolve(process.argv[2]);
  if (workspaceFolder && !existsSync(workspaceFolder)) throw new Error(`no folder ${workspaceFolder} to open; pass an existing folder or none.`);
  buildProject();
  if (!process.env.ZMQI_USE_CODE_SERVER && hasDesktopCode()) {
    console.log(`[start] opening desktop VS Code with the extension from ${repoRoot}`);
    const code = spawnSync('code', [`--extensionDevelopmentPath=${repoRoot}`, ...(workspaceFolder ? [workspaceFolder] : [])], { stdio: 'inherit' });
    process.exit(code.status ?? 1);
  }

  ensureCodeServer();
  const vscode = await startCodeServer({ workspaceFolder });
  let closing = false;
  const close = async (exitCode) => {
    if (closing) return;
    closing = true;
    console.log('\n[start] stopping code-server');
    await vscode.stop();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => close(0));
  process.on('SIGTERM', () => close(0));
  vscode.exited.then((code) => {
    if (closing) return;
    console.error(`[start] code-server exited by itself (code ${code}). Its last output:\n${vscode.output()}`);
    close(1);
  });

  console.log('');
  console.log('[start] VS Code with ZeroMQ Inspector is running. Open this address in a browser:');
  console.log('');
  console.log(`    ${vscode.url}`);
  console.log('');
  console.log('[start] It listens on 127.0.0.1 only (use an SSH tunnel from another machine). Ctrl+C stops it.');
}

main().catch((error) => {
  console.error(`[start] ${error.message}`);
  process.exit(1);
});
