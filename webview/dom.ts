// DOM helpers. Everything shown is set with textContent or attributes, never parsed as HTML:
// payloads, topics, identities and metadata come from the network and are hostile.

export interface ElementOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, children: (Node | undefined)[] = []): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  setAttributes(element, options.attrs);
  for (const child of children) if (child) element.appendChild(child);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, children: (Node | undefined)[] = []): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attrs);
  for (const child of children) if (child) element.appendChild(child);
  return element;
}

export function setAttributes(element: Element, attrs: Record<string, string | number | boolean | undefined> | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

/** A button with a codicon and an accessible name (the icon is decoration). */
export function iconButton(icon: string, label: string, className = 'icon-button'): HTMLButtonElement {
  return el('button', { className, attrs: { type: 'button', title: label, 'aria-label': label } }, [el('span', { className: `codicon codicon-${icon}`, attrs: { 'aria-hidden': 'true' } })]);
}

export function setIcon(button: HTMLElement, icon: string, label: string): void {
  const glyph = button.querySelector('.codicon');
  if (glyph) glyph.className = `codicon codicon-${icon}`;
  button.title = label;
  button.setAttribute('aria-label', label);
}

/** Sets a node's text only when it differs: an unchanged write would still cost the browser a layout. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Sets an attribute only when it differs, for the same reason. */
export function setAttr(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

export function clear(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild);
}
