/** Sign-in: paste a bearer token, or mint a development token when the local issuer is configured. */
import { field, mount } from '../dom.js';
import { mintDevToken } from '../session.js';
import { h } from '../vnode.js';
import { labelled } from './common.js';

const ROLES = [
  ['him-reviewer', 'HIM reviewer'],
  ['privacy-officer', 'Privacy officer'],
  ['integration-admin', 'Integration admin'],
];

/**
 * Mounts the sign-in forms into `root`.
 * @param {{ devIssuer?: { tokenUrl: string }, message?: string, tone?: 'error' | 'info', onToken: (token: string) => Promise<void> }} options
 */
export function signInView(root, { devIssuer, message, tone = 'error', onToken }) {
  const status = h(
    'div',
    { class: 'signin-status', 'aria-live': 'assertive' },
    message
      ? h('div', { class: `notice ${tone}`, role: tone === 'error' ? 'alert' : 'status' }, message)
      : null,
  );
  mount(
    root,
    h(
      'div',
      { class: 'signin' },
      h('h1', null, 'Sign in to the HIM console'),
      h(
        'p',
        { class: 'lead' },
        'Review cross-border transfers, failed deliveries and who looked at what, across the cells you choose. Your token stays in this browser tab only.',
      ),
      status,
      h(
        'div',
        { class: 'signin-grid' },
        h(
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
          h('p', { class: 'muted' }, 'Paste an access token from your identity provider.'),
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
        ),
        devIssuer
          ? h(
              'form',
              {
                class: 'card',
                id: 'dev-form',
                method: 'post',
                action: '#',
                'aria-labelledby': 'dev-h',
                onsubmit: mint,
              },
              h('h2', { id: 'dev-h' }, 'Development token', h('span', { class: 'badge warn' }, 'local only')),
              h('p', { class: 'muted' }, 'Mint a token from the local development issuer.'),
              labelled(
                'dev-user',
                'User name',
                h('input', {
                  id: 'dev-user',
                  name: 'user',
                  value: 'him.reviewer',
                  autocomplete: 'off',
                  required: true,
                }),
              ),
              h(
                'fieldset',
                { class: 'roles' },
                h('legend', null, 'Roles'),
                ROLES.map(([role, label], i) =>
                  h(
                    'label',
                    { class: 'check' },
                    h('input', { type: 'checkbox', name: 'roles', value: role, checked: i === 0 }),
                    label,
                  ),
                ),
              ),
              labelled(
                'dev-country',
                'Viewer country (optional)',
                h('input', {
                  id: 'dev-country',
                  name: 'country',
                  placeholder: 'GB',
                  maxlength: '2',
                  autocomplete: 'off',
                }),
              ),
              h(
                'div',
                { class: 'actions' },
                h('button', { type: 'submit', class: 'primary' }, 'Mint token and sign in'),
              ),
            )
          : null,
      ),
    ),
  );
  const statusEl = root.querySelector('.signin-status');
  root.querySelector(devIssuer ? '#dev-user' : '#token')?.focus();

  function fail(text) {
    mount(statusEl, h('div', { class: 'notice error', role: 'alert' }, text));
  }

  async function pasted(event) {
    event.preventDefault();
    const token = field(event.currentTarget, 'token').replace(/^Bearer\s+/i, '');
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) return fail('That does not look like a JWT access token.');
    await onToken(token);
  }

  async function mint(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const roles = [...form.querySelectorAll('input[name="roles"]:checked')].map((i) => i.value);
    if (!roles.length) return fail('Choose at least one role.');
    const country = field(form, 'country').toUpperCase();
    try {
      await onToken(await mintDevToken(devIssuer.tokenUrl, { user: field(form, 'user'), roles, country }));
    } catch (error) {
      fail(`The development issuer refused: ${error.message}`);
    }
  }
}
