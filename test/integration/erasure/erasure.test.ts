import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { cellKeyFiles } from '../../../infra/local/cells.js';
import { DEMO_SENDER_ID } from '../../../infra/local/settings.js';
import { localKeyring } from '../../../shared/adapters/crypto/keyrings.js';
import { DynamoErasureStore } from '../../../shared/adapters/dynamodb/erasure-store.js';
import { noteKey, PATIENT_INDEX_BACKFILL_KEY } from '../../../shared/adapters/dynamodb/keys.js';
import {
  DynamoPatientKeyTable,
  patientKeyTableName,
} from '../../../shared/adapters/dynamodb/patient-key-table.js';
import { FileSecretSource } from '../../../shared/adapters/fs/file-secret-source.js';
import {
  certificateSignatureValid,
  type SignedErasureCertificate,
} from '../../../shared/domain/erasure/erasure.js';
import { type FixturePatient, fixturePatients, noteEvent } from '../../fixtures/notes.js';
import { cliAgainst } from '../../helpers/cli.js';
import { scanAll, testEncryptor } from '../../helpers/dynamo.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { pdfText } from '../../helpers/pdf-text.js';
import { signedHeaders } from '../../helpers/signing.js';
import { cellTable, himClient } from '../him/helpers.js';

/** A second patient of the uk cell (NHS number from the 999 test range). */
const other: FixturePatient = {
  ...fixturePatients.uk,
  identifiers: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765873' }],
  name: { given: ['Oswin'], family: 'Otherby' },
};
const identifier = (p: FixturePatient) => p.identifiers[0];
/** Another patient of the uk cell, with its own NHS number (999 test range). */
const patientNumbered = (value: string): FixturePatient => ({
  ...other,
  identifiers: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value }],
});
const officer = { roles: ['privacy-officer' as const] };

