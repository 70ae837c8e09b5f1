import { codingProblem } from '../../../shared/domain/codes/systems.js';

describe('codingProblem', () => {
  it.each([
    ['http://hl7.org/fhir/sid/icd-10', 'J069'],
    ['http://hl7.org/fhir/sid/icd-10-cm', 's72.001a'],
    ['http://snomed.info/sct', '22298007'],
    ['http://loinc.org', '11506-4'],
  ])('refuses a bad code of %s', (system, code) => {
    expect(codingProblem(system, code)).toEqual(expect.any(String));
  });

  it('applies the rules of the system named, not of another', () => {
    expect(codingProblem('http://hl7.org/fhir/sid/icd-10-cm', 'S72.001A')).toBeUndefined();
    expect(codingProblem('http://hl7.org/fhir/sid/icd-10', 'S72.001A')).toEqual(expect.any(String));
  });

  it('keeps any code of a system it does not know, and compares system URIs exactly', () => {
    expect(codingProblem('http://fhir.de/CodeSystem/bfarm/icd-10-gm', 'anything')).toBeUndefined();
    expect(codingProblem('https://snomed.info/sct', 'anything')).toBeUndefined();
    expect(codingProblem('toString', 'anything')).toBeUndefined();
  });
});
