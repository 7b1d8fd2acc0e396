// Pause Traffic on behalf of sessions: a debug session that is paused (zmqInspector.stepping.
// holdWhenDebuggerPauses) or an example run started in step mode. Traffic is held while any such
// session wants it, and let go once the last one is done. It only ever lets go of a hold it made
// itself: if the user had pressed Pause before, or pressed Pause or Continue in between, the
// decision is theirs. Free of `vscode`: extension/vscode/debugPause.ts and runCommands.ts feed it.

/** The part of TrafficControl this needs. */
export interface HoldableTraffic {
  readonly holdingAll: boolean;
  hold(): void;
  continue(): void;
  onChange(listener: () => void): () => void;
  /** Pause or Continue pressed by the user (a command, an inspector button, a notification). */
  onUserAction(listener: () => void): () => void;
}

/** Sessions followed at once; beyond this a request to hold is ignored (a leak guard, not a real limit). */
export const MAX_HOLDING_SESSIONS = 256;

export class SessionHolds {
  /** Sessions that want traffic held now. */
  private readonly holding = new Set<string>();
  /** The current Pause is ours: true from our hold() until we (or the user) release it. */
  private ours = false;
  private readonly stopWatching: (() => void)[];

  constructor(private readonly traffic: HoldableTraffic) {
    this.stopWatching = [
      // Traffic let go by anyone ends the hold; a Pause or Continue of the user's makes it theirs.
      traffic.onChange(() => {
        if (!traffic.holdingAll) this.ours = false;
      }),
      traffic.onUserAction(() => (this.ours = false)),
    ];
  }

  /** `session` wants traffic held (the debugger stopped; a step-mode run starts). */
  hold(session: string): void {
    if (!this.holding.has(session) && this.holding.size >= MAX_HOLDING_SESSIONS) return;
    this.holding.add(session);
    if (this.traffic.holdingAll) return; // held already: by us for another session, or by the user
    this.traffic.hold();
    this.ours = true;
  }

  /** `session` is done (the debuggee runs again, the session or run ended). */
  release(session: string): void {
    if (!this.holding.delete(session) || this.holding.size > 0 || !this.ours) return;
    this.ours = false;
    if (this.traffic.holdingAll) this.traffic.continue();
  }

  /** Sessions holding now, for tests. */
  get holdingSessions(): number {
    return this.holding.size;
  }

  dispose(): void {
    this.stopWatching.forEach((stop) => stop());
  }
}
