import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../../../shared/config/load-policy.js';
import {
  jurisdictionById,
  jurisdictionOfCountry,
  PolicyError,
  parsePolicy,
} from '../../../shared/domain/policy/parse.js';

const defaultJson = () => JSON.parse(readFileSync('policy/default-policy.json', 'utf8'));

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PolicyError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('loadPolicy', () => {
  it('loads the default five-cell policy', () => {
    const policy = loadPolicy('policy/default-policy.json');
    expect(policy.jurisdictions.map((j) => j.id)).toEqual(['uk', 'eu', 'us', 'ca', 'au']);
  });

  it('names the bad path of a mechanism expiry that is not a date', () => {
    const json = defaultJson();
    json.transfers[3].mechanism = { type: 'adequacy', reference: 'x', expires: 'soon' };
    expect(issuesOf(() => parsePolicy(json, 'p.json'))).toEqual([
      'transfers[3].mechanism.expires: must be a date YYYY-MM-DD',
    ]);
  });

  it("refuses a region whose country it does not know, since ledger entries name where a cell's data sits", () => {
    const json = defaultJson();
    json.jurisdictions[1].region = 'xx-north-9';
    expect(issuesOf(() => parsePolicy(json, 'p.json'))).toEqual([
      'jurisdictions[1].region: must be an AWS region visitbridge knows the country of',
    ]);
  });

  it('names every bad path at once', () => {
    const json = defaultJson();
    json.jurisdictions[1].countries[0] = 'de';
    delete json.policyVersion;
    const issues = issuesOf(() => parsePolicy(json, 'p.json'));
    expect(issues).toEqual([
      expect.stringMatching(/^policyVersion: /),
      expect.stringMatching(/^jurisdictions\[1\]\.countries\[0\]: must be an ISO 3166-1/),
    ]);
  });

  it('reports cross-reference errors such as a rule to an unknown jurisdiction', () => {
    const json = defaultJson();
    json.transfers[0].to = 'mars';
    expect(issuesOf(() => parsePolicy(json, 'p.json'))).toEqual([
      'transfers[0].to: unknown jurisdiction "mars"',
    ]);
  });

  it('puts the source and the paths in the error message', () => {
    const json = defaultJson();
    json.transfers[5].mechanism.expires = '2031-13-01';
    expect(() => parsePolicy(json, 'my-policy.json')).toThrow(
      /my-policy\.json:\n {2}transfers\[5\]\.mechanism\.expires/,
    );
  });

  it('rejects a misspelt field instead of ignoring it', () => {
    const json = defaultJson();
    json.transfers[5].mechanism.expries = '2020-01-01';
    expect(issuesOf(() => parsePolicy(json, 'p.json'))).toEqual([
      'transfers[5].mechanism.expries: unknown field',
    ]);
  });

  it('allows a top-level $schema reference', () => {
    expect(parsePolicy({ $schema: './policy.schema.json', ...defaultJson() }, 'p.json').policyVersion).toBe(
      '2026-11-30.1',
    );
  });

  it('rejects a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vb-policy-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, '{ nope');
    expect(issuesOf(() => loadPolicy(file))).toEqual([expect.stringMatching(/^: not valid JSON/)]);
  });

  it('rejects a missing file with its error code', () => {
    expect(() => loadPolicy('/nonexistent/policy.json')).toThrow(/cannot read the file \(ENOENT\)/);
  });
});

describe('jurisdiction lookups', () => {
  const policy = loadPolicy('policy/default-policy.json');

  it('finds the jurisdiction of an EEA country', () => {
    expect(jurisdictionOfCountry(policy, 'NO')?.id).toBe('eu');
  });

  it('returns undefined for a country outside every jurisdiction', () => {
    expect(jurisdictionOfCountry(policy, 'JP')).toBeUndefined();
  });

  it('finds a jurisdiction by id', () => {
    expect(jurisdictionById(policy, 'au')?.strictLocalisation).toBe(true);
  });

  it('returns undefined for an unknown id', () => {
    expect(jurisdictionById(policy, 'xx')).toBeUndefined();
  });
});
