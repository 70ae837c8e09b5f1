import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { SAMPLE_PATIENTS, sampleEvent } from './sample-notes.js';
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
const notes = [
  {
    cell: 'uk',
    event: sampleEvent({ patient: SAMPLE_PATIENTS.uk, noteId: `demo-${run}-uk`, clinicianCountry: 'GB' }),
  },
  {
    cell: 'uk',
    event: sampleEvent({
      patient: SAMPLE_PATIENTS.uk,
      noteId: `demo-${run}-uk`,
      version: 2,
      clinicianCountry: 'GB',
      text: 'Addendum: throat swab negative for group A strep.',
    }),
  },
  {
    cell: 'eu',
    event: sampleEvent({ patient: SAMPLE_PATIENTS.eu, noteId: `demo-${run}-de`, clinicianCountry: 'DE' }),
  },
  {
    cell: 'us',
    event: sampleEvent({ patient: SAMPLE_PATIENTS.us, noteId: `demo-${run}-us`, clinicianCountry: 'US' }),
  },
  {
    cell: 'ca',
    event: sampleEvent({ patient: SAMPLE_PATIENTS.ca, noteId: `demo-${run}-ca`, clinicianCountry: 'CA' }),
  },
  {
    cell: 'au',
    event: sampleEvent({ patient: SAMPLE_PATIENTS.au, noteId: `demo-${run}-au`, clinicianCountry: 'AU' }),
  },
  {
    cell: 'us',
    event: sampleEvent({
      patient: SAMPLE_PATIENTS.uk,
      noteId: `demo-${run}-misrouted`,
      clinicianCountry: 'US',
    }),
  },
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
