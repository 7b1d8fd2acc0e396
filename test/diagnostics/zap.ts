// A ZAP handler (RFC 27) in its own zeromq context, so each test decides about authentication
// without racing other test files for the process-wide inproc://zeromq.zap.01 endpoint.
import * as zmq from 'zeromq';

export type ZapDecision = (mechanism: string, credentials: Buffer[]) => boolean;

/** Serves ZAP requests in `context`; the returned function stops it. */
export async function startZapHandler(context: zmq.Context, decide: ZapDecision): Promise<() => Promise<void>> {
  const handler = new zmq.Reply({ context, linger: 0 });
  await handler.bind('inproc://zeromq.zap.01');
  const serving = (async () => {
    try {
      for await (const [version, requestId, , , , mechanism, ...credentials] of handler) {
        const ok = decide(mechanism.toString(), credentials);
        await handler.send([version, requestId, ok ? '200' : '400', ok ? 'OK' : 'denied', '', '']);
      }
    } catch {
      // The handler was closed at the end of the test.
    }
  })();
  return async () => {
    handler.close();
    await serving;
  };
}
