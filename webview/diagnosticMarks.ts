// Diagnosis markers on the topology: a connection named by a diagnosis's evidence is marked, and so
// are the two sockets it joins. A mark colours the shape, adds a badge, and says so in the aria-label.
import type { DiagnosticsState, DiagnosticSeverity, TopologyEdge } from '../extension/protocol';
import { svg } from './dom';
import { plural } from './diagnosticsView';

export interface DiagnosticMark {
  /** The worst severity among the diagnoses. */
  severity: DiagnosticSeverity;
  /** Rule titles of the diagnoses, each once. */
  titles: string[];
}

const RANK: Record<DiagnosticSeverity, number> = { error: 0, warning: 1, info: 2 };

/** Marks keyed by edge id and node id. */
export function diagnosticMarks(state: DiagnosticsState, edges: readonly TopologyEdge[]): Map<string, DiagnosticMark> {
  const marks = new Map<string, DiagnosticMark>();
  const add = (id: string, severity: DiagnosticSeverity, title: string) => {
    const mark = marks.get(id);
    if (!mark) return void marks.set(id, { severity, titles: [title] });
    if (RANK[severity] < RANK[mark.severity]) mark.severity = severity;
    if (!mark.titles.includes(title)) mark.titles.push(title);
  };
  const edgeById = new Map(edges.map((edge) => [edge.id, edge]));
  for (const item of state.items) {
    for (const key of item.connections) {
      const edge = edgeById.get(key);
      if (!edge) continue;
      for (const id of [edge.id, edge.from, edge.to]) add(id, item.severity, item.title);
    }
  }
  return marks;
}

/** A text that changes whenever the marks would draw differently. */
export const marksSignature = (marks: ReadonlyMap<string, DiagnosticMark>): string => [...marks].map(([id, mark]) => `${id}=${mark.severity}:${mark.titles.join('|')}`).join('\n');

/**
 * Decorates a node or edge group after it was drawn (drawing resets its class and aria-label).
 * Nodes get a badge circle with the number of diagnosed rules; edges a warning sign in their label.
 */
export function decorate(group: SVGGElement, kind: 'node' | 'edge', mark: DiagnosticMark | undefined, nodeWidth: number): void {
  let badge = group.querySelector<SVGGElement>(':scope > .diagnostic-badge');
  if (!mark) {
    badge?.remove();
    return;
  }
  group.classList.add('diagnosed', `diagnosed-${mark.severity}`);
  group.setAttribute('aria-label', `${group.getAttribute('aria-label') ?? ''}. Diagnosed: ${plural(mark.titles.length, 'problem', 'problems')} (${mark.titles.join('; ')})`);
  if (kind === 'edge') {
    const label = group.querySelector('.edge-label');
    if (label) label.textContent = `⚠ ${label.textContent ?? ''}`.trim();
    return;
  }
  if (!badge) {
    badge = svg('g', { class: 'diagnostic-badge', transform: `translate(${nodeWidth - 4},4)`, 'aria-hidden': 'true' }, [svg('circle', { r: 9 }), svg('text', { 'text-anchor': 'middle', y: 4 })]);
    group.appendChild(badge);
  }
  badge.setAttribute('class', `diagnostic-badge severity-${mark.severity}`);
  const text = badge.querySelector('text');
  if (text) text.textContent = String(mark.titles.length);
}
