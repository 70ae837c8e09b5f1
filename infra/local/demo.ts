import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { DEMO_PATIENTS, type DemoNoteOptions, demoEvent } from './demo-notes.js';
import { readDemoSecret } from './senders.js';
import { DEMO_SENDER_ID, localSettings, stackUrl } from './settings.js';

/**
 * `npm run demo`: posts a few realistic signed notes to a running local stack,
 * as a telemedicine platform would, and prints the receipts.
 */
const settings = localSettings();
const base = process.env.VISITBRIDGE_URL ?? stackUrl(settings);
const secret =
  settings.VISITBRIDGE_DEMO_SENDER_SECRET ??
  (await readDemoSecret(resolve(settings.VISITBRIDGE_DATA_DIR, 'senders.json')));
const health = await fetch(`${base}/healthz`).catch(() => undefined);
if (!health?.ok || !secret) {
  console.error(
    `No running visitbridge at ${base} (start it with npm start, same PORT and VISITBRIDGE_DATA_DIR).`,
  );
  process.exit(1);
}
const signer = new Webhook(secret);
const run = randomUUID().slice(0, 8);
const note = (
  cell: string,
  patient: keyof typeof DEMO_PATIENTS,
  suffix: string,
  extra: Partial<DemoNoteOptions> = {},
) => ({
  cell,
  event: demoEvent({ patient: DEMO_PATIENTS[patient], noteId: `demo-${run}-${suffix}`, ...extra }),
});
const notes = [
  note('uk', 'uk', 'uk'),
  note('uk', 'uk', 'uk', { version: 2, text: 'Addendum: throat swab negative for group A strep.' }),
  note('uk', 'uk', 'uk-us-clinician', { clinicianCountry: 'US' }), // inbound US → UK
  note('uk', 'uk', 'uk-de-clinician', { clinicianCountry: 'DE' }), // inbound EU → UK under adequacy
  note('eu', 'eu', 'de'),
  note('us', 'us', 'us'),
  note('ca', 'ca', 'ca'),
  note('au', 'au', 'au'),
  note('us', 'uk', 'uk-via-us'), // misrouted: the US cell forwards it to the UK cell
  note('ca', 'uk', 'uk-via-ca'), // misrouted: the CA cell rejects it (421)
  note('eu', 'au', 'au-via-eu'), // misrouted into strict localisation: refused (451)
];

for (const { cell, event } of notes) {
  const body = JSON.stringify(event);
  const id = `msg_${randomUUID()}`;
  const now = new Date();
  const response = await fetch(`${base}/${cell}/v1/webhooks/${DEMO_SENDER_ID}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signer.sign(id, now, body),
    },
    body,
  });
  const answer = (await response.json()) as Record<string, unknown>;
  const label = `${event.type.replace('visit.note.', '')} ${event.note.id} v${event.note.version} (patient in ${event.patient.residenceCountry}) → ${cell}`;
  console.log(`${String(response.status).padEnd(4)} ${label}`);
  console.log(`     ${JSON.stringify(answer)}`);
}
console.log(`
Next: watch them reach the sandbox EHRs and the transfers ledger
  console   ${base}/console/   (sign in with a dev token)
  CLI       npx visitbridge deliveries list --cell uk --state delivered
            npx visitbridge ledger list --cell uk`);
