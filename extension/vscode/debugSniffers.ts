// Sniffer declarations for debug sessions, from the zmqInspector.sniffers setting or from a launch
// configuration's `zmqInspector` block. Both come from files anyone can write (a cloned repository's
// .vscode folder), so every entry is checked here and a bad one is named with what to fix; the good
// ones still start. No `vscode` here, so the checks run in plain Node tests.
import { EndpointError, parseEndpoint } from '../sniffer/endpoint';
import type { SniffRequest } from './runtime';

/** A launch configuration or settings list may not open more ports than this at once. */
export const MAX_DEBUG_SNIFFERS = 16;
export const MAX_SNIFFER_NAME_LENGTH = 200;

export interface DebugSnifferDeclarations {
  sniffers: SniffRequest[];
  /** One sentence per refused entry, naming it ("launch configuration "App" sniffers[2] "api"") and what is wrong. */
  problems: string[];
}

export interface LaunchBlock extends DebugSnifferDeclarations {
  /** False only when the block says `"openInspector": false`. */
  openInspector: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const EXAMPLE = '{ "name": "api", "listen": "tcp://127.0.0.1:5556", "target": "tcp://127.0.0.1:5555" }';

/** Why `entry` cannot start, or undefined when it can. */
function entryProblem(entry: unknown, defaultListenHost: string): string | undefined {
  if (!isRecord(entry)) return `is ${JSON.stringify(entry) ?? String(entry)}; each sniffer is an object like ${EXAMPLE}.`;
  for (const field of ['name', 'listen', 'target'] as const) {
    if (typeof entry[field] !== 'string' || entry[field].trim() === '') return `needs "${field}" as a non-empty string, like ${EXAMPLE}.`;
  }
  if ((entry.name as string).length > MAX_SNIFFER_NAME_LENGTH) return `has a "name" longer than ${MAX_SNIFFER_NAME_LENGTH} characters; use a short label.`;
  const unknown = Object.keys(entry).filter((key) => !['name', 'listen', 'target'].includes(key));
  if (unknown.length > 0) return `has ${unknown.map((key) => `"${key}"`).join(', ')}, which a sniffer does not take; only "name", "listen" and "target".`;
  try {
    parseEndpoint(entry.listen as string, 'listen', defaultListenHost);
    parseEndpoint(entry.target as string, 'target');
  } catch (error) {
    if (error instanceof EndpointError) return error.message;
    throw error;
  }
  return undefined;
}

/** Checks a list of sniffer entries; `origin` names where it came from in the problems ("zmqInspector.sniffers"). */
export function parseSnifferList(value: unknown, origin: string, defaultListenHost: string): DebugSnifferDeclarations {
  if (value === undefined || value === null) return { sniffers: [], problems: [] };
  if (!Array.isArray(value)) return { sniffers: [], problems: [`${origin} must be a list of sniffers like [${EXAMPLE}]; nothing from it starts.`] };
  const sniffers: SniffRequest[] = [];
  const problems: string[] = [];
  value.forEach((entry: unknown, index) => {
    const named = isRecord(entry) && typeof entry.name === 'string' ? ` "${entry.name.slice(0, 60)}"` : '';
    if (index >= MAX_DEBUG_SNIFFERS) {
      if (index === MAX_DEBUG_SNIFFERS) problems.push(`${origin} lists ${value.length} sniffers; only the first ${MAX_DEBUG_SNIFFERS} start. Split them over launch configurations.`);
      return;
    }
    const problem = entryProblem(entry, defaultListenHost);
    if (problem !== undefined) problems.push(`${origin}[${index}]${named} ${problem}`);
    else {
      const { name, listen, target } = entry as Record<'name' | 'listen' | 'target', string>;
      sniffers.push({ name: name.trim(), listen: listen.trim(), target: target.trim() });
    }
  });
  return { sniffers, problems };
}

/** The `zmqInspector` block of a launch configuration named `configName`; undefined when it has none. */
export function parseLaunchBlock(block: unknown, configName: string, defaultListenHost: string): LaunchBlock | undefined {
  if (block === undefined) return undefined;
  const origin = `launch configuration "${configName}" zmqInspector`;
  if (!isRecord(block)) {
    return { sniffers: [], problems: [`${origin} must be an object like { "sniffers": [${EXAMPLE}], "openInspector": true }; nothing from it starts.`], openInspector: true };
  }
  const problems: string[] = [];
  const unknown = Object.keys(block).filter((key) => key !== 'sniffers' && key !== 'openInspector');
  if (unknown.length > 0) problems.push(`${origin} has ${unknown.map((key) => `"${key}"`).join(', ')}, which it does not take; only "sniffers" and "openInspector".`);
  if (block.openInspector !== undefined && typeof block.openInspector !== 'boolean') problems.push(`${origin}.openInspector must be true or false, not ${JSON.stringify(block.openInspector)}.`);
  const list = parseSnifferList(block.sniffers, `${origin}.sniffers`, defaultListenHost);
  return { sniffers: list.sniffers, problems: [...problems, ...list.problems], openInspector: block.openInspector !== false };
}

/** Identical declarations (a compound's configurations, or settings shared by every session) share one sniffer. */
export const declarationKey = (request: SniffRequest): string => JSON.stringify([request.name ?? '', request.listen, request.target]);
