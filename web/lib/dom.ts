/** Small DOM helpers shared by the support pages. Text always goes in through textContent, never as markup. */

type Child = Node | string | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;

export interface Attrs {
  [name: string]: AttrValue | ((event: Event) => void) | undefined;
  text?: string | number | null;
  class?: string;
}

/** Builds an element. `text` sets textContent; `onclick`-style keys add listeners; `true` sets an empty attribute. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key === 'class') el.className = String(value);
    else if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** The element with this id, typed; a missing one is a bug in the view, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** "attempt_failed" → "attempt failed". */
export function label(value: string | null | undefined): string {
  return String(value ?? '').replace(/_/g, ' ');
}
