// A loopback port nothing listens on right now, for endpoints a program must be told in advance
// (another process may take it before it is used, so callers must cope with "address in use").
import * as net from 'node:net';

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
