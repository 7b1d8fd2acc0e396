import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { Relay, RelayError, type RelayErrorCode, type RelayOptions } from '../../extension/sniffer/relay';
import { listenError } from '../../extension/sniffer/relayErrors';
import { connectRaw, rawServer, temporaryDirectory, type RawServer } from '../support/rawPeers';

describe('Relay.start problems', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let target: RawServer;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  beforeEach(async () => {
    directory = await temporaryDirectory();
    target = await rawServer('tcp');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await target.close();
    await directory.remove();
  });

  async function startFails(options: Partial<RelayOptions>, code: RelayErrorCode, message: RegExp | string): Promise<void> {
    const attempt = Relay.start({ listen: 'tcp://127.0.0.1:0', target: target.endpoint, ...options });
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof RelayError, `expected a RelayError, got ${String(error)}`);
      assert.equal(error.code, code);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  }

  async function listening(where: number | string): Promise<Server> {
    const server = createServer();
    await new Promise<void>((resolve) => (typeof where === 'number' ? server.listen({ host: '127.0.0.1', port: where }, resolve) : server.listen({ path: where }, resolve)));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return server;
  }

  it('says which TCP address is taken and what to do', async () => {
    const occupant = await listening(0);
    const { port } = occupant.address() as { port: number };
    await startFails({ listen: `tcp://127.0.0.1:${port}` }, 'address-in-use', `127.0.0.1:${port} is already in use by another program; pick another listen port or stop that program.`);
  });

  it('refuses an ipc path another server is accepting on, and leaves it alone', async () => {
    const path = directory.file('busy.ipc');
    await listening(path);
    await startFails({ listen: `ipc://${path}` }, 'address-in-use', /busy\.ipc is already in use: a server is accepting connections on it/);
    assert.ok(lstatSync(path).isSocket());
  });

  it('replaces a stale socket file left by a server that died', async () => {
    const path = directory.file('stale.ipc');
    const crash = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.equal(crash.signal, 'SIGKILL');
    assert.ok(lstatSync(path).isSocket(), 'the crashed server should have left its socket file behind');
    const relay = await Relay.start({ listen: `ipc://${path}`, target: target.endpoint });
    cleanups.push(() => relay.stop());
    const client = await connectRaw(relay.listenEndpoint);
    client.destroy();
    await relay.stop();
    assert.ok(!existsSync(path), 'stop() removes the socket file the relay created');
  });

  it('will not replace a file that is not a socket', async () => {
    const path = directory.file('notes.txt');
    writeFileSync(path, 'precious');
    await startFails({ listen: `ipc://${path}` }, 'ipc-path', /notes\.txt already exists and is not a socket file; the relay will not replace it/);
    assert.equal(readFileSync(path, 'utf8'), 'precious');
  });

  it('says when the directory for the socket file is missing', async () => {
    await startFails({ listen: `ipc://${directory.file('no-such-dir/relay.ipc')}` }, 'ipc-path', /the directory .*no-such-dir does not exist; create it or choose another path/);
  });

  it('says when the socket path is too long', async () => {
    const path = directory.file('x'.repeat(120));
    await startFails({ listen: `ipc://${path}` }, 'ipc-path', /bytes long; socket paths may have at most 107/);
  });

  it('rejects bad endpoints, strings or objects, as endpoint errors', async () => {
    await startFails({ listen: 'inproc://workers' }, 'endpoint', /inproc:\/\/ traffic never leaves its process/);
    await startFails({ target: 'tcp://*:5555' }, 'endpoint', /is a wildcard/);
    await startFails({ target: { transport: 'tcp', host: '127.0.0.1', port: 70000 } }, 'endpoint', /port "70000"; a port is a number from 1 to 65535/);
  });

  it('refuses to relay to itself', async () => {
    const port = (target.endpoint.match(/:(\d+)$/) ?? [])[1];
    await target.close();
    await startFails({ listen: `tcp://127.0.0.1:${port}`, target: `tcp://localhost:${port}` }, 'endpoint', /is the relay's own listen endpoint/);
    await startFails({ listen: `tcp://*:${port}`, target: `tcp://127.0.0.1:${port}` }, 'endpoint', /own listen endpoint/);
    target = await rawServer('tcp');
  });

  it('rejects a connect timeout that is not a sensible number of milliseconds', async () => {
    await startFails({ connectTimeoutMs: 0 }, 'other', /connectTimeoutMs is 0; give a number of milliseconds above 0/);
    await startFails({ connectTimeoutMs: Number.NaN }, 'other', /connectTimeoutMs is NaN/);
  });
});

describe('listenError', () => {
  // These tests run as root here, where the kernel grants every bind; so the mapping is fed the
  // errno-shaped errors Node raises, instead of provoking them.
  const systemError = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

  it('explains privileged ports', () => {
    const error = listenError(systemError('EACCES'), { transport: 'tcp', host: '127.0.0.1', port: 80 });
    assert.equal(error.code, 'permission');
    assert.equal(error.message, 'Not allowed to listen on 127.0.0.1:80: ports below 1024 need special privileges; pick a port from 1024 up.');
  });

  it('explains an unwritable socket directory', () => {
    const error = listenError(systemError('EACCES'), { transport: 'ipc', path: '/var/run/app.ipc' });
    assert.equal(error.code, 'permission');
    assert.match(error.message, /^Not allowed to create the socket file ipc:\/\/\/var\/run\/app\.ipc: no write permission in its directory/);
  });

  it('keeps the system message for anything unforeseen', () => {
    const error = listenError(systemError('EMFILE'), { transport: 'tcp', host: '127.0.0.1', port: 5555 });
    assert.equal(error.code, 'other');
    assert.equal(error.message, 'Could not listen on 127.0.0.1:5555: listen EMFILE.');
  });
});
