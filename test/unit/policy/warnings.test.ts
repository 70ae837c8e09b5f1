import { readFileSync } from 'node:fs';
import { loadPolicy } from '../../../shared/config/load-policy.js';
import { parsePolicy } from '../../../shared/domain/policy/parse.js';
import { policyWarnings } from '../../../shared/domain/policy/warnings.js';

const NOW = new Date('2026-11-25T00:00:00Z');
const defaultJson = () => JSON.parse(readFileSync('policy/default-policy.json', 'utf8'));
const codes = (json: unknown, now = NOW) => policyWarnings(parsePolicy(json, 't'), now).map((w) => w.code);

describe('policyWarnings', () => {
  it('finds nothing to warn about in the default policy today', () => {
    expect(policyWarnings(loadPolicy('policy/default-policy.json'), NOW)).toEqual([]);
  });

  it('warns 90 days before the EU-UK adequacy decision lapses', () => {
    const warnings = policyWarnings(
      loadPolicy('policy/default-policy.json'),
      new Date('2031-10-01T00:00:00Z'),
    );
    expect(warnings).toEqual([
      {
        code: 'mechanism-expiring',
        path: 'transfers[5].mechanism.expires',
        message: 'rule eu-uk.adequacy: adequacy mechanism expires on 2031-12-27 (87 days left)',
      },
    ]);
  });

  it('reports a mechanism that has already expired', () => {
    expect(codes(defaultJson(), new Date('2032-01-01T00:00:00Z'))).toEqual(['mechanism-expired']);
  });

  it('reports a jurisdiction pair without any rule', () => {
    const json = defaultJson();
    json.transfers = json.transfers.filter((r: { id: string }) => r.id !== 'ca-uk.scc');
    const warnings = policyWarnings(parsePolicy(json, 't'), NOW);
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'no-rule', message: expect.stringContaining('ca → uk') }),
    ]);
  });

  it('does not ask for rules out of a strictly localised jurisdiction', () => {
    expect(codes(defaultJson())).not.toContain('no-rule');
  });

  it('reports a jurisdiction without an intra-jurisdiction rule', () => {
    const json = defaultJson();
    json.transfers = json.transfers.filter((r: { id: string }) => r.id !== 'us.intra');
    expect(codes(json)).toEqual(['no-intra-rule']);
  });

  it('reports a cell without EHR target and organization', () => {
    const json = defaultJson();
    json.ehrTargets = json.ehrTargets.filter((t: { id: string }) => t.id !== 'ca-ehr');
    json.organizations = json.organizations.filter((o: { id: string }) => o.id !== 'toronto-general');
    const warnings = policyWarnings(parsePolicy(json, 't'), NOW);
    expect(warnings.map((w) => w.message)).toEqual([
      'cell "ca" has no EHR target: nothing can be delivered there',
    ]);
  });

  it('reports a cell no inbound rule reaches', () => {
    const json = defaultJson();
    json.transfers = json.transfers.filter((r: { id: string }) => !r.id.endsWith('-au.inbound'));
    const messages = policyWarnings(parsePolicy(json, 't'), NOW).map((w) => w.message);
    expect(messages).toContain(
      'cell "au" has no inbound rule: notes written abroad for its patients are always denied',
    );
  });

  it('reports an organization whose EHR sits abroad without an egress rule', () => {
    const json = defaultJson();
    json.organizations.push({ id: 'oz-partner', name: 'Oz partner', country: 'GB', ehrTarget: 'au-ehr' });
    const warnings = policyWarnings(parsePolicy(json, 't'), NOW);
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'egress-without-rule',
        path: 'organizations[5]',
        message: expect.stringContaining('egress uk → au'),
      }),
    ]);
  });

  it('reports an organization in a country without jurisdiction', () => {
    const json = defaultJson();
    json.organizations.push({ id: 'tokyo', name: 'Tokyo', country: 'JP', ehrTarget: 'us-ehr' });
    expect(codes(json)).toEqual(['organization-country-unknown']);
  });

  it('warns once per record class kept shorter than a floor the policy states', () => {
    const json = defaultJson();
    const us = json.jurisdictions.find((j: { id: string }) => j.id === 'us');
    us.retention.days.audit = 365;
    us.retention.days.ledger = 2189;
    const warnings = policyWarnings(parsePolicy(json, 't'), NOW);
    expect(warnings).toEqual([
      {
        code: 'retention-below-floor',
        path: 'jurisdictions[2].retention.days.ledger',
        message:
          '"us" keeps ledger 2189 days, shorter than the 2190 days of HIPAA 45 CFR 164.316(b)(2)(i): documentation kept six years',
      },
      expect.objectContaining({
        code: 'retention-below-floor',
        path: 'jurisdictions[2].retention.days.audit',
      }),
    ]);
  });

  it('accepts a schedule exactly at its floor', () => {
    const json = defaultJson();
    const us = json.jurisdictions.find((j: { id: string }) => j.id === 'us');
    us.retention.floors.push({
      classes: ['parkedNote'],
      minimumDays: us.retention.days.parkedNote,
      basis: 'x',
    });
    expect(codes(json)).toEqual([]);
  });
});
