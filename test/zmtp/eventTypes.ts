// Event types re-exported for tests, with the error event under a name that does not clash with Error.
export type { CommandEvent, Direction, MessageEvent, ZmtpEvent, DecodeErrorEvent as ErrorLikeEvent } from '../../extension/zmtp/types';
