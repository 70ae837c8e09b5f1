import {
  mod10CheckDigit,
  verhoeffCheckDigit,
  verhoeffValid,
} from '../../../shared/domain/codes/check-digits.js';
import { adjacentSwaps, singleDigitCorruptions } from './corruptions.js';

/** Published SNOMED CT concept ids (international release and the UK extension). */
const SCTIDS = [
  '22298006',
  '73211009',
  '38341003',
  '195967001',
  '363746003',
  '840539006',
  '1240751000000100',
];

describe('Verhoeff check digit', () => {
  it('computes the check digit SNOMED CT published for Myocardial infarction (22298006)', () => {
    expect(verhoeffCheckDigit('2229800')).toBe(6);
  });

  it.each(SCTIDS)('accepts the published id %s', (id) => {
    expect(verhoeffValid(id)).toBe(true);
  });

  it.each(SCTIDS)('refuses every single-digit corruption of %s', (id) => {
    const corrupted = singleDigitCorruptions(id);
    expect(corrupted.length).toBe(id.length * 9);
    expect(corrupted.filter(verhoeffValid)).toEqual([]);
  });

  it.each(SCTIDS)('refuses every swap of two adjacent digits of %s', (id) => {
    expect(adjacentSwaps(id).filter(verhoeffValid)).toEqual([]);
  });

  it('refuses a lone digit, which has nothing to check', () => {
    expect(verhoeffValid('0')).toBe(false);
  });
});

describe('mod-10 (LOINC) check digit', () => {
  it("computes LOINC's worked example (12345 gives 5)", () => {
    expect(mod10CheckDigit('12345')).toBe(5);
  });

  it.each([
    ['11506', 3],
    ['2345', 7],
    ['718', 7],
    ['34117', 2],
    ['18842', 5],
    ['2160', 0],
    ['1', 8],
  ])('gives %s the published check digit %i', (number, check) => {
    expect(mod10CheckDigit(number)).toBe(check);
  });

  it('changes with every single-digit corruption of the number', () => {
    for (const corrupted of singleDigitCorruptions('34117')) expect(mod10CheckDigit(corrupted)).not.toBe(2);
  });
});
