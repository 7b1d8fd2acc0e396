// A draggable, keyboard-operable separator between two panes (role="separator" with a value).
import { el } from './dom';

export interface SplitterOptions {
  orientation: 'horizontal' | 'vertical';
  label: string;
  min: number;
  max: () => number;
  /** Current size of the pane the splitter resizes. */
  get: () => number;
  set: (size: number) => void;
  /** True when dragging towards larger coordinates shrinks the pane (a pane on the right). */
  inverted?: boolean;
}

export function splitter(options: SplitterOptions): HTMLElement {
  const element = el('div', {
    className: `splitter splitter-${options.orientation}`,
    attrs: { role: 'separator', tabindex: 0, 'aria-orientation': options.orientation, 'aria-label': options.label, 'aria-valuemin': options.min },
  });
  const apply = (size: number) => {
    const clamped = Math.round(Math.min(Math.max(size, options.min), Math.max(options.min, options.max())));
    options.set(clamped);
    element.setAttribute('aria-valuenow', String(clamped));
    element.setAttribute('aria-valuemax', String(Math.round(options.max())));
  };
  element.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    element.setPointerCapture(event.pointerId);
    const startCoordinate = options.orientation === 'horizontal' ? event.clientY : event.clientX;
    const startSize = options.get();
    const move = (moveEvent: PointerEvent) => {
      const delta = (options.orientation === 'horizontal' ? moveEvent.clientY : moveEvent.clientX) - startCoordinate;
      apply(startSize + (options.inverted ? -delta : delta));
    };
    const up = () => {
      element.removeEventListener('pointermove', move);
      element.removeEventListener('pointerup', up);
    };
    element.addEventListener('pointermove', move);
    element.addEventListener('pointerup', up);
  });
  element.addEventListener('keydown', (event) => {
    const grow = options.orientation === 'horizontal' ? 'ArrowDown' : options.inverted ? 'ArrowLeft' : 'ArrowRight';
    const shrink = options.orientation === 'horizontal' ? 'ArrowUp' : options.inverted ? 'ArrowRight' : 'ArrowLeft';
    if (event.key === grow) apply(options.get() + 16);
    else if (event.key === shrink) apply(options.get() - 16);
    else return;
    event.preventDefault();
  });
  queueMicrotask(() => apply(options.get()));
  return element;
}
