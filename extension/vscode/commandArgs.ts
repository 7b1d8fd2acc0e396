// Arguments that other extensions, tests or command: links may pass to our commands. They come
// from outside, so each is checked and a wrong one is refused with a sentence saying what to pass.
import type { ExampleOptions } from '../examples';
import type { SniffRequest } from './runtime';

export class CommandArgumentError extends Error {
  override name = 'CommandArgumentError';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bounds that keep a command-started example finite in memory and CPU. */
const exampleNumberBounds = {
  count: { min: 0, max: 1_000_000 },
  rate: { min: 0, max: 100_000 },
  workers: { min: 1, max: 64 },
  taskSize: { min: 1, max: 10_000 },
} as const;

type ExampleArgs = Partial<Pick<ExampleOptions, keyof typeof exampleNumberBounds | 'form'>>;

/** Options for Run Example from a command argument: undefined or { count, rate, workers, taskSize, form }. */
export function parseExampleArgs(value: unknown): ExampleArgs {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new CommandArgumentError(`Run Example takes an options object such as { "count": 10, "rate": 5 }, not ${JSON.stringify(value)}.`);
  const options: ExampleArgs = {};
  for (const [name, entry] of Object.entries(value)) {
    if (name === 'form') {
      if (entry !== 'diagram' && entry !== 'code') throw new CommandArgumentError(`"form" is "diagram" (results PUSH → PULL) or "code" (results PUB → SUB), not ${JSON.stringify(entry)}.`);
      options.form = entry;
      continue;
    }
    const bounds = exampleNumberBounds[name as keyof typeof exampleNumberBounds];
    if (!bounds) throw new CommandArgumentError(`Run Example does not know the option "${name}"; it takes ${[...Object.keys(exampleNumberBounds), 'form'].join(', ')}.`);
    if (typeof entry !== 'number' || !Number.isSafeInteger(entry) || entry < bounds.min || entry > bounds.max) {
      throw new CommandArgumentError(`"${name}" must be a whole number from ${bounds.min} to ${bounds.max.toLocaleString('en')}, not ${JSON.stringify(entry)}.`);
    }
    options[name as keyof typeof exampleNumberBounds] = entry;
  }
  return options;
}

/** A sniff request from a command argument: { target, listen?, name? }; undefined when there is none (ask the user). */
export function parseSniffArgs(value: unknown, defaultListen: string): SniffRequest | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || typeof value.target !== 'string') {
    throw new CommandArgumentError('Sniff Endpoint takes { "target": "tcp://127.0.0.1:5555", "listen": "tcp://127.0.0.1:5556" } (listen and name are optional).');
  }
  for (const name of ['listen', 'name'] as const) {
    if (value[name] !== undefined && typeof value[name] !== 'string') throw new CommandArgumentError(`Sniff Endpoint's "${name}" must be a string, not ${JSON.stringify(value[name])}.`);
  }
  const name = value.name as string | undefined;
  if (name !== undefined && name.length > 200) throw new CommandArgumentError('Sniff Endpoint\'s "name" is a label of at most 200 characters.');
  return { target: value.target, listen: (value.listen as string | undefined) ?? defaultListen, name };
}
