import { himFixture } from './fixture.js';

let fx: Awaited<ReturnType<typeof himFixture>>;

beforeAll(async () => {
  fx = await himFixture();
});
afterAll(() => fx.client.destroy());

describe('HIM evidence pack without a cdk-nag report', () => {
  it('fails closed with a 500 nag-report-unavailable problem and an audited refusal', async () => {
    // Prepare: the fixture's HIM API has no cdk-nag report (as a deployment without the bundled file)
    const token = await fx.tokens.forRoles(['him-reviewer'], 'GB');
    // Act
    const res = await fx.call('GET', 'evidence?from=2026-11-01&to=2026-11-02', { token });
    // Assess
    expect(res.statusCode).toBe(500);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({
      type: 'https://visitbridge.dev/problems/nag-report-unavailable',
      title: 'cdk-nag report unavailable: no evidence pack made',
    });
    const audited = await fx.deps.audit.query({ action: 'evidence.pack' }, { limit: 5 });
    expect(audited.entries).toEqual([expect.objectContaining({ outcome: 'nag-report-unavailable' })]);
  });
});
