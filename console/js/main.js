/** Boots the console: loads config.json, signs in, asks the first cell who we are, mounts the views. */
import { createApi } from './api.js';
import { mount } from './dom.js';
import { beginSignIn, completeSignIn, isSignInReturn } from './oauth.js';
import { loadConfig, session } from './session.js';
import { shellView } from './views/shell.js';
import { signInView } from './views/signin.js';
import { h } from './vnode.js';

const main = document.getElementById('main');
const who = document.getElementById('who');
const status = document.getElementById('status');
/** @type {{ cells: Array<{ id: string, name: string, region: string, apiBase: string }>, signIn?: object }} */
let config;

function announce(text) {
  status.textContent = '';
  setTimeout(() => {
    status.textContent = text;
  }, 50);
}

function signOut(message, tone = 'error') {
  session.signOut();
  mount(who);
  signInView(main, {
    signIn: config.signIn,
    message,
    tone,
    onSignIn: () => beginSignIn(config.signIn),
    onToken: start,
  });
  document.title = 'Sign in · visitbridge HIM console';
}

const api = createApi({
  token: session.token,
  onUnauthorized: () => signOut('Your session ended or the token was refused. Please sign in again.'),
});

async function start(token) {
  if (token) session.signIn(token);
  const saved = session.selectedCells();
  const selected = saved?.length
    ? saved.filter((id) => config.cells.some((c) => c.id === id))
    : config.cells.map((c) => c.id);
  const first = config.cells.find((c) => selected.includes(c.id)) ?? config.cells[0];
  let me;
  try {
    me = await api.json(first, 'whoami', { action: 'use the HIM console' });
  } catch (error) {
    if (error.status === 401) return;
    const text =
      error.status === 403
        ? 'Your token carries no HIM role (him-reviewer, privacy-officer or integration-admin).'
        : `${first.name}: ${error.title}${error.detail ? ` — ${error.detail}` : ''}`;
    return signOut(text);
  }
  const roles = Array.isArray(me.roles) ? me.roles : [];
  mount(
    who,
    h('span', { class: 'who-user' }, h('span', { class: 'visually-hidden' }, 'Signed in as '), me.user),
    h('span', { class: 'who-roles' }, roles.join(' · ') || 'no roles'),
    h(
      'button',
      { type: 'button', class: 'ghost', onclick: () => signOut('You have signed out.', 'info') },
      'Sign out',
    ),
  );
  document.title = 'visitbridge HIM console';
  shellView(main, {
    config,
    selected,
    onCellsChange: (ids) => session.selectCells(ids),
    ctx: { api, announce, can: (role) => roles.includes(role), roles },
  });
  announce(`Signed in as ${me.user}`);
}

async function returnFromSignIn() {
  let token;
  try {
    token = await completeSignIn(config.signIn);
  } catch (error) {
    return signOut(`Sign-in failed: ${error.message}.`);
  }
  await start(token);
}

try {
  config = await loadConfig();
  if (config.signIn && isSignInReturn()) await returnFromSignIn();
  else if (session.token()) await start();
  else signOut();
} catch (error) {
  mount(
    main,
    h(
      'div',
      { class: 'notice error', role: 'alert' },
      h('strong', null, 'The console could not start'),
      h('p', null, error.message),
    ),
  );
}
