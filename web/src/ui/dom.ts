/** A tiny element builder: `h("p", { class: "x" }, "text")`. No innerHTML anywhere. */

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler | Record<string, Handler>>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Makes an element. `on: { click: fn }` adds listeners; `value` and
 * `checked` are set as properties; `true` sets an empty attribute and
 * `false`/null/undefined leaves it out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "on" && typeof value === "object") {
      for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    } else if (name === "value" && "value" in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (name === "checked" && "checked" in el) {
      (el as HTMLInputElement).checked = value === true;
    } else if (typeof value !== "function" && typeof value !== "object") {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Text for screen readers only. */
export function hidden(text: string): HTMLSpanElement {
  return h("span", { class: "kluis-visually-hidden" }, text);
}

/** A unique id for label/field pairs. */
let counter = 0;
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
