import type { PaneState } from '../controller';
import { h, setText } from './el';
import { button } from './ui';
import type { Component, PaneContext } from './ui';

/** What a panel shows before sign-in: why, and the way to the Connect tab. */
export function notConnectedCard(ctx: PaneContext): Component {
  const text = h('p');
  const go = button('goto-connect', () => ctx.select('connect'), { appearance: 'primary' });
  return {
    el: h('section', { class: 'card' }, text, h('div', { class: 'row' }, go.el)),
    update(state: PaneState) {
      setText(text, ctx.tx('notConnected'));
      go.set(ctx.tx('tabConnect'), state.busy !== null);
    },
  };
}

/** A panel that needs a signed-in user: the not-connected card until then, its content after. */
export function signedInPanel(ctx: PaneContext, content: Component): Component {
  const gate = notConnectedCard(ctx);
  const el = h('div', { class: 'stack' }, gate.el, content.el);
  return {
    el,
    update(state) {
      gate.el.hidden = !!state.me;
      content.el.hidden = !state.me;
      if (state.me) content.update(state);
      else gate.update(state);
    },
  };
}