describe('erasure by crypto-shredding (local stack, DynamoDB Local)', () => {
  let stack: TestStack;
  let him: ReturnType<typeof himClient>;
  /** The erasure the first test executes, for the CLI test. */
  let executedId = '';

  const post = async (patient: FixturePatient, noteId: string, version = 1) => {
    const body = JSON.stringify(noteEvent({ patient, noteId, version }));
    const res = await stack.post(
      'uk',
      `/v1/webhooks/${DEMO_SENDER_ID}`,
      body,
      signedHeaders({ secret: stack.demoSecret.value, body }),
    );
    expect(res.status).toBe(202);
  };
  const json = async (res: Response) => ({
    status: res.status,
    // biome-ignore lint/suspicious/noExplicitAny: bodies are read loosely here; api-contract checks their schemas
    body: (await res.json()) as Record<string, any>,
  });

  beforeAll(async () => {
    stack = await startTestStack();
    him = himClient(stack);
  });
  afterAll(async () => stack?.dispose());

  it('makes a patient unreadable everywhere, a dump taken before included, and leaves others and the chains intact', async () => {
    // Prepare: two notes (one amended) of the patient, one of another, all delivered to the sandbox EHR.
    await post(fixturePatients.uk, 'erase-a1');
    await post(fixturePatients.uk, 'erase-a1', 2);
    await post(fixturePatients.uk, 'erase-a2');
    await post(other, 'keep-b1');
    await stack.idle();
    const table = cellTable(stack, 'uk');
    const dump = (await scanAll(stack.dynamoClient, table)).map((i) => unmarshall(i));
    const ciphertexts = dump.filter((i) => i.type === 'note' && i.ciphertext);
    expect(ciphertexts).toHaveLength(4);

    // Act: file and preview, then execute.
    const filed = await json(
      await him('uk', 'POST', 'erasures', { ...officer, body: { patient: identifier(fixturePatients.uk) } }),
    );
    expect(filed.status).toBe(201);
    const { erasureId, preview } = filed.body;
    expect(preview.blocked).toBe(false);
    expect(preview.notes.map((n: { noteId: string; version: number }) => `${n.noteId}/${n.version}`)).toEqual(
      ['erase-a1/1', 'erase-a1/2', 'erase-a2/1'],
    );
    expect(preview.ehrActions).toHaveLength(3);
    const executed = await json(await him('uk', 'POST', `erasures/${erasureId}/execute`, officer));
    executedId = erasureId;

    // Assess: the certificate, signed with the digest key, lists what went and what the EHR holds.
    expect(executed.status).toBe(200);
    const signed = executed.body as SignedErasureCertificate;
    expect(signed.certificate.destroyed.patientKeyId).toBe(preview.patientKeyId);
    expect(signed.certificate.destroyed.notes).toHaveLength(3);
    expect(signed.certificate.ehrActions.map((a) => a.documentReference)).toEqual(
      preview.ehrActions.map((a: { documentReference: string }) => a.documentReference),
    );
    const publicKey = await json(await him('uk', 'GET', 'integrity/public-key', officer));
    // Parsed again in this realm: fetch's objects come from Node's own.
    const local = JSON.parse(JSON.stringify(signed)) as SignedErasureCertificate;
    expect(certificateSignatureValid(local, publicKey.body.publicKeyPem)).toBe(true);
    const forged = { ...local, certificate: { ...local.certificate, ehrActions: [] } };
    expect(certificateSignatureValid(forged, publicKey.body.publicKeyPem)).toBe(false);

    // The dump taken before the erasure: the patient's ciphertexts do not decrypt, the other patient's do.
    const cell = stack.cells.find((c) => c.id === 'uk');
    if (!cell) throw new Error('no uk cell');
    const { keyring, keyId } = await localKeyring(
      'uk',
      new FileSecretSource(),
      cellKeyFiles(cell).wrappingKey,
    );
    const reader = await testEncryptor(stack.dynamoClient, table, { id: 'uk', keyring, keyId });
    const outcomes = await Promise.all(
      ciphertexts.map((i) =>
        reader.encryptor
          .decrypt(new Uint8Array(i.ciphertext), {
            cell: 'uk',
            tenant: i.tenant,
            senderId: i.senderId,
            noteId: i.noteId,
            version: i.version,
            patientRef: i.patientRef,
          })
          .then(
            () => `${i.noteId}/${i.version}: read`,
            (e: { code?: string }) => `${i.noteId}/${i.version}: ${e.code}`,
          ),
      ),
    );
    expect(outcomes.sort()).toEqual([
      'erase-a1/1: note-erased',
      'erase-a1/2: note-erased',
      'erase-a2/1: note-erased',
      'keep-b1/1: read',
    ]);
    // Nothing is left to restore in the table either.
    const after = (await scanAll(stack.dynamoClient, table)).map((i) => unmarshall(i));
    expect(after.filter((i) => i.type === 'note' && i.ciphertext).map((i) => i.noteId)).toEqual(['keep-b1']);

    // A note view answers 410; the other patient's note still shows.
    const view = (noteId: string) =>
      him('uk', 'GET', `notes/${DEMO_SENDER_ID}/${noteId}/1?purpose=legal`, { ...officer, country: 'GB' });
    expect((await view('erase-a1')).status).toBe(410);
    expect((await view('keep-b1')).status).toBe(200);

    // The ledger holds an erasure entry and both chains still verify once sealed.
    const ledger = await json(await him('uk', 'GET', 'ledger?kind=erasure', officer));
    expect(ledger.body.entries).toHaveLength(1);
    expect(ledger.body.entries[0]).toMatchObject({ kind: 'erasure', patientRef: preview.patientRef });
    expect((await him('uk', 'POST', 'ledger/digest', officer)).status).toBe(201);
    expect((await him('uk', 'POST', 'audit/digest', officer)).status).toBe(201);
    const verified = await json(await him('uk', 'GET', 'integrity/verify', officer));
    expect(verified.status).toBe(200);
    expect(verified.body.ledger.ok).toBe(true);
    expect(verified.body.audit.ok).toBe(true);

    // Executing again changes nothing; the certificate stays available.
    const again = await json(await him('uk', 'POST', `erasures/${erasureId}/execute`, officer));
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/erasure-executed$/);
    const certificate = await json(await him('uk', 'GET', `erasures/${erasureId}/certificate`, officer));
    expect(certificate.body).toEqual(signed);
    const pdf = await him('uk', 'GET', `erasures/${erasureId}/certificate?format=pdf`, officer);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    for (const section of [
      'Erasure certificate',
      'Destroyed',
      'To action on the EHR side',
      'Retained',
      'Signature',
    ])
      expect(text).toContain(section);
    expect(text).toContain(preview.patientKeyId);
    expect(text).toContain(preview.ehrActions[0].documentReference);
    expect(text).toContain('erase-a2');
    expect(text).not.toContain(fixturePatients.uk.identifiers[0]?.value);
  });

  it('refuses an execution when a note arrived after the preview, until previewed again', async () => {
    const patient = patientNumbered('9434765881');
    await post(patient, 'late-1');
    await stack.idle();
    const filed = await json(
      await him('uk', 'POST', 'erasures', { ...officer, body: { patient: identifier(patient) } }),
    );
    await post(patient, 'late-2');
    await stack.idle();

    const refused = await json(await him('uk', 'POST', `erasures/${filed.body.erasureId}/execute`, officer));

    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/erasure-not-previewed$/);
    const still = await json(await him('uk', 'GET', `erasures/${filed.body.erasureId}`, officer));
    expect(still.body.state).toBe('previewed');
    expect(still.body.preview.notes).toHaveLength(2);
  });

  it('finishes an execution cut short after the key was destroyed, listing every note it erased', async () => {
    // Prepare: a request executed up to the key and one ciphertext, as a crash would leave it.
    const patient = patientNumbered('9434765903');
    await post(patient, 'cut-1');
    await post(patient, 'cut-2');
    await stack.idle();
    const filed = await json(
      await him('uk', 'POST', 'erasures', { ...officer, body: { patient: identifier(patient) } }),
    );
    const { erasureId, preview } = filed.body;
    const table = cellTable(stack, 'uk');
    const store = new DynamoErasureStore(stack.dynamoClient, table);
    const at = new Date().toISOString();
    expect(
      await store.transition(erasureId, 'previewed', {
        state: 'executing',
        executedAt: at,
        executedBy: 'him:hana',
      }),
    ).toBe(true);
    const keys = new DynamoPatientKeyTable(stack.dynamoClient, patientKeyTableName(table));
    expect(await keys.delete(preview.patientRef, preview.patientKeyId)).toBe(true);
    await store.removeCiphertexts(preview.notes.slice(0, 1), erasureId, at);

    // Act
    const finished = await json(await him('uk', 'POST', `erasures/${erasureId}/execute`, officer));

    // Assess
    expect(finished.status).toBe(200);
    expect(finished.body.certificate.destroyed.notes.map((n: { noteId: string }) => n.noteId)).toEqual([
      'cut-1',
      'cut-2',
    ]);
    expect(finished.body.certificate.destroyed.patientKeyId).toBe(preview.patientKeyId);
    expect(finished.body.certificate.executedAt).toBe(at);
    const ledger = await json(await him('uk', 'GET', 'ledger?kind=erasure', officer));
    expect(
      ledger.body.entries.filter((e: { transferId: string }) => e.transferId === `erasure-${erasureId}`),
    ).toHaveLength(1);
  });

  it('finds a note stored before per-patient keys, removes it from the table and says its backups stay readable', async () => {
    // Prepare: a delivered note made to look as a release before per-patient keys stored it
    // (no patient key id, no patient index entry), on a table whose index was never backfilled.
    const patient = patientNumbered('9434765919');
    await post(patient, 'legacy-1');
    await stack.idle();
    const table = cellTable(stack, 'uk');
    const key = noteKey(DEMO_SENDER_ID, 'legacy-1', 1, false);
    await stack.dynamoClient.send(
      new UpdateItemCommand({
        TableName: table,
        Key: marshall(key),
        UpdateExpression: 'REMOVE patientKeyId, gsi2pk, gsi2sk',
      }),
    );
    await stack.dynamoClient.send(
      new DeleteItemCommand({ TableName: table, Key: marshall(PATIENT_INDEX_BACKFILL_KEY) }),
    );

    // Act
    const filed = await json(
      await him('uk', 'POST', 'erasures', { ...officer, body: { patient: identifier(patient) } }),
    );
    const executed = await json(await him('uk', 'POST', `erasures/${filed.body.erasureId}/execute`, officer));

    // Assess: the preview found it through the index the backfill gave it, the certificate marks it.
    expect(filed.body.preview.notes).toEqual([
      expect.objectContaining({ noteId: 'legacy-1', sealedUnderCellKey: true }),
    ]);
    expect(executed.status).toBe(200);
    const { certificate } = executed.body as SignedErasureCertificate;
    expect(certificate.destroyed.notes).toEqual([
      expect.objectContaining({ noteId: 'legacy-1', sealedUnderCellKey: true }),
    ]);
    expect(certificate.retained.at(-1)).toMatch(
      /^copies in table backups of the 1 note event\(s\) marked sealedUnderCellKey .* stay readable under the cell key until those backups expire$/,
    );
    const item = await stack.dynamoClient.send(new GetItemCommand({ TableName: table, Key: marshall(key) }));
    const stored = unmarshall(item.Item ?? {});
    expect(stored.ciphertext).toBeUndefined();
    expect(stored.gsi2pk).toBe(`PATIENT#${filed.body.preview.patientRef}`);
    const pdf = await pdfText(
      new Uint8Array(
        await (
          await him('uk', 'GET', `erasures/${filed.body.erasureId}/certificate?format=pdf`, officer)
        ).arrayBuffer(),
      ),
    );
    expect(pdf).toContain('cell key');
  });

  it('is blocked by a legal hold, erases nothing while held, and goes ahead once the hold is released', async () => {
    // Prepare: a delivered note of a patient under a legal hold.
    const patient = patientNumbered('9434765911');
    await post(patient, 'held-1');
    await stack.idle();
    const hold = await json(
      await him('uk', 'POST', 'holds', {
        ...officer,
        body: { scope: 'patient', patient: identifier(patient), reason: 'Matter LIT-2026-14' },
      }),
    );
    expect(hold.status).toBe(201);

    // Act: preview and execute while held.
    const filed = await json(
      await him('uk', 'POST', 'erasures', { ...officer, body: { patient: identifier(patient) } }),
    );
    const blocked = await json(await him('uk', 'POST', `erasures/${filed.body.erasureId}/execute`, officer));

    // Assess: refused with the hold named, and nothing erased.
    expect(filed.body.preview.blocked).toBe(true);
    expect(filed.body.preview.holds.map((h: { holdId: string }) => h.holdId)).toEqual([hold.body.holdId]);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ holds: [hold.body.holdId], undelivered: [] });
    expect(blocked.body.type).toMatch(/erasure-blocked$/);
    const view = () =>
      him('uk', 'GET', `notes/${DEMO_SENDER_ID}/held-1/1?purpose=legal`, { ...officer, country: 'GB' });
    expect((await view()).status).toBe(200);

    // Released: the old preview no longer stands; a new one executes.
    expect((await him('uk', 'POST', `holds/${hold.body.holdId}/release`, officer)).status).toBe(200);
    const stale = await json(await him('uk', 'POST', `erasures/${filed.body.erasureId}/execute`, officer));
    expect(stale.body.type).toMatch(/erasure-not-previewed$/);
    const again = await json(
      await him('uk', 'POST', 'erasures', { ...officer, body: { patient: identifier(patient) } }),
    );
    expect(again.body.preview.blocked).toBe(false);
    expect((await him('uk', 'POST', `erasures/${again.body.erasureId}/execute`, officer)).status).toBe(200);
    expect((await view()).status).toBe(410);
  });

  it('downloads the certificate with the CLI and verifies it offline; a changed certificate fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vb-erasure-cli-'));
    const cli = cliAgainst(() => ({ PORT: new URL(stack.url).port, HOST: '127.0.0.1' }));
    const key = join(dir, 'uk.pem');
    const file = join(dir, 'certificate.json');
    const publicKey = await json(await him('uk', 'GET', 'integrity/public-key', officer));
    await writeFile(key, publicKey.body.publicKeyPem);

    expect((await cli('erasure', 'certificate', executedId, '--cell', 'uk', '--out', file)).code).toBe(0);
    const ok = await cli('erasure', 'verify', '--file', file, '--public-key', key);
    const pdf = await cli(
      'erasure',
      'certificate',
      executedId,
      '--cell',
      'uk',
      '--format',
      'pdf',
      '--out',
      `${file}.pdf`,
    );
    const signed = JSON.parse(await readFile(file, 'utf8'));
    signed.certificate.destroyed.notes.pop();
    await writeFile(file, JSON.stringify(signed));
    const changed = await cli('erasure', 'verify', '--file', file, '--public-key', key);

    expect(ok).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: erasure /) });
    expect(pdf.code).toBe(0);
    expect((await readFile(`${file}.pdf`)).subarray(0, 5).toString()).toBe('%PDF-');
    expect(changed).toMatchObject({ code: 1, stdout: expect.stringMatching(/^FAILED: /) });
    expect((await cli('erasure', 'verify', '--file', file)).code).toBe(2);
  });

  it('audits every erasure call by the patient reference, never the identifier', async () => {
    const audit = await json(await him('uk', 'GET', 'audit?limit=1000', officer));
    const erasureEntries = audit.body.entries.filter((e: { action: string }) =>
      e.action.startsWith('erasure.'),
    );
    expect(new Set(erasureEntries.map((e: { action: string }) => e.action))).toEqual(
      new Set(['erasure.preview', 'erasure.execute', 'erasure.view', 'erasure.certificate']),
    );
    expect(erasureEntries.find((e: { action: string }) => e.action === 'erasure.preview').target).toMatch(
      /^patient:pt_/,
    );
    const text = JSON.stringify(audit.body);
    for (const p of [fixturePatients.uk, other]) expect(text).not.toContain(p.identifiers[0]?.value);
  });

  it.each([
    [
      'a malformed identifier',
      { patient: 'https://fhir.nhs.uk/Id/nhs-number|9000000009' },
      400,
      /invalid-query$/,
    ],
    [
      'an unknown patient',
      { patient: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' } },
      422,
      /unknown-patient$/,
    ],
    ['a body without a patient', {}, 400, /invalid-query$/],
  ])('answers %s with a problem and stores nothing', async (_label, body, status, type) => {
    const res = await json(await him('uk', 'POST', 'erasures', { ...officer, body }));
    expect(res.status).toBe(status);
    expect(res.body.type).toMatch(type);
    expect(JSON.stringify(res.body)).not.toContain('9000000009');
  });

  it('answers an execution without a preview (unknown id) with 404, and refuses other roles', async () => {
    const unknown = await json(
      await him('uk', 'POST', 'erasures/7b0c6a57-6f1e-4a63-9d0e-2f7d4a3c1b00/execute', officer),
    );
    expect(unknown.status).toBe(404);
    const malformed = await json(await him('uk', 'POST', 'erasures/not-a-uuid/execute', officer));
    expect(malformed.status).toBe(400);
    const reviewer = await him('uk', 'POST', 'erasures', {
      roles: ['him-reviewer'],
      body: { patient: identifier(fixturePatients.uk) },
    });
    expect(reviewer.status).toBe(403);
  });
});
