// The decoder's output: one typed event per greeting, command, message (and optionally frame),
// per direction of a connection. Consumers (sniffer, CLI, inspector, diagnostics) switch on `kind`.

/** c2s: bytes from the peer that connected to the listen endpoint; s2c: the other way. */
export type Direction = 'c2s' | 's2c';

export const oppositeDirection = (dir: Direction): Direction => (dir === 'c2s' ? 's2c' : 'c2s');

/** Frame flag bits (ZMTP 2.0/3.x). */
export const FLAG_MORE = 0x01;
export const FLAG_LONG = 0x02;
export const FLAG_COMMAND = 0x04;

export interface GreetingEvent {
  kind: 'greeting';
  /** Stream offset of the greeting's first byte (always 0 unless the stream was joined mid-way). */
  offset: number;
  /** Framing this side ends up using: "1.0", "2.0", "3.0", "3.1" (3.x minors above 1 follow 3.1 rules, shown as sent). */
  version: string;
  /** 'NULL' | 'PLAIN' | 'CURVE' | 'GSSAPI' | other ASCII; 'NULL' for 1.0/2.0 which have no security. */
  mechanism: string;
  /** The as-server byte as sent; libzmq always sends false, so don't infer roles from it. */
  asServer: boolean;
  /** ZMTP 2.0 carries the socket type in the greeting. */
  socketType?: string;
  /** Greeting length in bytes on this side (0, 12 or 64). */
  length: number;
  /**
   * ZMTP 1.0/2.0: the body of the identity frame that follows the greeting (RFC 13/15). For those
   * versions the greeting event is emitted once that frame has arrived, so it can carry it.
   */
  identity?: Uint8Array;
}

export interface MetadataEntry {
  name: string;
  /** View on the received bytes. */
  value: Uint8Array;
  /** The value as text when it is printable UTF-8. */
  text?: string;
}

export interface CurveBox {
  /** Clear-text nonce: short nonces as a decimal u64 counter, long nonces as hex. */
  nonce: string;
  /** Size of the encrypted box in bytes. */
  boxSize: number;
}

export interface CommandEvent {
  kind: 'command';
  offset: number;
  /** Command name as on the wire (READY, SUBSCRIBE, PING, HELLO, ...). Legacy subscriptions use SUBSCRIBE/CANCEL. */
  name: string;
  /** Total body size of the frame carrying it. */
  size: number;
  /** The command frame's body (name included), a view on the received bytes; may be cut to the retain limit. */
  body: Uint8Array;
  /** True for a `01`/`00` data frame that a SUB/XSUB sent towards a PUB/XPUB (ZMTP 3.0/2.0/1.0 form). */
  legacy?: boolean;
  /** READY / INITIATE (NULL, PLAIN) properties. */
  metadata?: MetadataEntry[];
  /** SUBSCRIBE / CANCEL prefix; empty matches everything. */
  topic?: Uint8Array;
  /** PING time-to-live in deciseconds (0 = no hint). */
  ttl?: number;
  /** PING / PONG context bytes. */
  context?: Uint8Array;
  /** ERROR reason (a ZAP status such as "400" from libzmq). */
  reason?: string;
  /**
   * PLAIN HELLO. The password is masked unless the decoder was asked to reveal it; when masked,
   * `body` (and the frame event's body) is a copy with '*' in place of the password bytes.
   */
  username?: string;
  password?: string;
  passwordMasked?: boolean;
  /** CURVE handshake commands: their clear-text nonce and encrypted box size. */
  curve?: CurveBox;
  /** Content that could not be fully interpreted (the framing itself was fine). */
  problem?: string;
}

export interface Frame {
  /** Stream offset of the flags byte (1.0: the length byte). */
  offset: number;
  flags: number;
  more: boolean;
  /** Declared body size. Beyond 2^53 - 1 this is approximate; such a frame is malformed anyway. */
  size: number;
  /** The first min(size, retainBytes) body bytes: a view on the received chunk when the frame was contiguous. */
  body: Uint8Array;
  /** True when `body` holds fewer bytes than `size`. */
  truncated: boolean;
  /** CURVE MESSAGE frame: nonce and box size; its content is encrypted. */
  curve?: CurveBox;
}

export interface MessageEvent {
  kind: 'message';
  offset: number;
  frames: Frame[];
  /** Sum of the frames' declared sizes. */
  size: number;
  /**
   * Frames left out of `frames` because the message had more frames than the decoder lists per
   * message (memory bound); they still count in `size`.
   */
  omittedFrames?: number;
}

/** Emitted for each frame only when the decoder's `emitFrames` option is on. */
export interface FrameEvent {
  kind: 'frame';
  frame: Frame;
}

export interface DecodeErrorEvent {
  kind: 'error';
  /** Stream offset where the problem was found. */
  offset: number;
  /** What was wrong, in words a person understands. */
  reason: string;
  /** True when the direction stopped decoding and now only counts raw bytes. */
  fatal: boolean;
}

export type ZmtpEvent = GreetingEvent | CommandEvent | MessageEvent | FrameEvent | DecodeErrorEvent;

export interface DecoderOptions {
  /** Body bytes kept per frame (default 1 MiB); larger frames are counted, previewed and not held. */
  retainBytes?: number;
  /** Show PLAIN passwords in clear (default false: masked). */
  revealPasswords?: boolean;
  /** Emit a `frame` event for every frame as well as the grouped `message` (default false). */
  emitFrames?: boolean;
}

/** What one side of a connection has told us about itself so far. */
export interface PeerInfo {
  version?: string;
  mechanism?: string;
  socketType?: string;
  identity?: Uint8Array;
}

export type ConnectionEventListener = (dir: Direction, event: ZmtpEvent) => void;
