// Shared by the integration spec files: the extension's test API, polling waits, the inspector
// tab, and checks that a port is free. Not a test file itself (the suite loads *.spec.js only).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as vscode from 'vscode';
import * as zmq from 'zeromq';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import type { RowSummary } from '../../../extension/protocol';
import type { Run } from '../../../extension/vscode/runs';

export const extensionId = 'zeromq-inspector.zeromq-inspector';
export const inspectorViewType = 'zmqInspector.inspector';
export const waitMs = 15_000;

export async function extensionApi(): Promise<ZmqInspectorApi> {
  const extension = vscode.extensions.getExtension<ZmqInspectorApi>(extensionId);
  assert.ok(extension, `extension ${extensionId} is not loaded; is the development path the repository root?`);
  const api = await extension.activate();
  assert.ok(api?.store && api.runtime, 'activate() returned no test API ({ store, runtime, ... })');
  return api;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` every 100 ms until it returns something other than undefined. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = waitMs): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(100);
  }
}

export function inspectorTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    // VS Code prefixes the view type of extension webviews (e.g. "mainThreadWebview-").
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(inspectorViewType));
}

/** Every stored row whose connection belongs to the run `runKey` (its sources' ids start with it). */
export function rowsOfRun(api: ZmqInspectorApi, runKey: string): RowSummary[] {
  const { store } = api;
  const rows: RowSummary[] = [];
  for (let seq = store.firstSeq; seq < store.endSeq; seq++) {
    const row = store.summary(seq);
    if (row && (row.conn.startsWith(`${runKey}/`) || row.conn.startsWith(`${runKey}#`))) rows.push(row);
  }
  return rows;
}

export const portOf = (endpoint: string): number => Number(/:(\d+)$/.exec(endpoint)?.[1]);

const tcpStates: Record<string, string> = { '01': 'ESTABLISHED', '06': 'TIME_WAIT', '08': 'CLOSE_WAIT', '0A': 'LISTEN' };

/** Sockets on this machine whose local port is `port` (Linux /proc), and whether this process owns them. */
function socketsOnPort(port: number): { state: string; ours: boolean }[] {
  const ownInodes = new Set(
    fs.readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [/^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`))?.[1] ?? ''];
      } catch {
        return []; // closed while listing
      }
    }),
  );
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    fs
      .readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => ({ state: tcpStates[fields[3]] ?? fields[3], ours: ownInodes.has(fields[9]) })),
  );
}

/**
 * Checks that nothing of this process holds `port` any more: a plain TCP server can bind it. Other
 * programs on a shared machine may take a freed port as the local port of their own connections;
 * then the bind fails for reasons not ours, so the sockets on the port are examined instead, and
 * only a socket owned by this process (a listener or connection the stop left behind) fails.
 */
export async function assertPortFree(port: number, what = `port ${port}`): Promise<void> {
  const bound = await new Promise<true | Error>((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => resolve(error));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (bound === true) return;
  const holders = socketsOnPort(port);
  const ours = holders.filter((socket) => socket.ours);
  if (ours.length > 0 || holders.length === 0) {
    throw new Error(`${what} (${port}) is still taken: ${bound.message}; this process holds ${JSON.stringify(ours.map((socket) => socket.state))}`);
  }
  console.log(`      note: ${what} (${port}) is free of this process's sockets, but another program took it meanwhile (${holders.map((socket) => socket.state).join(', ')})`);
}

/** A port that was free a moment ago on 127.0.0.1. */
export { freeLoopbackPort as freePort } from '../../../extension/sniffer/freePort';

/** Stops whatever a test left running, so the next test starts from nothing. */
export async function stopEverything(api: ZmqInspectorApi): Promise<void> {
  await vscode.commands.executeCommand('zmqInspector.stopAll');
  assert.deepEqual(api.runtime.live().map((run) => run.key), [], 'Stop All left runs alive');
}

/** The tree as the view shows it: label and description of a node's children. */
export function treeChildren(api: ZmqInspectorApi, node?: Parameters<ZmqInspectorApi['tree']['getChildren']>[0]) {
  return api.tree.getChildren(node).map((child) => {
    const item = api.tree.getTreeItem(child);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    return { node: child, label, description: String(item.description ?? ''), contextValue: item.contextValue };
  });
}

/**
 * For a describe block: activates the extension once before its tests and stops everything after
 * each one. Returns the API getter to use inside the tests.
 */
export function useExtension(): () => ZmqInspectorApi {
  let api: ZmqInspectorApi | undefined;
  before(async () => {
    api = await extensionApi();
  });
  afterEach(async () => {
    if (api) await stopEverything(api);
  });
  return () => {
    assert.ok(api, 'the extension API is not there yet (used outside a test?)');
    return api;
  };
}

/**
 * Checks every tcp port a run held: each sniffer's listen port and, for an example, the socket its
 * sniffer forwarded to (a user sniffer's target is the user's server, which stays).
 */
export async function assertRunPortsFree(run: Run): Promise<void> {
  const endpoints = run.sniffers().flatMap(({ source }) => [
    { what: `${run.key} sniffer "${source.name}" listen ${source.listen}`, endpoint: source.listen },
    ...(run.kind === 'example' ? [{ what: `${run.key} socket behind "${source.name}" ${source.target}`, endpoint: source.target }] : []),
  ]);
  const tcp = endpoints.filter(({ endpoint }) => endpoint.startsWith('tcp://'));
  assert.ok(tcp.length > 0, `${run.key} had no tcp endpoints to check`);
  for (const { what, endpoint } of tcp) await assertPortFree(portOf(endpoint), what);
}

/**
 * A REQ of the test (closed by the caller through `sockets`) connects to `endpoint` and does one
 * round trip with `rep`: checks that `request` arrived and that `reply` came back.
 */
export async function requestReply(endpoint: string, rep: zmq.Reply, sockets: zmq.Socket[], request: string | string[], reply: string): Promise<void> {
  const req = new zmq.Request({ linger: 0, receiveTimeout: 10_000 });
  sockets.push(req);
  req.connect(endpoint);
  await req.send(request);
  assert.deepEqual((await rep.receive()).map(String), typeof request === 'string' ? [request] : request);
  await rep.send(reply);
  assert.equal(String((await req.receive())[0]), reply);
}
