import { strict as assert } from 'node:assert';
import { EndpointError, formatEndpoint, parseEndpoint, type Endpoint } from '../../extension/sniffer/endpoint';

describe('parseEndpoint', () => {
  const accepted: [string, 'listen' | 'target', Endpoint][] = [
    ['tcp://127.0.0.1:5555', 'target', { transport: 'tcp', host: '127.0.0.1', port: 5555 }],
    ['tcp://localhost:5555', 'target', { transport: 'tcp', host: 'localhost', port: 5555 }],
    ['tcp://broker.example.com:65535', 'target', { transport: 'tcp', host: 'broker.example.com', port: 65535 }],
    ['tcp://[::1]:5555', 'target', { transport: 'tcp', host: '::1', port: 5555 }],
    ['tcp://[fe80::1%eth0]:5555', 'target', { transport: 'tcp', host: 'fe80::1%eth0', port: 5555 }],
    ['tcp://*:5555', 'listen', { transport: 'tcp', host: '*', port: 5555 }],
    ['tcp://127.0.0.1:0', 'listen', { transport: 'tcp', host: '127.0.0.1', port: 0 }],
    ['tcp://127.0.0.1:*', 'listen', { transport: 'tcp', host: '127.0.0.1', port: 0 }],
    ['TCP://127.0.0.1:5555', 'target', { transport: 'tcp', host: '127.0.0.1', port: 5555 }],
    ['  tcp://127.0.0.1:5555\n', 'target', { transport: 'tcp', host: '127.0.0.1', port: 5555 }],
    ['5555', 'listen', { transport: 'tcp', host: '127.0.0.1', port: 5555 }],
    [':5555', 'listen', { transport: 'tcp', host: '127.0.0.1', port: 5555 }],
    ['*', 'listen', { transport: 'tcp', host: '127.0.0.1', port: 0 }],
    [':*', 'listen', { transport: 'tcp', host: '127.0.0.1', port: 0 }],
    ['0', 'listen', { transport: 'tcp', host: '127.0.0.1', port: 0 }],
    ['ipc:///tmp/app.ipc', 'target', { transport: 'ipc', path: '/tmp/app.ipc' }],
    ['ipc://app.ipc', 'listen', { transport: 'ipc', path: 'app.ipc' }],
    ['ipc://./run/app.ipc', 'listen', { transport: 'ipc', path: './run/app.ipc' }],
  ];
  if (process.platform === 'linux') accepted.push(['ipc://@zmq-app', 'target', { transport: 'ipc', path: '@zmq-app' }]);

  for (const [text, role, expected] of accepted) {
    it(`accepts ${JSON.stringify(text)} as a ${role} endpoint`, () => {
      assert.deepEqual(parseEndpoint(text, role), expected);
    });
  }

  it('uses the given default host for a bare listen port', () => {
    assert.deepEqual(parseEndpoint('6000', 'listen', '::1'), { transport: 'tcp', host: '::1', port: 6000 });
  });

  const rejected: [string, 'listen' | 'target', RegExp][] = [
    ['', 'listen', /empty; write it like tcp:\/\/127\.0\.0\.1:5555/],
    ['127.0.0.1:5555', 'target', /no scheme; write tcp:\/\/127\.0\.0\.1:5555/],
    ['/tmp/app.ipc', 'target', /no scheme; write ipc:\/\/\/tmp\/app\.ipc/],
    ['tcp:127.0.0.1:5555', 'target', /needs ":\/\/" after "tcp"; write tcp:\/\/127\.0\.0\.1:5555/],
    ['inproc://workers', 'target', /inproc:\/\/ traffic never leaves its process/],
    ['pgm://eth0;239.192.1.1:5555', 'target', /pgm:\/\/ is a ZeroMQ transport the relay does not support.*only tcp:\/\/ and ipc:\/\//],
    ['http://127.0.0.1:80', 'target', /"http:\/\/" is not a transport the relay knows/],
    ['tcp://127.0.0.1', 'target', /has no port; write it like tcp:\/\/127\.0\.0\.1:5555/],
    ['tcp://127.0.0.1:', 'target', /has no port/],
    ['tcp://:5555', 'target', /has no host; write tcp:\/\/127\.0\.0\.1:5555/],
    ['tcp://:5555', 'listen', /or tcp:\/\/\*:5555 for every interface/],
    ['tcp://127.0.0.1:65536', 'target', /port "65536"; a port is a number from 1 to 65535/],
    ['tcp://127.0.0.1:55x', 'listen', /port "55x".*or \* for any free port/],
    ['tcp://127.0.0.1:-1', 'target', /port "-1"/],
    ['tcp://127.0.0.1:0', 'target', /port 0 \(any free port\), which can only be used for listening/],
    ['tcp://127.0.0.1:*', 'target', /port \* \(any free port\)/],
    ['tcp://*:5555', 'target', /is a wildcard.*write the server's address, e\.g\. tcp:\/\/127\.0\.0\.1:5555/],
    ['tcp://0.0.0.0:5555', 'target', /is a wildcard/],
    ['tcp://[::]:5555', 'target', /is a wildcard/],
    ['tcp://::1:5555', 'target', /IPv6 address without brackets; write tcp:\/\/\[::1\]:5555/],
    ['tcp://[127.0.0.1]:5555', 'target', /not an IPv6 address/],
    ['tcp://bad_host!:5555', 'target', /"bad_host!", which is not a host name or IP address/],
    ['tcp://127.0.0.1:5555/path', 'target', /path after the port/],
    ['tcp://192.168.1.2;127.0.0.1:5555', 'target', /source address/],
    ['5555', 'target', /only a port; say which host the server is on, e\.g\. tcp:\/\/127\.0\.0\.1:5555/],
    ['*', 'target', /"\*" is a wildcard, which only makes sense for listening/],
    ['0', 'target', /"0" is only a port; say which host the server is on, e\.g\. tcp:\/\/127\.0\.0\.1:5555/],
    ['ipc://', 'target', /has no path; write e\.g\. ipc:\/\/\/tmp\/app\.ipc/],
    ['ipc://*', 'listen', /generated name/],
    ['ipc://a\0b', 'listen', /NUL character/],
  ];

  for (const [text, role, message] of rejected) {
    it(`rejects ${JSON.stringify(text)} as a ${role} endpoint with a clear message`, () => {
      assert.throws(
        () => parseEndpoint(text, role),
        (error: unknown) => error instanceof EndpointError && message.test(error.message),
      );
    });
  }
});

describe('formatEndpoint', () => {
  const roundTrips: [string, 'listen' | 'target'][] = [
    ['tcp://127.0.0.1:5555', 'target'],
    ['tcp://[::1]:5555', 'target'],
    ['tcp://*:7000', 'listen'],
    ['tcp://localhost:0', 'listen'],
    ['ipc:///tmp/app.ipc', 'target'],
    ['ipc://relative/app.ipc', 'listen'],
  ];
  if (process.platform === 'linux') roundTrips.push(['ipc://@abstract-name', 'listen']);
  for (const [text, role] of roundTrips) {
    it(`round-trips ${text}`, () => {
      const parsed = parseEndpoint(text, role);
      assert.equal(formatEndpoint(parsed), text);
      assert.deepEqual(parseEndpoint(formatEndpoint(parsed), role), parsed);
    });
  }

  it('writes a bare listen port out in full', () => {
    assert.equal(formatEndpoint(parseEndpoint(':5555', 'listen')), 'tcp://127.0.0.1:5555');
  });
});
