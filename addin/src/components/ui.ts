import type { DomElement, DomEvent, DomField } from '../dom';
import type { PaneState, TaskpaneController } from '../controller';
import type { MessageKey, Params } from '../i18n';
import { h, keyedList, setAttr, setText, uid } from './el';

/**
 * What every panel gets: the controller (the state owner), the current strings, a guarded
 * way to run actions, and the tab switch. Components are `{ el, update(state) }`: `el` is
 * created once, `update` writes only what changed.
 */

export type TabId = 'connect' | 'template' | 'check' | 'send' | 'consolidate';

export interface PaneContext {
  controller: TaskpaneController;
  // Functions, not methods: panels take them out of the context (`const { tx } = ctx`).
  tx: (key: MessageKey, params?: Params) => string;
  /** Runs a controller action unless one is running; its error is already in the state's notice. */
  act: (fn: () => unknown) => void;
  select: (tab: TabId) => void;
}

export interface Component {
  readonly el: DomElement;
  update(state: PaneState): void;
}

export function createContext(controller: TaskpaneController, select: (tab: TabId) => void): PaneContext {
  return {
    controller,
    tx: (key, params) => controller.text(key, params),
    act: (fn) => {
      if (controller.state.busy !== null) return;
      void (async () => {
        try {
          await fn();
        } catch {
          /* shown in the status region */
        }
      })();
    },
    select,
  };
}

export interface ButtonOptions {
  appearance?: 'primary' | 'subtle';
  small?: boolean;
  key?: string;
  type?: 'button' | 'submit';
}

/** A Fluent button. While `disabled` it stays focusable (aria-disabled), as before. */
export interface PaneButton {
  el: DomElement;
  set(label: string, disabled: boolean, ariaLabel?: string): void;
}

export function button(testid: string, onClick: () => void, opts: ButtonOptions = {}): PaneButton {
  let disabled = false;
  const el = h('fluent-button', {
    type: opts.type ?? 'button',
    appearance: opts.appearance,
    size: opts.small ? 'small' : null,
    'data-testid': testid,
    'data-key': opts.key,
    onclick: (event: DomEvent) => {
      if (disabled) {
        event.preventDefault();
        return;
      }
      if (opts.type !== 'submit') onClick();
    },
  });
  return {
    el,
    set(label, off, ariaLabel) {
      disabled = off;
      setText(el, label);
      setAttr(el, 'disabled-focusable', off);
      setAttr(el, 'aria-label', ariaLabel);
    },
  };
}

export type BadgeKind = 'error' | 'warning' | 'success' | 'info' | 'brand' | '';
const BADGE_COLOR: Record<BadgeKind, string> = { error: 'danger', warning: 'warning', success: 'success', info: 'informative', brand: 'brand', '': 'subtle' };

/** A Fluent badge; data-kind keeps the pane's own name for its colour. */
export function badge(testid?: string): { el: DomElement; set(text: string | number, kind: BadgeKind, label?: string): void } {
  const el = h('fluent-badge', { 'data-testid': testid });
  return {
    el,
    set(text, kind, label) {
      setText(el, String(text));
      setAttr(el, 'color', BADGE_COLOR[kind]);
      setAttr(el, 'appearance', kind === 'info' || kind === '' ? 'tint' : 'filled');
      setAttr(el, 'data-kind', kind || 'none');
      setAttr(el, 'aria-label', label);
    },
  };
}

export interface TextFieldOptions {
  type?: 'text' | 'url' | 'password';
  multiline?: boolean;
  maxlength?: number;
  placeholder?: string;
  autocomplete?: string;
  key?: string;
  onInput(value: string): void;
}

/**
 * A Fluent text input or textarea with its label (slotted, so it labels the inner control)
 * and a hint. The hint is the control's accessible description: aria-describedby cannot
 * point across the shadow boundary, so it is set as aria-description on the inner control.
 */
export function textField(testid: string, opts: TextFieldOptions): { el: DomElement; field: DomField; set(label: string, hint?: string): void } {
  const label = h('span', opts.multiline ? { slot: 'label' } : {});
  const field = h(opts.multiline ? 'fluent-textarea' : 'fluent-text-input', {
    type: opts.multiline ? null : (opts.type ?? 'text'),
    'data-testid': testid,
    'data-key': opts.key,
    maxlength: opts.maxlength,
    placeholder: opts.placeholder,
    autocomplete: opts.autocomplete ?? 'off',
    spellcheck: 'false',
    resize: opts.multiline ? 'vertical' : null,
    oninput: () => opts.onInput(field.value),
  }, label) as DomField;
  const hint = h('span', { class: 'hint' });
  const el = h('div', { class: 'field' }, field, hint);
  return {
    el,
    field,
    set(text, hintText) {
      setText(label, text);
      setText(hint, hintText ?? '');
      hint.hidden = !hintText;
      const control = (field as unknown as { shadowRoot?: { querySelector(s: string): DomElement | null } }).shadowRoot?.querySelector('#control');
      if (control) setAttr(control, 'aria-description', hintText);
    },
  };
}

/** Sets a field's value only when the user's text differs (writing would move the caret). */
export function setValue(field: DomField, value: string): void {
  if (field.value !== value) field.value = value;
}

export interface Choice {
  value: string;
  label: string;
}

/**
 * A labelled native <select>: Fluent's web components have a dropdown, but a native select
 * keeps the platform's keyboard and screen-reader behaviour inside Office's webview. Its
 * options are kept by value.
 */
export function selectField(testid: string, onChange: (value: string) => void, key?: string): { el: DomElement; set(label: string, choices: readonly Choice[], value: string | null, disabled?: boolean): void } {
  const id = uid(testid);
  const label = h('label', { for: id });
  const select = h('select', { id, 'data-testid': testid, 'data-key': key, onchange: () => onChange(select.value) }) as DomField;
  const options = keyedList<Choice>(select, (c) => c.value, (c) => {
    const option = h('option', { value: c.value });
    return { nodes: [option], update: (next) => setText(option, next.label) };
  });
  return {
    el: h('div', { class: 'field' }, label, select),
    set(text, choices, value, disabled = false) {
      setText(label, text);
      options(choices);
      if (value !== null && select.value !== value) select.value = value;
      setAttr(select, 'disabled', disabled || choices.length === 0);
    },
  };
}

/** A card with a heading: the section every panel is made of. */
export function card(titleId: string | null, attrs: Record<string, string> = {}): { el: DomElement; title: DomElement } {
  const title = h('h2', titleId ? { id: titleId } : {});
  const el = h('section', { class: 'card', ...(titleId ? { 'aria-labelledby': titleId } : {}), ...attrs }, titleId ? title : null);
  return { el, title };
}
