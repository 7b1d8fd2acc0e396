// Content problems attached to events whose framing was fine.
import type { CommandEvent } from './types';

export function addProblem(event: CommandEvent, problem: string | undefined): void {
  if (problem === undefined) return;
  event.problem = event.problem === undefined ? problem : `${event.problem}; ${problem}`;
}

/** Appended to every fatal error: what happens next, so nobody wonders whether traffic was disturbed. */
export const STOPS_DECODING = 'decoding stops for this direction, bytes are still forwarded';
