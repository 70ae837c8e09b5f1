/**
 * Sign-in: a button that goes to the cell's identity provider (authorization code with PKCE).
 * Only when the deployment names no sign-in endpoints does the console take a pasted token.
 */
import { field, mount } from '../dom.js';
import { h } from '../vnode.js';
import { labelled } from './common.js';

/**
 * Mounts the sign-in page into `root`.
 * @param {{ signIn?: { issuer: string }, message?: string, tone?: 'error' | 'info',
 *   onSignIn: () => Promise<void>, onToken: (token: string) => Promise<void> }} options
 */
export function signInView(root, { signIn, message, tone = 'error', onSignIn, onToken }) {
  mount(
    root,
    h(
      'div',
      { class: 'signin' },
      h('h1', null, 'Sign in to the HIM console'),
      h(
        'p',
        { class: 'lead' },
        'Review cross-border transfers, failed deliveries and who looked at what, across the cells you choose. Your session stays in this browser tab only.',
      ),
      h(
        'div',
        { class: 'signin-status', 'aria-live': 'assertive' },
        message
          ? h('div', { class: `notice ${tone}`, role: tone === 'error' ? 'alert' : 'status' }, message)
          : null,
      ),
      signIn ? providerCard(signIn, onSignIn) : pasteCard(onToken),
    ),
  );
  root.querySelector(signIn ? '#sign-in' : '#token')?.focus();
}

function providerCard(signIn, onSignIn) {
  return h(
    'section',
    { class: 'card signin-provider', 'aria-labelledby': 'provider-h' },
    h('h2', { id: 'provider-h' }, 'Your organisation’s sign-in'),
    h(
      'p',
      { class: 'muted' },
      'You sign in at ',
      h('code', null, new URL(signIn.issuer).host),
      ' with your password and second factor, then come back here.',
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', id: 'sign-in', class: 'primary', onclick: () => onSignIn() }, 'Sign in'),
    ),
  );
}

function pasteCard(onToken) {
  async function pasted(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const token = field(form, 'token').replace(/^Bearer\s+/i, '');
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
      mount(
        form.querySelector('.form-error'),
        h('div', { class: 'notice error', role: 'alert' }, 'That does not look like a JWT access token.'),
      );
      return;
    }
    await onToken(token);
  }
  return h(
    'form',
    {
      class: 'card',
      id: 'token-form',
      method: 'post',
      action: '#',
      'aria-labelledby': 'token-h',
      onsubmit: pasted,
    },
    h('h2', { id: 'token-h' }, 'Bearer token'),
    h(
      'p',
      { class: 'muted' },
      'This deployment names no sign-in endpoints for the console; paste an access token from your identity provider.',
    ),
    h('div', { class: 'form-error', 'aria-live': 'assertive' }),
    labelled(
      'token',
      'Access token',
      h('textarea', {
        id: 'token',
        name: 'token',
        rows: '4',
        autocomplete: 'off',
        spellcheck: 'false',
        required: true,
      }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
  );
}
