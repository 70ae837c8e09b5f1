import type { VisitNoteEvent } from '../../shared/domain/event/schema.js';

/** Realistic (fictional) visit-note events across jurisdictions, for `npm run demo`. */
export interface DemoPatient {
  residenceCountry: string;
  identifiers: Array<{ system: string; value: string }>;
  given: string;
  family: string;
  birthDate: string;
  organization: string;
}

export const DEMO_PATIENTS = {
  uk: {
    residenceCountry: 'GB',
    identifiers: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
    given: 'Ada',
    family: 'Lovelace',
    birthDate: '1985-12-10',
    organization: 'st-marys-trust',
  },
  eu: {
    residenceCountry: 'DE',
    identifiers: [{ system: 'http://fhir.de/sid/gkv/kvid-10', value: 'A123456780' }],
    given: 'Lise',
    family: 'Meitner',
    birthDate: '1978-11-07',
    organization: 'charite-berlin',
  },
  us: {
    residenceCountry: 'US',
    identifiers: [{ system: 'http://hospital.example.org/mrn', value: 'MRN-4410023' }],
    given: 'Grace',
    family: 'Hopper',
    birthDate: '1966-12-09',
    organization: 'mercy-health',
  },
  ca: {
    residenceCountry: 'CA',
    identifiers: [
      { system: 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn', value: '9876543217' },
    ],
    given: 'Frederick',
    family: 'Banting',
    birthDate: '1991-11-14',
    organization: 'toronto-general',
  },
  au: {
    residenceCountry: 'AU',
    identifiers: [{ system: 'http://ns.electronichealth.net.au/id/hi/ihi/1.0', value: '8003608166690503' }],
    given: 'Fiona',
    family: 'Wood',
    birthDate: '1982-02-02',
    organization: 'sydney-clinic',
  },
} satisfies Record<string, DemoPatient>;

const ACUTE_PHARYNGITIS = {
  snomed: { system: 'http://snomed.info/sct', code: '363746003', display: 'Acute pharyngitis' },
  icd10: {
    system: 'http://hl7.org/fhir/sid/icd-10',
    code: 'J02.9',
    display: 'Acute pharyngitis, unspecified',
  },
  icd10Cm: {
    system: 'http://hl7.org/fhir/sid/icd-10-cm',
    code: 'J02.9',
    display: 'Acute pharyngitis, unspecified',
  },
  /** A code system visitbridge does not check (German modification): kept as sent. */
  icd10Gm: {
    system: 'http://fhir.de/CodeSystem/bfarm/icd-10-gm',
    code: 'J02.9',
    display: 'Akute Pharyngitis, nicht näher bezeichnet',
  },
};

/** The demo visit's diagnosis as each country's records code it (valid under the ingest checks). */
const DIAGNOSES_BY_COUNTRY: Record<string, VisitNoteEvent['diagnoses']> = {
  GB: [ACUTE_PHARYNGITIS.snomed, ACUTE_PHARYNGITIS.icd10],
  DE: [ACUTE_PHARYNGITIS.icd10Gm],
  US: [ACUTE_PHARYNGITIS.icd10Cm, ACUTE_PHARYNGITIS.snomed],
  CA: [ACUTE_PHARYNGITIS.snomed],
  AU: [ACUTE_PHARYNGITIS.snomed, ACUTE_PHARYNGITIS.icd10],
};

export interface DemoNoteOptions {
  patient: DemoPatient;
  noteId: string;
  /** 1 unless given; a later version is an amendment. */
  version?: number;
  clinicianCountry?: string;
  text?: string;
}

/** A complete v1 event for a demo patient, sent now. */
export function demoEvent(o: DemoNoteOptions): VisitNoteEvent {
  const at = new Date();
  const start = new Date(at.getTime() - 35 * 60_000);
  const end = new Date(at.getTime() - 10 * 60_000);
  return {
    type: o.version && o.version > 1 ? 'visit.note.amended' : 'visit.note.finalized',
    occurredAt: at.toISOString(),
    organization: { id: o.patient.organization },
    note: {
      id: o.noteId,
      version: o.version ?? 1,
      status: 'final',
      loincType: '11506-3',
      title: 'Video consultation',
      contentType: 'text/plain',
      text:
        o.text ??
        `Patient ${o.patient.given} ${o.patient.family} reports three days of sore throat and low-grade fever. ` +
          'No dyspnoea. Pharynx erythematous, no exudate. Advised fluids, paracetamol, safety-netting given.',
    },
    visit: {
      id: `visit-${o.noteId}`,
      start: start.toISOString(),
      end: end.toISOString(),
      modality: 'video',
    },
    patient: {
      identifiers: o.patient.identifiers,
      name: { given: [o.patient.given], family: o.patient.family },
      birthDate: o.patient.birthDate,
      residenceCountry: o.patient.residenceCountry,
    },
    clinician: {
      identifiers: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }],
      name: { given: ['Sam'], family: 'Okafor' },
      locationCountry: o.clinicianCountry ?? o.patient.residenceCountry,
    },
    diagnoses: DIAGNOSES_BY_COUNTRY[o.patient.residenceCountry] ?? [ACUTE_PHARYNGITIS.icd10],
  };
}
