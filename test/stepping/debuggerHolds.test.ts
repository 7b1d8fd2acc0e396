// The "hold traffic when the debugger pauses" decisions, against a recording stand-in for the
// traffic control (the real one is tested over real sniffers in trafficControl.test.ts).
import { strict as assert } from 'node:assert';
import { DebuggerHolds, MAX_STOPPED_SESSIONS, type HoldableTraffic } from '../../extension/stepping/debuggerHolds';

class RecordingTraffic implements HoldableTraffic {
  holdingAll = false;
  readonly calls: string[] = [];

  hold(): void {
    this.holdingAll = true;
    this.calls.push('hold');
  }

  continue(): void {
    this.holdingAll = false;
    this.calls.push('continue');
  }
}

describe('holding traffic while the debugger is paused', () => {
  let traffic: RecordingTraffic;
  let enabled: boolean;
  let holds: DebuggerHolds;

  beforeEach(() => {
    traffic = new RecordingTraffic();
    enabled = true;
    holds = new DebuggerHolds(traffic, () => enabled);
  });

  it('holds when a session stops and continues when it runs again', () => {
    holds.sessionStopped('a');
    assert.deepEqual(traffic.calls, ['hold']);
    holds.sessionStopped('a');
    assert.deepEqual(traffic.calls, ['hold'], 'a second stopped event of the same session holds nothing more');
    holds.sessionResumed('a');
    assert.deepEqual(traffic.calls, ['hold', 'continue']);
    assert.equal(traffic.holdingAll, false);
  });

  it('keeps holding until the last stopped session runs again or ends', () => {
    holds.sessionStopped('a');
    holds.sessionStopped('b');
    holds.sessionResumed('a');
    assert.equal(traffic.holdingAll, true);
    holds.sessionEnded('b');
    assert.deepEqual(traffic.calls, ['hold', 'continue']);
  });

  it('does nothing while the setting is off', () => {
    enabled = false;
    holds.sessionStopped('a');
    holds.sessionResumed('a');
    assert.deepEqual(traffic.calls, []);
  });

  it('never releases a Pause the user made before the debugger stopped', () => {
    traffic.hold();
    holds.sessionStopped('a');
    holds.sessionResumed('a');
    assert.deepEqual(traffic.calls, ['hold']);
    assert.equal(traffic.holdingAll, true);
  });

  it('leaves the hold to the user once they pressed Pause or Continue during the stop', () => {
    holds.sessionStopped('a');
    holds.userActed();
    holds.sessionResumed('a');
    assert.deepEqual(traffic.calls, ['hold'], 'the debugger continuing does not undo what the user chose');
    traffic.continue();
    holds.sessionStopped('a');
    holds.sessionResumed('a');
    assert.deepEqual(traffic.calls, ['hold', 'continue', 'hold', 'continue'], 'the next stop holds (and releases) again');
  });

  it('ignores resumes and ends of sessions it never saw stop', () => {
    holds.sessionResumed('unknown');
    holds.sessionEnded('unknown');
    assert.deepEqual(traffic.calls, []);
    assert.equal(holds.stoppedSessions, 0);
  });

  it(`follows at most ${MAX_STOPPED_SESSIONS} stopped sessions`, () => {
    for (let i = 0; i < MAX_STOPPED_SESSIONS + 10; i++) holds.sessionStopped(`s${i}`);
    assert.equal(holds.stoppedSessions, MAX_STOPPED_SESSIONS);
    for (let i = 0; i < MAX_STOPPED_SESSIONS + 10; i++) holds.sessionEnded(`s${i}`);
    assert.deepEqual(traffic.calls, ['hold', 'continue']);
  });
});
