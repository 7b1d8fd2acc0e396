// The step-mode toolbar: Pause Traffic / Step / Step Frame / Continue for every connection, how many
// messages are held, and whether handshakes and heartbeats keep flowing. The buttons only ask the
// host (`traffic`); what is really held comes back as SteppingState, which sets what is enabled.
import type { SteppingState, TrafficAction } from '../extension/protocol';
import { el, iconButton, setText } from './dom';
import { formatCount } from './format';

interface StepButton {
  action: TrafficAction;
  icon: string;
  /** The host binds these keys while the inspector has focus; the titles say so. */
  label: string;
  key: string;
}

const BUTTONS: StepButton[] = [
  { action: 'hold', icon: 'debug-pause', label: 'Pause Traffic', key: 'F6' },
  { action: 'step', icon: 'debug-step-over', label: 'Step: release the message that waited longest', key: 'F10' },
  { action: 'stepFrame', icon: 'debug-step-into', label: 'Step Frame: release one frame of it', key: 'Shift+F10' },
  { action: 'continue', icon: 'debug-continue', label: 'Continue: release everything and stop holding', key: 'F5' },
];

export const COMMANDS_FLOW_HINT = 'Handshakes and heartbeats keep flowing, so peers stay connected.';
export const COMMANDS_HELD_HINT = 'Handshakes and heartbeats are held too: peers may time out.';
export const HOLD_COMMANDS_WHY = 'The setting zmqInspector.stepping.holdCommands chooses whether handshakes and heartbeats are held with the messages.';
export const STEPPING_OFF = 'Step mode is off in the settings (zmqInspector.stepping.enabled): the running sniffers cannot hold traffic.';

export class StepBar {
  readonly element: HTMLElement;
  private readonly buttons = new Map<TrafficAction, HTMLButtonElement>();
  private readonly held: HTMLElement;
  private readonly hint: HTMLElement;

  constructor(post: (action: TrafficAction) => void) {
    for (const { action, icon, label, key } of BUTTONS) {
      const button = iconButton(icon, label);
      button.title = `${label} (${key})`;
      button.setAttribute('aria-keyshortcuts', key);
      button.dataset.action = action;
      button.addEventListener('click', () => post(action));
      this.buttons.set(action, button);
    }
    this.held = el('span', { className: 'step-held', attrs: { role: 'status' } });
    this.hint = el('span', { className: 'step-hint' });
    this.element = el('div', { className: 'step-bar', attrs: { role: 'toolbar', 'aria-label': 'Step mode: hold and release traffic', hidden: true } }, [
      el('span', { className: 'step-title', text: 'Traffic' }),
      ...this.buttons.values(),
      this.held,
      this.hint,
    ]);
  }

  setState(state: SteppingState): void {
    this.element.hidden = false;
    const somethingHeld = state.available && state.heldCount > 0;
    // Continue also ends a Pause Traffic that has caught nothing yet, or holding could never be stopped.
    const enabled: Record<TrafficAction, boolean> = {
      hold: state.available && !state.holdingAll,
      step: somethingHeld,
      stepFrame: somethingHeld,
      continue: somethingHeld || (state.available && state.holdingAll),
    };
    for (const [action, button] of this.buttons) button.disabled = !enabled[action];
    this.buttons.get('hold')?.setAttribute('aria-pressed', String(state.holdingAll));
    this.element.classList.toggle('step-off', !state.available);
    this.element.classList.toggle('holding', state.holdingAll || state.heldCount > 0);
    setText(this.held, !state.available ? '' : state.heldCount > 0 ? `${formatCount(state.heldCount)} held` : state.holdingAll ? 'Holding: nothing waiting yet' : 'Flowing');
    setText(this.hint, !state.available ? STEPPING_OFF : state.holdCommands ? COMMANDS_HELD_HINT : COMMANDS_FLOW_HINT);
    this.hint.title = state.available ? HOLD_COMMANDS_WHY : '';
    this.hint.classList.toggle('warning', state.available && state.holdCommands);
  }
}
