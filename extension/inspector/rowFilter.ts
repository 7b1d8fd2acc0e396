// Turns the webview's RowFilter into a predicate over stored rows. Cheap tests (kind, direction,
// connection, socket type) run first; the payload text is produced only for rows that pass them.
import type { Direction, RowFilter, RowKind } from '../protocol';
import type { Connection } from './topology';

/** What a filter needs to know about a row. */
export interface FilterableRows {
  kindOf(seq: number): RowKind;
  dirOf(seq: number): Direction | undefined;
  connOf(seq: number): Connection | undefined;
  /** Payload, topic and name as text, bounded in length. */
  searchTextOf(seq: number): string;
}

export interface CompiledFilter {
  /** False when the filter lets every row through (the view then needs no index). */
  readonly active: boolean;
  /** Why the filter could not be applied as asked (it then matches nothing). */
  readonly error?: string;
  test(rows: FilterableRows, seq: number): boolean;
}

/** Regular expressions run against at most this many characters of a row, which bounds a bad pattern's cost. */
export const REGEX_TEXT_LIMIT = 4096;

export function compileFilter(filter: RowFilter): CompiledFilter {
  const directions = filter.directions?.length ? new Set(filter.directions) : undefined;
  const connections = filter.connections?.length ? new Set(filter.connections) : undefined;
  const socketTypes = filter.socketTypes?.length ? new Set(filter.socketTypes) : undefined;
  const node = filter.node || undefined;
  const kinds = filter.kinds && filter.kinds !== 'all' ? filter.kinds : undefined;
  const text = filter.text ?? '';
  let matchText: ((haystack: string) => boolean) | undefined;
  if (text !== '') {
    if (filter.regex) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(text, filter.caseSensitive ? '' : 'i');
      } catch (error) {
        const message = `Invalid regular expression: ${(error as Error).message}. Fix the pattern or turn off "Regex" to search for the text as typed.`;
        return { active: true, error: message, test: () => false };
      }
      matchText = (haystack) => pattern.test(haystack.length > REGEX_TEXT_LIMIT ? haystack.slice(0, REGEX_TEXT_LIMIT) : haystack);
    } else if (filter.caseSensitive) {
      matchText = (haystack) => haystack.includes(text);
    } else {
      const needle = text.toLowerCase();
      matchText = (haystack) => haystack.toLowerCase().includes(needle);
    }
  }
  const active = Boolean(directions || connections || socketTypes || node || kinds || matchText);
  if (!active) return { active, test: () => true };
  return {
    active,
    test(rows, seq) {
      const kind = rows.kindOf(seq);
      if (kinds === 'data' && kind !== 'message') return false;
      if (kinds === 'commands' && kind !== 'command') return false;
      const dir = rows.dirOf(seq);
      if (directions && (!dir || !directions.has(dir))) return false;
      if (connections || node || socketTypes) {
        const conn = rows.connOf(seq);
        if (!conn) return false;
        if (connections && !connections.has(conn.key)) return false;
        if (node && conn.peerNode !== node && conn.boundNode !== node) return false;
        if (socketTypes && !matchesSocketType(socketTypes, conn, dir)) return false;
      }
      return matchText ? matchText(rows.searchTextOf(seq)) : true;
    },
  };
}

function matchesSocketType(types: Set<string>, conn: Connection, dir: Direction | undefined): boolean {
  const sides = dir ? [conn.sides[dir], conn.sides[dir === 'c2s' ? 's2c' : 'c2s']] : [conn.sides.c2s, conn.sides.s2c];
  return sides.some((side) => side.socketType !== undefined && types.has(side.socketType));
}
