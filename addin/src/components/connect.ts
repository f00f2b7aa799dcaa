import type { PaneState } from '../controller';
import type { MessageKey } from '../i18n';
import { h, setText, show } from './el';
import { badge, button, card, setValue, textField } from './ui';
import type { Component, PaneContext } from './ui';

/** Kết nối: who is signed in (with sign-out), and the server address and token form. */
export function connectPanel(ctx: PaneContext): Component {
  const { controller, tx } = ctx;
  const drafts = { url: controller.state.serverUrl, token: '' };

  const who = card('who-title');
  const whoName = h('strong', { 'data-testid': 'connect-who' });
  const roleLabel = h('span');
  const role = badge('connect-role');
  const server = h('span', { class: 'muted', 'data-testid': 'connect-server' });
  const disconnect = button('connect-disconnect', () => controller.disconnect());
  who.el.append(h('div', { class: 'who' }, whoName, h('span', {}, roleLabel, role.el), server), h('div', { class: 'row' }, disconnect.el));

  const url = textField('connect-url', { type: 'url', placeholder: 'https://', autocomplete: 'url', onInput: (v) => (drafts.url = v) });
  const token = textField('connect-token', { type: 'password', onInput: (v) => (drafts.token = v) });
  url.field.setAttribute('inputmode', 'url');
  setValue(url.field, drafts.url);
  const submit = button('connect-submit', () => undefined, { appearance: 'primary', type: 'submit' });
  const formTitle = h('h2', { id: 'connect-title' });
  const form = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'connect-title',
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        ctx.act(async () => {
          await controller.connect(drafts.url, drafts.token);
          drafts.token = '';
          setValue(token.field, '');
          ctx.select('template');
        });
      },
    },
    formTitle,
    url.el,
    token.el,
    h('div', { class: 'row' }, submit.el),
  );

  return {
    el: h('div', { class: 'stack' }, who.el, form),
    update(state: PaneState) {
      const me = state.me;
      show(who.el, !!me);
      if (me) {
        setText(who.title, tx('connectedAs', { who: '' }).replace(/[:\s]+$/, ''));
        setText(whoName, me.agencyId ? controller.show(controller.agencyText(me.agencyId)) : me.label);
        setText(roleLabel, `${tx('roleLabel')}: `);
        role.set(tx(`role_${me.role}` as MessageKey), 'brand');
        setText(server, state.serverUrl);
        disconnect.set(tx('disconnect'), state.busy !== null);
      }
      setText(formTitle, tx('tabConnect'));
      url.set(tx('serverUrl'), tx('serverUrlHint'));
      token.set(tx('token'), tx('tokenHint'));
      submit.set(state.busy === 'connect' ? tx('connecting') : tx('connect'), state.busy !== null);
    },
  };
}
