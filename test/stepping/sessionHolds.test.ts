// Holding traffic on behalf of sessions (a paused debugger, a step-mode example run), against a
// recording stand-in for the traffic control (the real one is tested over real sniffers in
// trafficControl.test.ts).
import { strict as assert } from 'node:assert';
import { MAX_HOLDING_SESSIONS, SessionHolds, type HoldableTraffic } from '../../extension/stepping/sessionHolds';

class RecordingTraffic implements HoldableTraffic {
  holdingAll = false;
  readonly calls: string[] = [];
  private readonly listeners = new Set<() => void>();

  hold(): void {
    this.holdingAll = true;
    this.calls.push('hold');
    this.listeners.forEach((listener) => listener());
  }

  continue(): void {
    this.holdingAll = false;
    this.calls.push('continue');
    this.listeners.forEach((listener) => listener());
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly userListeners = new Set<() => void>();

  /** The user pressed Pause or Continue (TrafficControl.act). */
  userAction(): void {
    this.userListeners.forEach((listener) => listener());
  }

  onUserAction(listener: () => void): () => void {
    this.userListeners.add(listener);
    return () => this.userListeners.delete(listener);
  }
}

describe('holding traffic on behalf of debug sessions and step-mode runs', () => {
  let traffic: RecordingTraffic;
  let holds: SessionHolds;

  beforeEach(() => {
    traffic = new RecordingTraffic();
    holds = new SessionHolds(traffic);
  });
  afterEach(() => holds.dispose());

  it('holds when a session stops and continues when it runs again', () => {
    holds.hold('a');
    assert.deepEqual(traffic.calls, ['hold']);
    holds.hold('a');
    assert.deepEqual(traffic.calls, ['hold'], 'a second stopped event of the same session holds nothing more');
    holds.release('a');
    assert.deepEqual(traffic.calls, ['hold', 'continue']);
    assert.equal(traffic.holdingAll, false);
  });

  it('keeps holding until the last stopped session runs again or ends', () => {
    holds.hold('a');
    holds.hold('b');
    holds.release('a');
    assert.equal(traffic.holdingAll, true);
    holds.release('b');
    assert.deepEqual(traffic.calls, ['hold', 'continue']);
  });

  it('never releases a Pause the user made before the debugger stopped', () => {
    traffic.hold();
    holds.hold('a');
    holds.release('a');
    assert.deepEqual(traffic.calls, ['hold']);
    assert.equal(traffic.holdingAll, true);
  });

  it('leaves the hold to the user once they pressed Pause during the stop', () => {
    holds.hold('a');
    traffic.userAction();
    holds.release('a');
    assert.deepEqual(traffic.calls, ['hold'], 'the debugger continuing does not undo what the user chose');
    traffic.continue();
    holds.hold('a');
    holds.release('a');
    assert.deepEqual(traffic.calls, ['hold', 'continue', 'hold', 'continue'], 'the next stop holds (and releases) again');
  });

  it('does not release a Pause the user made again after continuing during the stop', () => {
    holds.hold('a');
    traffic.continue();
    traffic.hold();
    holds.release('a');
    assert.deepEqual(traffic.calls, ['hold', 'continue', 'hold']);
    assert.equal(traffic.holdingAll, true);
  });

  it('ignores resumes and ends of sessions it never saw stop', () => {
    holds.release('unknown');
    holds.release('unknown');
    assert.deepEqual(traffic.calls, []);
    assert.equal(holds.holdingSessions, 0);
  });

  it(`follows at most ${MAX_HOLDING_SESSIONS} sessions`, () => {
    for (let i = 0; i < MAX_HOLDING_SESSIONS + 10; i++) holds.hold(`s${i}`);
    assert.equal(holds.holdingSessions, MAX_HOLDING_SESSIONS);
    for (let i = 0; i < MAX_HOLDING_SESSIONS + 10; i++) holds.release(`s${i}`);
    assert.deepEqual(traffic.calls, ['hold', 'continue']);
  });
});
