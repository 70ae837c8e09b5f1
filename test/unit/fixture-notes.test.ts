import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadPolicy } from '../../shared/config/load-policy.js';
import { codingErrors, dateErrors } from '../../shared/domain/event/quality.js';
import { VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { jurisdictionOfCountry } from '../../shared/domain/policy/parse.js';
import { fixturePatients, noteEvent, patientN } from '../fixtures/notes.js';
import { phiStrings } from '../helpers/phi.js';

const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const rawFixture = readJson('../fixtures/visit-note.json');
const policy = loadPolicy('policy/default-policy.json');

function publishedSchema() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(readJson('../../schemas/visit-note-event.v1.schema.json'));
}

describe('the base visit-note fixture', () => {
  it('is a valid v1 event under the event schema and the published JSON Schema', () => {
    // Prepare
    const validate = publishedSchema();
    // Act
    const parsed = VisitNoteEvent.safeParse(rawFixture);
    const valid = validate(rawFixture);
    // Assess
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('passes the ingest checks of codes and dates', () => {
    const event = VisitNoteEvent.parse(rawFixture);
    expect(codingErrors(event)).toEqual([]);
    expect(dateErrors(event, new Date(event.occurredAt))).toEqual([]);
  });
});

describe('fixturePatients', () => {
  it.each(Object.entries(fixturePatients))(
    'gives %s a patient at home there, with an organization whose EHR target is in that cell',
    (cell, patient) => {
      const organization = policy.organizations.find((o) => o.id === patient.organization);
      const target = policy.ehrTargets.find((t) => t.id === organization?.ehrTarget);
      expect(jurisdictionOfCountry(policy, patient.residenceCountry)?.id).toBe(cell);
      expect(organization?.country).toBe(patient.residenceCountry);
      expect(target?.jurisdiction).toBe(cell);
    },
  );

  it('makes each note valid, checked codes included, with PHI the PHI tests can find', () => {
    const events = Object.entries(fixturePatients).map(([cell, patient]) =>
      noteEvent({ patient, noteId: `fixture-${cell}` }),
    );
    for (const event of events) {
      expect(VisitNoteEvent.safeParse(event).success).toBe(true);
      expect(codingErrors(event)).toEqual([]);
      expect(dateErrors(event, new Date())).toEqual([]);
      const phi = phiStrings(event);
      expect(phi).toEqual(
        expect.arrayContaining([
          event.patient.name.family,
          event.patient.birthDate,
          ...event.patient.name.given,
          ...event.patient.identifiers.map((i) => i.value),
        ]),
      );
      expect(event.note.text).toContain(event.patient.name.family);
    }
    const families = events.map((e) => e.patient.name.family);
    expect(new Set(families).size).toBe(events.length);
  });
});

describe('noteEvent', () => {
  const patient = fixturePatients.uk;

  it('clones the base event with the note’s id, version 1, finalized, signed off now', () => {
    // Act
    const before = Date.now();
    const event = noteEvent({ patient, noteId: 'n-1' });
    // Assess
    expect(event).toMatchObject({
      type: 'visit.note.finalized',
      organization: { id: 'st-marys-trust' },
      note: { id: 'n-1', version: 1 },
      visit: { id: 'visit-n-1' },
      patient: { residenceCountry: 'GB', identifiers: patient.identifiers },
      clinician: { locationCountry: 'GB' },
    });
    expect(event.patient).not.toHaveProperty('organization');
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event.visit.end)).toBeLessThan(Date.parse(event.occurredAt));
    expect(Date.parse(event.visit.start)).toBeLessThan(Date.parse(event.visit.end));
  });

  it('applies version, kind, date, text and the clinician’s country', () => {
    const at = new Date('2026-12-01T08:00:00Z');
    expect(noteEvent({ patient, noteId: 'n', version: 2 }).type).toBe('visit.note.amended');
    const event = noteEvent({
      patient,
      noteId: 'n',
      version: 3,
      kind: 'retracted',
      at,
      text: 'Retracted: wrong patient.',
      clinicianCountry: 'US',
    });
    expect(event).toMatchObject({
      type: 'visit.note.retracted',
      occurredAt: at.toISOString(),
      note: { version: 3, text: 'Retracted: wrong patient.' },
      clinician: { locationCountry: 'US' },
    });
    expect(Date.parse(event.visit.end)).toBeLessThan(at.getTime());
  });

  it('codes the diagnosis as the patient’s country does', () => {
    const systems = (cell: keyof typeof fixturePatients) =>
      noteEvent({ patient: fixturePatients[cell], noteId: 'n' }).diagnoses.map((d) => d.system);
    expect(systems('us')).toContain('http://hl7.org/fhir/sid/icd-10-cm');
    expect(systems('eu')).toEqual(['http://fhir.de/CodeSystem/bfarm/icd-10-gm']);
    expect(systems('uk')).toContain('http://hl7.org/fhir/sid/icd-10');
  });

  it('returns a copy that its caller may change', () => {
    const first = noteEvent({ patient, noteId: 'n' });
    first.patient.identifiers.push({ system: 'urn:x', value: 'y' });
    first.diagnoses.length = 0;
    first.clinician.name.family = 'Changed';
    const second = noteEvent({ patient, noteId: 'n' });
    expect(second.patient.identifiers).toEqual(patient.identifiers);
    expect(second.diagnoses).not.toHaveLength(0);
    expect(second.clinician.name.family).not.toBe('Changed');
  });
});

describe('patientN', () => {
  it('gives distinct patients of the same cell and organization', () => {
    const patients = [0, 1, 2].map((n) => patientN(fixturePatients.au, n));
    const ids = patients.map((p) => p.identifiers[0]?.value);
    expect(new Set([...ids, fixturePatients.au.identifiers[0]?.value]).size).toBe(4);
    for (const p of patients) {
      expect(p).toMatchObject({ residenceCountry: 'AU', organization: 'sydney-clinic' });
      expect(p.identifiers[0]?.system).toBe(fixturePatients.au.identifiers[0]?.system);
    }
  });
});
