// The only way the page builds DOM: elements and text nodes, never markup. Every string from the API (log lines,
// error messages, symbol names from downloaded files) lands as text; the page's CSP (Trusted Types) would refuse
// markup anyway.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  readonly class?: string;
  readonly id?: string;
  /** Attributes set with setAttribute (aria-*, role, type, …); `false` and null leave them out. */
  readonly attrs?: Readonly<Record<string, string | number | boolean | null | undefined>>;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class !== undefined) element.className = props.class;
  if (props.id !== undefined) element.id = props.id;
  for (const [name, value] of Object.entries(props.attrs ?? {})) setAttr(element, name, value);
  for (const [type, listener] of Object.entries(props.on ?? {})) {
    element.addEventListener(type, listener as EventListener);
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? text(String(child)) : child);
  }
}

export function text(value: string): Text {
  return document.createTextNode(value);
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Sets or removes an attribute: `true` sets it empty, false/null/undefined removes it. */
export function setAttr(element: Element, name: string, value: string | number | boolean | null | undefined): void {
  if (value === false || value === null || value === undefined) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? '' : String(value));
}

/** Sets textContent only when it changed, so screen readers are not told about unchanged live regions. */
export function setText(element: Element, value: string): void {
  if (element.textContent !== value) element.textContent = value;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id}`);
  return element as T;
}

/**
 * Re-renders `container` (via `render`) and puts the keyboard focus back on the element with the same
 * `data-focus-key`, so live updates never throw a keyboard user out of a table.
 */
export function keepingFocus(container: Element, render: () => void): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.focusKey : undefined;
  render();
  if (key === undefined) return;
  const again = [...container.querySelectorAll<HTMLElement>('[data-focus-key]')].find(
    (element) => element.dataset.focusKey === key,
  );
  again?.focus();
}
