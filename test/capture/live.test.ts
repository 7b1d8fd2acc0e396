// Passive live capture: tcpdump and dumpcap watch a port of an application that was not
// reconfigured, and its messages arrive while it runs. Missing tools and missing permission give
// messages that say what to install or grant; those run in a child process with a PATH without the
// tools, or as the unprivileged user "nobody", so the real failure is what is checked.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { LiveCaptureError } from '../../extension/capture/errors';
import { startPortCapture, type CaptureTool } from '../../extension/capture/liveCapture';
import type { SnifferEvent } from '../../extension/sniffer/types';
import { requireTool, waitFor } from './tools';

const liveCaptureModule = join(__dirname, '..', '..', 'extension', 'capture', 'liveCapture.js');

/** Runs startPortCapture in a child node process; returns the LiveCaptureError it got, as {code, message}. */
async function captureInChild(spawnOptions: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number }, tool: string): Promise<{ code: string; message: string }> {
  const script = `
    require(${JSON.stringify(liveCaptureModule)}).startPortCapture({ port: 5555, tool: ${JSON.stringify(tool)}, interface: 'lo', onEvent() {} })
      .then(async (capture) => { await capture.stop(); console.log(JSON.stringify({ code: 'started', message: '' })); },
            (error) => console.log(JSON.stringify({ code: error.code ?? 'thrown', message: error.message })));`;
  const child = spawn(process.execPath, ['-e', script], { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await once(child, 'close');
  clearTimeout(timer);
  if (stdout.trim() === '') throw new Error(`the child printed nothing; stderr: ${stderr}`);
  return JSON.parse(stdout.trim()) as { code: string; message: string };
}

async function liveRun(tool: CaptureTool): Promise<void> {
  const server = new zmq.Reply({ linger: 0 });
  const client = new zmq.Request({ linger: 0 });
  const events: SnifferEvent[] = [];
  const messages = () => events.filter((event) => event.type === 'zmtp' && event.event.kind === 'message').map((event) => event.type === 'zmtp' && event.event.kind === 'message' && event.event.frames.map((frame) => Buffer.from(frame.body).toString()).join('|'));
  let capture: Awaited<ReturnType<typeof startPortCapture>> | undefined;
  try {
    await server.bind('tcp://127.0.0.1:*');
    const port = Number((server.lastEndpoint as string).split(':').pop());
    capture = await startPortCapture({ port, tool, interface: 'lo', onEvent: (event) => events.push(event) });
    assert.equal(capture.tool, tool);
    client.connect(server.lastEndpoint as string);
    await client.send('ping 1');
    await server.receive();
    await server.send('pong 1');
    await client.receive();
    // Live: the exchange shows up while the application still runs and the capture still captures.
    await waitFor(`${tool} to deliver the first exchange live`, () => messages().length >= 2, 10_000);
    assert.deepEqual(messages(), ['|ping 1', '|pong 1']);
    const open = events.find((event) => event.type === 'open');
    assert.equal(open?.type === 'open' && open.target, `tcp://127.0.0.1:${port}`);
    client.close();
    await waitFor(`${tool} to report the connection closed`, () => events.some((event) => event.type === 'close'), 10_000);
    const result = await capture.stop();
    assert.equal(result.connections.length, 1);
    assert.deepEqual(result.connections[0].socketTypes, { c2s: 'REQ', s2c: 'REP' });
  } finally {
    if (!client.closed) client.close();
    server.close();
    await capture?.stop().catch(() => undefined);
  }
}

describe('live capture through tcpdump and dumpcap', function () {
  this.timeout(30_000);
  before(() => {
    requireTool('tcpdump');
    requireTool('tshark');
  });

  it('tcpdump: a REQ/REP exchange on a port shows live, decoded, without reconfiguring the peers', () => liveRun('tcpdump'));

  it('dumpcap (pcapng on its standard output): the same exchange shows live', () => liveRun('dumpcap'));

  it('when neither tool is installed the error names both packages to install', async () => {
    const result = await captureInChild({ env: { ...process.env, PATH: '/nonexistent' } }, 'auto');
    assert.equal(result.code, 'missing-tool');
    assert.match(result.message, /tcpdump and dumpcap are not installed \(or not on the PATH\)/);
    assert.match(result.message, /apt-get install tcpdump/);
    assert.match(result.message, /apt-get install tshark/);
  });

  it('when tcpdump may not capture (an unprivileged user) the error names CAP_NET_RAW and the setcap command', async () => {
    assert.equal(process.getuid?.(), 0, 'this test starts the child as "nobody" and needs to run as root (as CI does)');
    const result = await captureInChild({ uid: 65534, gid: 65534 }, 'tcpdump');
    assert.equal(result.code, 'not-permitted', result.message);
    assert.match(result.message, /CAP_NET_RAW/);
    assert.match(result.message, /setcap cap_net_raw,cap_net_admin=eip \$\(which tcpdump\)/);
    assert.match(result.message, /tcpdump said: .*(permission|not permitted)/i);
  });

  it('a bad port or interface name is refused before anything runs; an unknown interface is named', async () => {
    for (const [options, pattern] of [
      [{ port: 0 }, /port to capture must be a whole number from 1 to 65535, got 0/],
      [{ port: 5555, interface: '-w' }, /"-w" is not a network interface name/],
    ] as const) {
      await assert.rejects(startPortCapture({ ...options, onEvent: () => {} }), (error: unknown) => error instanceof LiveCaptureError && error.code === 'bad-option' && pattern.test(error.message));
    }
    await assert.rejects(startPortCapture({ port: 5555, tool: 'tcpdump', interface: 'nosuchif0', onEvent: () => {} }), (error: unknown) => error instanceof LiveCaptureError && /no network interface "nosuchif0"/.test(error.message));
  });
});
