/**
 * The small part of the DOM the task pane uses, typed locally. The repository's root
 * tsconfig (Node: ES2023 without lib.dom) also compiles everything under addin/, and
 * pulling lib.dom into that program would retype Node's globals (fetch, timers) for the
 * server and its tests; addin/src/tsconfig.json checks the same files with lib.dom.
 * These interfaces are structural subsets of the real ones.
 */

export interface DomEvent {
  readonly target: unknown;
  /** KeyboardEvent.key */
  readonly key?: string;
  preventDefault(): void;
}

export type DomListener = (event: DomEvent) => void;

export interface DomEventTarget {
  addEventListener(type: string, listener: DomListener, options?: boolean | { once?: boolean }): void;
  removeEventListener(type: string, listener: DomListener): void;
}

export interface DomNode {
  textContent: string | null;
}

export interface DomElement extends DomNode, DomEventTarget {
  id: string;
  readonly tagName: string;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  append(...nodes: Array<DomNode | string>): void;
  replaceChildren(...nodes: Array<DomNode | string>): void;
  removeAttribute(name: string): void;
  insertBefore(node: DomNode, before: DomNode | null): void;
  remove(): void;
  readonly childNodes: ArrayLike<DomNode>;
  hidden: boolean;
  querySelector(selector: string): DomElement | null;
  contains(node: unknown): boolean;
  focus(): void;
}

/** <input>, <select>, <textarea>. */
export interface DomField extends DomElement {
  value: string;
  setSelectionRange?(start: number, end: number): void;
}

export interface DomDocument extends DomEventTarget {
  createElement(tag: string): DomElement;
  createTextNode(text: string): DomNode;
  getElementById(id: string): DomElement | null;
  readonly activeElement: DomElement | null;
  readonly body: DomElement | null;
  readonly documentElement: DomElement & { lang: string };
  title: string;
  readonly readyState: string;
}

export interface DomWindow extends DomEventTarget {
  setInterval(handler: () => void, ms: number): number;
  clearInterval(handle: number): void;
}

export interface DomGlobals {
  document: DomDocument;
  window: DomWindow;
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };
  location?: { protocol: string; origin: string };
}

export const dom = (): DomGlobals => globalThis as unknown as DomGlobals;

const FIELD_TAGS = new Set(['INPUT', 'SELECT', 'TEXTAREA']);
export const isField = (el: unknown): el is DomField =>
  !!el && typeof el === 'object' && FIELD_TAGS.has(String((el as { tagName?: unknown }).tagName).toUpperCase());
