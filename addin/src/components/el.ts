import { dom, isField } from '../dom';
import type { DomElement, DomListener, DomNode } from '../dom';
import { present } from '../../excel/present';

/**
 * The few DOM helpers every component uses. A component creates its nodes once and then
 * only writes what changed (setText, setAttr), so the element that has focus, and its
 * caret, are never replaced; lists are reconciled by key (keyedList).
 */

export type Child = DomNode | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined | DomListener>;

export function h(tag: string, attrs: Attrs = {}, ...children: Array<Child | Child[]>): DomElement {
  const el = dom().document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      if (name.startsWith('on')) el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'value' && isField(el)) el.value = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? dom().document.createTextNode(child) : child);
  }
  return el;
}

/** Writes the text only when it differs (a write would replace the text node). */
export function setText(el: DomElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Sets, changes or (null/false) removes one attribute, touching the node only on a change. */
export function setAttr(el: DomElement, name: string, value: string | number | boolean | null | undefined): void {
  const next = value === null || value === undefined || value === false ? null : value === true ? '' : String(value);
  if (el.getAttribute(name) === next) return;
  if (next === null) el.removeAttribute(name);
  else el.setAttribute(name, next);
}

export function show(el: DomElement, visible: boolean): void {
  if (el.hidden === visible) el.hidden = !visible;
}

/**
 * Puts exactly `nodes`, in this order, into `parent`. The nodes already in place along the
 * longest run in the right relative order stay; only the others are moved, so one row moving
 * to the end of a table is one move, not one per row it passes.
 */
export function placeChildren(parent: DomElement, nodes: readonly DomNode[]): void {
  const wanted = new Set(nodes);
  for (const child of Array.from(parent.childNodes)) if (!wanted.has(child)) (child as DomElement).remove();
  const position = new Map(Array.from(parent.childNodes).map((child, i) => [child, i]));
  const stay = longestIncreasing(nodes.map((node) => position.get(node) ?? -1));
  let before: DomNode | null = null;
  for (const [i, node] of [...nodes.entries()].reverse()) {
    if (!stay.has(i)) parent.insertBefore(node, before);
    before = node;
  }
}

/** Indexes of one longest strictly increasing subsequence of `values`, ignoring the -1s (O(n log n)). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous = new Array<number>(values.length).fill(-1);
  values.forEach((value, i) => {
    if (value < 0) return;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (present(values[present(tails[mid], 'a tail')], 'a value') < value) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = tails[lo - 1] ?? -1;
    tails[lo] = i;
  });
  const out = new Set<number>();
  for (let i = tails.at(-1) ?? -1; i >= 0; i = previous[i] ?? -1) out.add(i);
  return out;
}

let idSeq = 0;
export const uid = (base: string): string => `${base}-${++idSeq}`;

/** One row of a keyed list: its nodes, and how to bring them up to date with a new item. */
export interface Row<T> {
  nodes: DomNode[];
  update(item: T): void;
}

/**
 * A list reconciled by key: a row is created once per key, updated in place while its key
 * stays, moved when the order changes and removed when its key goes. Rows whose item did
 * not change write nothing (their update compares before writing).
 */
export function keyedList<T>(parent: DomElement, keyOf: (item: T) => string, create: (item: T) => Row<T>): (items: readonly T[]) => void {
  const rows = new Map<string, Row<T>>();
  return (items) => {
    const seen = new Set<string>();
    const nodes: DomNode[] = [];
    for (const item of items) {
      const key = keyOf(item);
      seen.add(key);
      let row = rows.get(key);
      if (!row) {
        row = create(item);
        rows.set(key, row);
      }
      row.update(item);
      nodes.push(...row.nodes);
    }
    for (const key of [...rows.keys()]) if (!seen.has(key)) rows.delete(key);
    placeChildren(parent, nodes);
  };
}
