import { DevUser, HIM_ROLES } from './dev-issuer.js';

/** Development users offered on the local sign-in page: each role, a viewer abroad, and one with no country. */
export const DEV_USERS: readonly (DevUser & { label: string })[] = [
  { user: 'him.reviewer', roles: ['him-reviewer'], country: 'GB', label: 'HIM reviewer in GB' },
  { user: 'privacy.officer', roles: ['privacy-officer'], country: 'GB', label: 'Privacy officer in GB' },
  {
    user: 'integration.admin',
    roles: ['integration-admin'],
    country: 'GB',
    label: 'Integration admin in GB',
  },
  { user: 'him.lead', roles: [...HIM_ROLES], country: 'GB', label: 'Every role, in GB' },
  { user: 'reviewer.de', roles: ['him-reviewer'], country: 'DE', label: 'HIM reviewer in DE (views abroad)' },
  { user: 'reviewer.nowhere', roles: ['him-reviewer'], label: 'HIM reviewer with no country (PHI refused)' },
];

const ROLE_LABELS: Record<(typeof HIM_ROLES)[number], string> = {
  'him-reviewer': 'HIM reviewer',
  'privacy-officer': 'Privacy officer',
  'integration-admin': 'Integration admin',
};

/** Reads the sign-in form: `preset` names a development user, or `user`, `roles` and `country` describe one. */
export function parseSignInForm(body: string): { user: DevUser } | { error: string; values: FormValues } {
  const form = new URLSearchParams(body);
  const preset = DEV_USERS.find((u) => u.user === form.get('preset'));
  if (preset) return { user: { user: preset.user, roles: preset.roles, country: preset.country } };
  const country = (form.get('country') ?? '').trim().toUpperCase();
  const values = { user: (form.get('user') ?? '').trim(), roles: form.getAll('roles'), country };
  const parsed = DevUser.safeParse({ ...values, country: country || undefined });
  if (parsed.success) return { user: parsed.data };
  return {
    error: parsed.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; '),
    values,
  };
}

export interface FormValues {
  user: string;
  roles: string[];
  country: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page the provider shows when a request cannot go back to the console (e.g. an unknown redirect URI). */
export function errorPage(error: string, description: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign-in error · visitbridge development identity provider</title>
<link rel="stylesheet" href="/console/styles.css"></head>
<body><main id="main" class="signin"><h1>Sign-in could not continue</h1>
<div class="notice error" role="alert"><strong>${escapeHtml(error)}</strong>${description ? `: ${escapeHtml(description)}` : ''}</div>
<p>Start again from the console.</p></main></body></html>
`;
}

/**
 * The local sign-in page an interaction shows: pick a development user or describe one.
 * Plain HTML posted back to `action`; styled by the console's stylesheet.
 */
export function signInPage(options: {
  action: string;
  clientName: string;
  error?: string;
  values?: FormValues;
}): string {
  const values = options.values ?? { user: 'him.reviewer', roles: ['him-reviewer'], country: 'GB' };
  const presets = DEV_USERS.map(
    (u) => `<li><form method="post" action="${escapeHtml(options.action)}">
      <input type="hidden" name="preset" value="${escapeHtml(u.user)}">
      <button type="submit" class="preset">${escapeHtml(u.user)}</button> <span class="muted">${escapeHtml(u.label)}</span>
    </form></li>`,
  ).join('\n');
  const roles = HIM_ROLES.map(
    (role) =>
      `<label class="check"><input type="checkbox" name="roles" value="${role}"${
        values.roles.includes(role) ? ' checked' : ''
      }> ${ROLE_LABELS[role]}</label>`,
  ).join('\n');
  const error = options.error
    ? `<div class="notice error" role="alert">${escapeHtml(options.error)}</div>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · visitbridge development identity provider</title>
<link rel="stylesheet" href="/console/styles.css">
</head>
<body>
<main id="main" class="signin">
<h1>Sign in to ${escapeHtml(options.clientName)}</h1>
<p class="lead">Development identity provider of the local stack <span class="badge warn">local only</span>. In AWS this page is the cell's Cognito managed login, with passwords and MFA.</p>
${error}
<div class="signin-grid">
<section class="card" aria-labelledby="presets-h">
<h2 id="presets-h">Development users</h2>
<ul class="presets">
${presets}
</ul>
</section>
<form class="card" id="dev-form" method="post" action="${escapeHtml(options.action)}" aria-labelledby="dev-h">
<h2 id="dev-h">Another user</h2>
<div class="field"><label for="dev-user">User name</label>
<input id="dev-user" name="user" value="${escapeHtml(values.user)}" autocomplete="off" required></div>
<fieldset class="roles"><legend>Roles</legend>
${roles}
</fieldset>
<div class="field"><label for="dev-country">Country (ISO 3166-1 alpha-2; leave empty for none)</label>
<input id="dev-country" name="country" value="${escapeHtml(values.country)}" maxlength="2" autocomplete="off"></div>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>
</div>
</main>
</body>
</html>
`;
}
