import { identifierToken, noteVersionIdentifier } from '../../../shared/domain/fhir/identifiers.js';
import { summarizeOperationOutcome } from '../../../shared/domain/fhir/operation-outcome.js';

describe('identifierToken', () => {
  it('escapes the characters FHIR token search gives a meaning', () => {
    expect(identifierToken({ system: 'urn:x', value: 'a|b,c$d\\e' })).toBe('urn:x|a\\|b\\,c\\$d\\\\e');
  });

  it('renders a note version identifier without any character that needs escaping', () => {
    expect(identifierToken(noteVersionIdentifier('acme', 'note.1_a-b', 12))).toBe(
      'urn:visitbridge:acme:note-version|note.1_a-b:v12',
    );
  });
});

describe('summarizeOperationOutcome', () => {
  it('keeps codes and paths and drops the free text an EHR may fill with PHI', () => {
    const summary = summarizeOperationOutcome({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'business-rule',
          details: { coding: [{ code: 'encounter-not-found' }], text: 'No encounter for Ada Lovelace' },
          diagnostics: 'Patient 9434765919 has no open encounter',
          expression: ['DocumentReference.context.encounter'],
        },
      ],
    });

    expect(summary).toEqual([
      {
        severity: 'error',
        code: 'business-rule',
        detailCodes: ['encounter-not-found'],
        expression: ['DocumentReference.context.encounter'],
      },
    ]);
  });
});
