// The live topology: sockets as nodes, connections as edges, laid out left to right by dagre and
// drawn as SVG. The dagre graph persists across updates, so dagre keeps earlier nodes' order and the
// layout does not jump as nodes come and go; only structural changes re-run the layout, traffic
// just restyles edges (width by rate, moving dashes while messages flow). Nodes and edges are
// focusable (roving tabindex, arrow keys) and selecting one filters the message list.
import { graphlib, layout } from '@dagrejs/dagre';
import type { TopologyDelta, TopologyEdge, TopologyNode, TopologyState } from '../extension/protocol';
import { decorate, marksSignature, type DiagnosticMark } from './diagnosticMarks';
import { el, setAttr, setText, svg } from './dom';
import { formatCount, formatRate, formatSize } from './format';
import { inFrame } from './frame';

export type TopologySelection = { kind: 'node' | 'edge'; id: string };

const NODE_WIDTH = 190;
const NODE_HEIGHT = 46;
const LABEL_CHARS = 30;
const MIN_SCALE = 0.55;

const shorten = (text: string, max = LABEL_CHARS) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

interface Drawn {
  group: SVGGElement;
  kind: 'node' | 'edge';
  id: string;
}

export class TopologyView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly svgRoot: SVGSVGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly status: HTMLElement;
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly edges = new Map<string, TopologyEdge>();
  private readonly drawnNodes = new Map<string, Drawn>();
  private readonly drawnEdges = new Map<string, Drawn>();
  private readonly graph = new graphlib.Graph({ multigraph: true });
  private hidden = 0;
  private graphSize = { width: 0, height: 0 };
  private layoutQueued = false;
  /** A node or edge came or went since the last drawing: lay the graph out again. */
  private structuralPending = false;
  private focusIndex = 0;
  private selection: TopologySelection | undefined;
  private marks: ReadonlyMap<string, DiagnosticMark> = new Map();
  private marksKey = '';

  constructor(private readonly onSelect: (selection: TopologySelection | undefined) => void) {
    this.graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 120, marginx: 12, marginy: 12 });
    this.graph.setDefaultEdgeLabel(() => ({}));
    this.edgeLayer = svg('g', { class: 'edges' });
    this.nodeLayer = svg('g', { class: 'nodes' });
    const arrow = svg('marker', { id: 'topology-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, [svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' })]);
    this.svgRoot = svg('svg', { class: 'topology-svg', role: 'group', 'aria-label': 'Topology' }, [svg('defs', {}, [arrow]), this.edgeLayer, this.nodeLayer]);
    this.canvas = el('div', { className: 'topology-canvas' });
    this.canvas.appendChild(this.svgRoot);
    this.status = el('p', { className: 'topology-status', attrs: { role: 'status' } });
    this.element = el('section', { className: 'topology', attrs: { 'aria-label': 'Topology' } }, [this.canvas, this.status]);
    new ResizeObserver(() => this.fit()).observe(this.canvas);
    this.svgRoot.addEventListener('keydown', (event) => this.onKey(event));
    this.svgRoot.addEventListener('click', (event) => this.onClick(event));
    this.updateStatus();
  }

  /** Selection changed from outside (e.g. the filter bar cleared it). */
  setSelection(selection: TopologySelection | undefined): void {
    this.selection = selection;
    for (const drawn of [...this.drawnNodes.values(), ...this.drawnEdges.values()]) {
      const selected = selection?.kind === drawn.kind && selection.id === drawn.id;
      drawn.group.classList.toggle('selected', selected);
      drawn.group.setAttribute('aria-pressed', String(selected));
    }
  }

  /** Diagnosis markers by node and edge id (see diagnosticMarks.ts); redraws only when they change. */
  setMarks(marks: ReadonlyMap<string, DiagnosticMark>): void {
    const key = marksSignature(marks);
    if (key === this.marksKey) return;
    this.marks = marks;
    this.marksKey = key;
    this.sync(false);
  }

  applySnapshot(state: TopologyState): void {
    this.nodes.clear();
    this.edges.clear();
    for (const node of state.nodes) this.nodes.set(node.id, node);
    for (const edge of state.edges) this.edges.set(edge.id, edge);
    this.hidden = state.hiddenEdges;
    this.sync(true);
  }

  applyDelta(delta: TopologyDelta): void {
    let structural = false;
    for (const id of delta.removedEdges) structural = this.edges.delete(id) || structural;
    for (const id of delta.removedNodes) structural = this.nodes.delete(id) || structural;
    for (const node of delta.nodes) {
      if (!this.nodes.has(node.id)) structural = true;
      this.nodes.set(node.id, node);
    }
    for (const edge of delta.edges) {
      if (!this.edges.has(edge.id)) structural = true;
      this.edges.set(edge.id, edge);
    }
    this.hidden = delta.hiddenEdges;
    this.sync(structural);
  }

  /** Socket types seen so far, for the filter bar. */
  socketTypes(): string[] {
    return [...new Set([...this.nodes.values()].map((node) => node.socketType).filter((type): type is string => Boolean(type)))].sort();
  }

  edgeList(): TopologyEdge[] {
    return [...this.edges.values()];
  }

  describe(selection: TopologySelection): string {
    if (selection.kind === 'edge') return this.edges.get(selection.id)?.label ?? selection.id;
    const node = this.nodes.get(selection.id);
    return node ? `${node.socketType ?? '?'} ${node.endpoint}` : selection.id;
  }

  /** Draws in the next frame, with the other writes: updates arriving between frames cost one drawing. */
  private sync(structural: boolean): void {
    this.structuralPending ||= structural;
    inFrame('topology', () => this.draw());
  }

  private draw(): void {
    const structural = this.structuralPending;
    this.structuralPending = false;
    for (const node of this.nodes.values()) this.drawNode(node);
    for (const edge of this.edges.values()) {
      if (this.nodes.has(edge.from) && this.nodes.has(edge.to)) this.drawEdge(edge);
    }
    for (const [id, drawn] of this.drawnNodes) if (!this.nodes.has(id)) this.undraw(this.drawnNodes, id, drawn);
    for (const [id, drawn] of this.drawnEdges) if (!this.edges.has(id)) this.undraw(this.drawnEdges, id, drawn);
    if (structural) this.queueLayout();
    this.updateStatus();
  }

  private undraw(map: Map<string, Drawn>, id: string, drawn: Drawn): void {
    drawn.group.remove();
    map.delete(id);
    if (drawn.kind === 'node') this.graph.removeNode(id);
    else {
      const edge = this.graph.edges().find((e) => e.name === id);
      if (edge) this.graph.removeEdge(edge);
    }
    if (this.selection?.kind === drawn.kind && this.selection.id === id) this.selection = undefined;
  }

  private drawNode(node: TopologyNode): void {
    let drawn = this.drawnNodes.get(node.id);
    if (!drawn) {
      drawn = this.addGroup('node', node.id, [
        svg('rect', { width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6, ry: 6 }),
        svg('text', { x: 10, y: 19, class: 'node-title' }),
        svg('text', { x: 10, y: 36, class: 'node-endpoint' }),
        svg('title'),
      ]);
      this.graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
    }
    const group = drawn.group;
    const [, title, endpoint, tooltip] = Array.from(group.children);
    const type = node.socketType ?? 'socket type not known yet';
    const identity = node.identity ? ` · id ${node.identity}` : '';
    setText(title, shorten(`${node.socketType ?? '?'}${identity}`));
    setText(endpoint, shorten(`${node.role === 'bound' ? 'bound ' : ''}${node.endpoint || 'connecting…'}`));
    const words = `${type}${identity}, ${node.role === 'bound' ? `bound at ${node.endpoint} (via ${node.source})` : `connected from ${node.endpoint || 'an unknown address'}`}, ${node.live ? 'live' : 'no open connection'}`;
    setText(tooltip, words);
    setAttr(group, 'aria-label', `Socket ${words}`);
    setAttr(group, 'class', `node role-${node.role}${node.live ? ' live' : ' gone'}${this.isSelected('node', node.id) ? ' selected' : ''}`);
    setAttr(group, 'aria-pressed', String(this.isSelected('node', node.id)));
    decorate(group, 'node', this.marks.get(node.id), NODE_WIDTH);
  }

  private drawEdge(edge: TopologyEdge): void {
    let drawn = this.drawnEdges.get(edge.id);
    if (!drawn) {
      drawn = this.addGroup('edge', edge.id, [
        svg('path', { class: 'edge-hit' }),
        svg('path', { class: 'edge-line', 'marker-end': 'url(#topology-arrow)' }),
        svg('text', { class: 'edge-label', 'text-anchor': 'middle' }),
        svg('title'),
      ]);
      this.graph.setEdge(edge.from, edge.to, { weight: 1, minlen: 1 }, edge.id);
    }
    const group = drawn.group;
    const [, line, label, tooltip] = Array.from(group.children) as SVGElement[];
    const rate = edge.c2s.rate + edge.s2c.rate;
    const width = 1.5 + Math.min(6, Math.log10(1 + rate) * 1.6);
    const strokeWidth = `${width}px`;
    if (line.style.strokeWidth !== strokeWidth) line.style.strokeWidth = strokeWidth;
    // Dashes move faster the more messages flow (CSSOM styling is allowed by the CSP).
    const duration = `${Math.max(0.25, 2.5 / Math.log10(10 + rate))}s`;
    if (line.style.animationDuration !== duration) line.style.animationDuration = duration;
    const flowing = rate > 0 && edge.state === 'open';
    setText(label, edge.state === 'open' || edge.state === 'handshaking' ? rateLabel(edge) : edge.state);
    const words = `Connection ${edge.label}, ${edge.state}${edge.detail ? ` (${edge.detail})` : ''}${edge.version ? `, ZMTP ${edge.version} ${edge.mechanism ?? ''}` : ''}; from the connecting side ${formatCount(edge.c2s.messages)} messages, ${formatSize(edge.c2s.bytes)}, ${formatRate(edge.c2s.rate)}; from the bound side ${formatCount(edge.s2c.messages)} messages, ${formatSize(edge.s2c.bytes)}, ${formatRate(edge.s2c.rate)}`;
    setText(tooltip, words);
    setAttr(group, 'aria-label', words);
    setAttr(group, 'class', `edge state-${edge.state}${flowing ? ' flowing' : ''}${this.isSelected('edge', edge.id) ? ' selected' : ''}`);
    setAttr(group, 'aria-pressed', String(this.isSelected('edge', edge.id)));
    decorate(group, 'edge', this.marks.get(edge.id), NODE_WIDTH);
  }

  /** A focusable SVG group for a node or an edge, remembered by id. */
  private addGroup(kind: 'node' | 'edge', id: string, children: SVGElement[]): Drawn {
    const group = svg('g', { class: kind, role: 'button', tabindex: -1 }, children);
    group.dataset.kind = kind;
    group.dataset.id = id;
    (kind === 'node' ? this.nodeLayer : this.edgeLayer).appendChild(group);
    const drawn: Drawn = { group, kind, id };
    (kind === 'node' ? this.drawnNodes : this.drawnEdges).set(id, drawn);
    return drawn;
  }

  private isSelected(kind: 'node' | 'edge', id: string): boolean {
    return this.selection?.kind === kind && this.selection.id === id;
  }

  private queueLayout(): void {
    if (this.layoutQueued) return;
    this.layoutQueued = true;
    requestAnimationFrame(() => {
      this.layoutQueued = false;
      this.relayout();
    });
  }

  private relayout(): void {
    if (this.graph.nodeCount() === 0) {
      this.svgRoot.setAttribute('width', '0');
      this.svgRoot.setAttribute('height', '0');
      return;
    }
    layout(this.graph);
    const size = this.graph.graph() as { width?: number; height?: number };
    const width = Math.ceil(size.width ?? 0);
    const height = Math.ceil(size.height ?? 0);
    this.svgRoot.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.graphSize = { width, height };
    this.fit();
    for (const [id, drawn] of this.drawnNodes) {
      const position = this.graph.node(id) as { x: number; y: number } | undefined;
      if (position) drawn.group.setAttribute('transform', `translate(${position.x - NODE_WIDTH / 2},${position.y - NODE_HEIGHT / 2})`);
    }
    for (const edge of this.graph.edges()) {
      const drawn = edge.name ? this.drawnEdges.get(edge.name) : undefined;
      const points = (this.graph.edge(edge) as { points?: { x: number; y: number }[] } | undefined)?.points;
      if (!drawn || !points?.length) continue;
      const d = pathThrough(points);
      const [hit, line, label] = Array.from(drawn.group.children);
      hit.setAttribute('d', d);
      line.setAttribute('d', d);
      const middle = points[Math.floor(points.length / 2)];
      label.setAttribute('x', String(middle.x));
      label.setAttribute('y', String(middle.y - 6));
    }
    this.updateFocusTargets();
  }

  /** Shrinks the drawing to fit the pane, but not below a readable scale (then the pane scrolls). */
  private fit(): void {
    const { width, height } = this.graphSize;
    if (!width || !height) return;
    const scale = Math.max(MIN_SCALE, Math.min(1, this.canvas.clientWidth / width, this.canvas.clientHeight / height));
    this.svgRoot.setAttribute('width', String(Math.floor(width * scale)));
    this.svgRoot.setAttribute('height', String(Math.floor(height * scale)));
  }

  /** Focus order: nodes left to right, top to bottom, then edges. One item has tabindex 0. */
  private focusOrder(): Drawn[] {
    const position = (id: string) => (this.graph.node(id) as { x?: number; y?: number } | undefined) ?? {};
    const nodes = [...this.drawnNodes.values()].sort((a, b) => (position(a.id).x ?? 0) - (position(b.id).x ?? 0) || (position(a.id).y ?? 0) - (position(b.id).y ?? 0));
    return [...nodes, ...this.drawnEdges.values()];
  }

  private updateFocusTargets(): void {
    const order = this.focusOrder();
    this.focusIndex = Math.min(this.focusIndex, Math.max(0, order.length - 1));
    order.forEach((drawn, index) => drawn.group.setAttribute('tabindex', index === this.focusIndex ? '0' : '-1'));
  }

  private onKey(event: KeyboardEvent): void {
    const order = this.focusOrder();
    if (order.length === 0) return;
    const current = order.findIndex((drawn) => drawn.group === document.activeElement);
    const index = current >= 0 ? current : this.focusIndex;
    let next = index;
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        next = (index + 1) % order.length;
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        next = (index - 1 + order.length) % order.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = order.length - 1;
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        this.toggleSelection(order[index]);
        return;
      case 'Escape':
        this.choose(undefined);
        return;
      default:
        return;
    }
    event.preventDefault();
    this.focusIndex = next;
    this.updateFocusTargets();
    order[next].group.focus();
  }

  private onClick(event: MouseEvent): void {
    const group = (event.target as Element).closest<SVGGElement>('g.node, g.edge');
    if (!group) return;
    const map = group.dataset.kind === 'node' ? this.drawnNodes : this.drawnEdges;
    const drawn = map.get(group.dataset.id ?? '');
    if (!drawn) return;
    const order = this.focusOrder();
    this.focusIndex = Math.max(0, order.indexOf(drawn));
    this.updateFocusTargets();
    this.toggleSelection(drawn);
  }

  private toggleSelection(drawn: Drawn): void {
    this.choose(this.isSelected(drawn.kind, drawn.id) ? undefined : { kind: drawn.kind, id: drawn.id });
  }

  private choose(selection: TopologySelection | undefined): void {
    this.setSelection(selection);
    this.onSelect(selection);
  }

  private updateStatus(): void {
    const live = [...this.edges.values()].filter((edge) => edge.state === 'open' || edge.state === 'handshaking').length;
    const parts = this.nodes.size === 0 ? ['No sockets seen yet: start an example or a sniffer.'] : [`${this.nodes.size} sockets, ${this.edges.size} connections (${live} live).`];
    if (this.hidden) parts.push(`${this.hidden} more connections are not drawn.`);
    this.status.textContent = parts.join(' ');
    this.svgRoot.setAttribute('aria-label', `Topology: ${parts.join(' ')} Use the arrow keys to move between sockets and connections, Enter to filter the list by one.`);
  }
}

/** "→ 120/s  ← 118/s" for the directions that carry traffic now; empty when idle. */
function rateLabel(edge: TopologyEdge): string {
  const parts = [];
  if (edge.c2s.rate > 0) parts.push(`→ ${formatRate(edge.c2s.rate)}`);
  if (edge.s2c.rate > 0) parts.push(`← ${formatRate(edge.s2c.rate)}`);
  return parts.join('  ');
}

/** A smooth path through dagre's edge points (quadratic segments between midpoints). */
function pathThrough(points: { x: number; y: number }[]): string {
  if (points.length < 3) return `M${points.map((p) => `${p.x},${p.y}`).join(' L')}`;
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const midX = (points[i].x + points[i + 1].x) / 2;
    const midY = (points[i].y + points[i + 1].y) / 2;
    d += ` Q${points[i].x},${points[i].y} ${i === points.length - 2 ? `${points[i + 1].x},${points[i + 1].y}` : `${midX},${midY}`}`;
  }
  return d;
}
