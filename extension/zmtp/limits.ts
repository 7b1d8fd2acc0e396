// Memory bounds of one decoder direction, besides DecoderOptions.retainBytes.

export const DEFAULT_RETAIN_BYTES = 1024 * 1024;

/** A multipart message keeps at most this many times retainBytes of frame bodies in total. */
export const MESSAGE_RETAIN_FACTOR = 4;

/** Frames listed per message; later frames are only counted (MessageEvent.omittedFrames). */
export const MAX_LISTED_FRAMES = 1024;

/**
 * Bytes a direction may buffer while it cannot be decoded yet because the other side has not shown
 * its ZMTP version. libzmq sends nothing past byte 12 before that, so real peers stay far below.
 */
export const MAX_WAITING_BYTES = 64 * 1024;

/** PING/PONG context is 0 to 16 bytes (RFC 37). */
export const MAX_PING_CONTEXT = 16;
