// The relay must keep forwarding whatever its observer does: every call is caught here, and the
// first failure is reported once (an observer that throws usually throws on every chunk).
import type { RelayObserver } from './types';

export type ObserverErrorHandler = (message: string, error: unknown) => void;

type Callback = keyof RelayObserver;

export function guardObserver(observer: RelayObserver | undefined, onError: ObserverErrorHandler): Required<RelayObserver> {
  let reported = false;
  const call = (name: Callback, connectionId: number, args: unknown[]): void => {
    const callback = observer?.[name] as ((...callArgs: unknown[]) => void) | undefined;
    if (!callback) return;
    try {
      callback.apply(observer, args);
    } catch (error) {
      if (reported) return;
      reported = true;
      const text = error instanceof Error ? error.message : String(error);
      onError(`The relay observer's ${name} threw on connection ${connectionId}: ${text}. Forwarding goes on; later observer errors are not reported.`, error);
    }
  };
  return {
    onOpen: (conn) => call('onOpen', conn.id, [conn]),
    onData: (conn, dir, chunk) => call('onData', conn.id, [conn, dir, chunk]),
    onEnd: (conn, dir) => call('onEnd', conn.id, [conn, dir]),
    onClose: (conn, reason, detail, bytes) => call('onClose', conn.id, [conn, reason, detail, bytes]),
    onBackpressure: (conn, dir, bufferedBytes) => call('onBackpressure', conn.id, [conn, dir, bufferedBytes]),
  };
}
