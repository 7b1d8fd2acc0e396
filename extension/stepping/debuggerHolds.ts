// "Hold traffic when the debugger pauses": while any debug session is stopped (breakpoint,
// exception, step), traffic is held, and once the last one runs again what was held is let go.
// It only ever lets go of a hold it made itself: if the user had pressed Pause before the
// debugger stopped, or pressed Continue or Pause while it was stopped, the decision is theirs.
// Free of `vscode`: extension/vscode/debugPause.ts feeds it the debug adapters' messages.

/** The part of TrafficControl this needs. */
export interface HoldableTraffic {
  readonly holdingAll: boolean;
  hold(): void;
  continue(): void;
}

/** Debug sessions followed at once; beyond this a stop is ignored (a leak guard, not a real limit). */
export const MAX_STOPPED_SESSIONS = 256;

export class DebuggerHolds {
  /** Sessions stopped now. */
  private readonly stopped = new Set<string>();
  /** The current Pause is ours: true from our hold() until we (or the user) release it. */
  private ours = false;

  constructor(
    private readonly traffic: HoldableTraffic,
    /** Read at each stop: the setting zmqInspector.stepping.holdWhenDebuggerPauses. */
    private readonly enabled: () => boolean,
  ) {}

  /** The adapter said `stopped`. */
  sessionStopped(session: string): void {
    if (!this.enabled()) return;
    if (!this.stopped.has(session) && this.stopped.size >= MAX_STOPPED_SESSIONS) return;
    this.stopped.add(session);
    if (this.traffic.holdingAll) return; // held already: by us for another session, or by the user
    this.traffic.hold();
    this.ours = true;
  }

  /** The adapter said `continued`, or the client asked to continue or step. */
  sessionResumed(session: string): void {
    if (!this.stopped.delete(session) || this.stopped.size > 0) return;
    this.release();
  }

  /** The session ended (or its adapter exited). */
  sessionEnded(session: string): void {
    this.sessionResumed(session);
  }

  /** The user pressed Pause or Continue themselves: from now on the hold is theirs. */
  userActed(): void {
    this.ours = false;
  }

  /** Sessions stopped now, for tests. */
  get stoppedSessions(): number {
    return this.stopped.size;
  }

  private release(): void {
    if (!this.ours) return;
    this.ours = false;
    if (this.traffic.holdingAll) this.traffic.continue();
  }
}
