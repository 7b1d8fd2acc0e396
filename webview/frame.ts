// One animation frame for every DOM write: host messages only record what changed and ask for a
// frame; the frame writes. Nothing reads layout between writes, so the browser lays the page out
// once per frame. Work that must come after every other write (setting scrollTop, which makes the
// browser lay out at once) goes in the 'last' phase.

type Phase = 'write' | 'last';

const queues: Record<Phase, Map<string, () => void>> = { write: new Map(), last: new Map() };
let requested = false;
let running = false;

/** Runs `task` in the next animation frame (or this one, if it is running); a later call with the same key replaces it. */
export function inFrame(key: string, task: () => void, phase: Phase = 'write'): void {
  queues[phase].set(key, task);
  if (requested || running) return;
  requested = true;
  requestAnimationFrame(runFrame);
}

function drain(queue: Map<string, () => void>): void {
  // A task may queue more work for this frame: keep going until the queue is empty (bounded: a
  // task that queues itself again each time would stop after a few rounds).
  for (let round = 0; round < 8 && queue.size > 0; round++) {
    const tasks = [...queue.values()];
    queue.clear();
    for (const task of tasks) task();
  }
}

function runFrame(): void {
  requested = false;
  running = true;
  try {
    drain(queues.write);
    drain(queues.last);
  } finally {
    running = false;
    if ((queues.write.size > 0 || queues.last.size > 0) && !requested) {
      requested = true;
      requestAnimationFrame(runFrame);
    }
  }
}
