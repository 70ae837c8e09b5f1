import { AppError } from '../../shared/domain/errors.js';
import {
  assertEventQuality,
  CLOCK_SKEW_MS,
  codingErrors,
  dateErrors,
} from '../../shared/domain/event/quality.js';
import type { VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const event = (change: (e: VisitNoteEvent) => void = () => {}): VisitNoteEvent => {
  const e = noteEvent({ patient: fixturePatients.uk, noteId: 'q-1', at: new Date('2026-11-25T11:00:00Z') });
  change(e);
  return e;
};
const minutesAfterNow = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();
const thrown = (fn: () => void): AppError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
  }
  throw new Error('expected an AppError');
};

describe('coded values at the door', () => {
  it.each(Object.entries(fixturePatients))(
    'accepts the fixture note of %s with its codings',
    (_cell, patient) => {
      expect(codingErrors(noteEvent({ patient, noteId: 'q-2' }))).toEqual([]);
    },
  );

  it('names note.loincType when its check digit is wrong', () => {
    expect(
      codingErrors(
        event((e) => {
          e.note.loincType = '11506-4';
        }),
      ),
    ).toEqual([{ path: 'note.loincType', message: expect.stringContaining('check digit') }]);
  });

  it('names each diagnosis whose code fails its system, by index', () => {
    const errors = codingErrors(
      event((e) => {
        e.diagnoses = [
          { system: 'http://snomed.info/sct', code: '363746003' },
          { system: 'http://snomed.info/sct', code: '363746004' },
          { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'J029' },
        ];
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['diagnoses.1.code', 'diagnoses.2.code']);
  });

  it('keeps a code of a system it does not check', () => {
    const e = event((x) => {
      x.diagnoses = [{ system: 'http://example.org/local-codes', code: 'sore throat' }];
    });
    expect(codingErrors(e)).toEqual([]);
  });
});

describe('plausible dates', () => {
  it('accepts the fixture note', () => {
    expect(dateErrors(event(), NOW)).toEqual([]);
  });

  it('refuses a birth date after today everywhere on Earth', () => {
    expect(
      dateErrors(
        event((e) => {
          e.patient.birthDate = '2026-11-27';
        }),
        NOW,
      ),
    ).toEqual([{ path: 'patient.birthDate', message: 'must not be in the future' }]);
  });

  it('accepts a birth date that is already today at UTC+14, and a visit on that day', () => {
    const e = event((x) => {
      x.patient.birthDate = '2026-11-26';
      x.visit.start = '2026-11-25T10:05:00Z';
    });
    expect(dateErrors(e, NOW)).toEqual([]);
  });

  it('refuses a visit that starts before the patient was born', () => {
    const e = event((x) => {
      x.patient.birthDate = '2026-11-27';
    });
    expect(dateErrors(e, new Date('2026-11-27T12:00:00Z')).map((x) => x.path)).toEqual(['visit.start']);
  });

  it('refuses a placeholder birth date 150 years or more before the visit', () => {
    const e = event((x) => {
      x.patient.birthDate = '0001-01-01';
    });
    expect(dateErrors(e, NOW).map((x) => x.path)).toEqual(['patient.birthDate']);
    expect(
      dateErrors(
        event((x) => {
          x.patient.birthDate = '1877-01-01';
        }),
        NOW,
      ),
    ).toEqual([]);
  });

  it('allows visit times and occurredAt up to the clock-skew allowance ahead of the receiving clock', () => {
    const e = event((x) => {
      x.visit.end = minutesAfterNow(CLOCK_SKEW_MS / 60_000);
      x.occurredAt = minutesAfterNow(CLOCK_SKEW_MS / 60_000);
    });
    expect(dateErrors(e, NOW)).toEqual([]);
  });

  it('refuses visit start, visit end and occurredAt beyond the allowance, naming each', () => {
    const e = event((x) => {
      x.visit.start = minutesAfterNow(6);
      x.visit.end = minutesAfterNow(30);
      x.occurredAt = minutesAfterNow(31);
    });
    expect(dateErrors(e, NOW).map((x) => x.path)).toEqual(['visit.start', 'visit.end', 'occurredAt']);
  });
});

describe('assertEventQuality', () => {
  it('passes a valid note', () => {
    expect(() => assertEventQuality(event(), NOW)).not.toThrow();
  });

  it('throws invalid-coding listing the fields, before looking at dates', () => {
    const error = thrown(() =>
      assertEventQuality(
        event((e) => {
          e.note.loincType = '11506-4';
          e.occurredAt = minutesAfterNow(60);
        }),
        NOW,
      ),
    );
    expect(error.code).toBe('invalid-coding');
    expect(error.extensions.errors).toEqual([expect.objectContaining({ path: 'note.loincType' })]);
  });

  it('throws implausible-date listing the fields', () => {
    const error = thrown(() =>
      assertEventQuality(
        event((e) => {
          e.occurredAt = minutesAfterNow(60);
        }),
        NOW,
      ),
    );
    expect(error.code).toBe('implausible-date');
    expect(error.extensions.errors).toEqual([expect.objectContaining({ path: 'occurredAt' })]);
  });

  it('never echoes the values it refuses', () => {
    const error = thrown(() =>
      assertEventQuality(
        event((e) => {
          e.diagnoses = [{ system: 'http://snomed.info/sct', code: '363746004' }];
        }),
        NOW,
      ),
    );
    expect(JSON.stringify({ detail: error.detail, ...error.extensions })).not.toContain('363746004');
  });
});
