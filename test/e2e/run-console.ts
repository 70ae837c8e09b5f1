import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../infra/local/settings.js';
import type { LocalStack } from '../../infra/local/stack.js';
import { fixturePatients } from '../fixtures/notes.js';
import { harness } from './harness.js';
import { DUPLICATED_PATIENT, deliveryReaches, ehrAdmin, postNote } from './seed.js';

const SHOTS = resolve(PROJECT_ROOT, 'test-results/e2e');
const UK_ID = fixturePatients.uk.identifiers[0];
const PATIENT_FILTER = `${UK_ID?.system}|${UK_ID?.value}`;

export interface ConsoleE2eOptions {
  stack: LocalStack;
  /** Origin the browser opens `/console/` on (the stack's own URL). */
  consoleOrigin: string;
}

/**
 * Drives the HIM console in Chromium against a running local stack: sign in with
 * a dev token, pick cells, filter and export the ledger, read the corridor chart
 * and chain status, replay a parked delivery and watch it land, read the audit log.
 * @returns the process exit code
 */
export async function runConsoleE2e({ stack, consoleOrigin }: ConsoleE2eOptions): Promise<number> {
  const t = harness();
  const profile = await mkdtemp(join(tmpdir(), 'vb-e2e-chromium-'));
  await mkdir(SHOTS, { recursive: true });
  const sandbox = stack.ehrs.sandboxes.get('uk-ehr');
  const run = Date.now().toString(36);
  const notes = { crossBorder: `e2e-xb-${run}`, parked: `e2e-parked-${run}`, eu: `e2e-eu-${run}` };
  let duplicateId = '';
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const visited: string[] = [];
  page.on('framenavigated', (frame) => frame === page.mainFrame() && visited.push(frame.url()));
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const panel = (id: string) => page.locator(`#panel-${id}`);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  /** A step that leaves a screenshot and the page's errors behind when it fails. */
  const step = (name: string, run: () => Promise<void>) =>
    t.step(name, async () => {
      try {
        await run();
        assert.deepEqual(pageErrors, [], 'the page logged no errors');
      } catch (error) {
        await shot('failure').catch(() => undefined);
        if (pageErrors.length) console.log(`    page errors: ${pageErrors.join(' | ')}`);
        throw error;
      }
    });

  try {
    await step(
      'seeds notes: a US clinician writing for a UK patient, an EU one, and one the UK EHR cannot file',
      async () => {
        assert.ok(sandbox, 'the local stack runs a sandbox EHR for uk-ehr');
        duplicateId = await (await ehrAdmin(sandbox)).duplicate(DUPLICATED_PATIENT);
        assert.equal(
          await postNote(stack, 'uk', {
            patient: fixturePatients.uk,
            noteId: notes.crossBorder,
            clinicianCountry: 'US',
          }),
          202,
        );
        assert.equal(
          await postNote(stack, 'eu', {
            patient: fixturePatients.eu,
            noteId: notes.eu,
            clinicianCountry: 'GB',
          }),
          202,
        );
        assert.equal(
          await postNote(stack, 'uk', {
            patient: DUPLICATED_PATIENT,
            noteId: notes.parked,
            clinicianCountry: 'US',
          }),
          202,
        );
        assert.equal(
          await deliveryReaches(stack, 'uk', notes.crossBorder, ['delivered', 'parked']),
          'delivered',
        );
        assert.equal(await deliveryReaches(stack, 'uk', notes.parked, ['delivered', 'parked']), 'parked');
      },
    );

    await step('serves the console with a strict CSP and shows the sign-in page', async () => {
      const response = await page.goto(`${consoleOrigin}/console/`);
      assert.equal(
        response?.status(),
        200,
        'GET /console/ answers 200 (consoleRoute mounted in infra/local/stack.ts)',
      );
      assert.match(response?.headers()['content-security-policy'] ?? '', /default-src 'self'/);
      await page.locator('#dev-form').waitFor();
      await shot('01-sign-in');
    });

    await step('signs in with a dev token and shows who you are', async () => {
      await page.fill('#dev-user', 'e2e.him');
      for (const role of ['privacy-officer', 'integration-admin'])
        await page.check(`#dev-form input[name="roles"][value="${role}"]`);
      await page.click('#dev-form button[type="submit"]');
      await page.locator('#who .who-user').filter({ hasText: 'e2e.him' }).waitFor();
      assert.match(await text(page.locator('#who .who-roles')), /integration-admin/);
      const token = await page.evaluate(() => sessionStorage.getItem('visitbridge.him.token'));
      assert.ok(token && token.split('.').length === 3, 'the token is kept in sessionStorage');
      assert.equal(await page.evaluate(() => localStorage.length), 0);
    });

    await step('selects cells and lists ledger entries across them', async () => {
      for (const cell of ['us', 'ca', 'au']) await page.uncheck(`input[name="cell"][value="${cell}"]`);
      const table = panel('ledger').locator('#ledger-table');
      await table.locator('tbody tr').first().waitFor();
      const shown = await text(table);
      assert.match(shown, new RegExp(notes.crossBorder));
      assert.match(shown, /us \(US\) → uk \(GB\)/);
      assert.match(shown, /gb \(GB\) → eu \(DE\)|uk \(GB\) → eu \(DE\)/);
    });

    await step(
      'filters the ledger by kind, corridor and patient identifier without putting them in the URL',
      async () => {
        const ledger = panel('ledger');
        await ledger.locator('#lf-kind').selectOption('inbound');
        await ledger.locator('#lf-corridor').fill('us:uk');
        await ledger.locator('#lf-patient').fill(PATIENT_FILTER);
        await ledger.locator('button[type="submit"]').click();
        await waitForRows(page, '#ledger-table tbody tr', (rows) =>
          rows.every((r) => r.includes(notes.crossBorder)),
        );
        const shown = await text(ledger.locator('#ledger-table'));
        assert.doesNotMatch(shown, new RegExp(notes.parked), 'another patient is filtered out');
        assert.doesNotMatch(shown, /eu \(DE\)/);
        for (const url of [...visited, page.url()])
          assert.ok(!url.includes(UK_ID?.value ?? '?'), `identifier in ${url}`);
        await shot('02-ledger-filtered');
      },
    );

    await step('exports the filtered ledger as CSV through fetch and a Blob', async () => {
      await page.uncheck('input[name="cell"][value="eu"]');
      await panel('ledger').locator('#ledger-table tbody tr').first().waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^ledger-uk-.*\.csv$/);
      const csv = await readFile(String(await download.path()), 'utf8');
      const lines = csv.trim().split(/\r?\n/);
      assert.match(lines[0] ?? '', /transferId|transfer/i);
      assert.equal(lines.length, 2, 'one entry for the filtered patient');
      assert.match(csv, new RegExp(notes.crossBorder));
      assert.ok(!csv.includes(UK_ID?.value ?? '?'), 'the export carries no patient identifier');
      await page.check('input[name="cell"][value="eu"]');
    });

    await step('draws the corridor chart, its legend, table alternative and matrix', async () => {
      await page.getByRole('tab', { name: 'Corridors' }).click();
      const chart = panel('corridors').locator('svg.chart');
      await chart.waitFor();
      assert.ok((await chart.locator('rect.bar').count()) >= 1);
      assert.match(await text(panel('corridors').locator('.legend')), /Allowed/);
      const matrix = await text(panel('corridors').locator('table.matrix'));
      assert.match(matrix, /us/);
      await shot('03-corridors');
    });

    await step('shows both hash chains of each selected cell intact', async () => {
      await page.getByRole('tab', { name: 'Integrity' }).click();
      const uk = panel('integrity').locator('.chain-card[data-cell="uk"]');
      await uk.waitFor();
      assert.match(await text(uk.locator('[data-chain="ledger"]')), /Intact/);
      assert.match(await text(uk.locator('[data-chain="audit"]')), /Intact/);
      await shot('04-integrity');
    });

    await step('shows the parked delivery with its reason and attempt history', async () => {
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const row = panel('deliveries').locator(`#deliveries-table tr[data-note="${notes.parked}"]`);
      await row.waitFor();
      assert.match(await text(row), /ambiguous patient/);
      await row.getByRole('button', { name: /Details/ }).click();
      const detail = page.locator('#delivery-detail');
      await detail.waitFor();
      assert.match(await text(detail), /patient search/);
      await shot('05-delivery-parked');
    });

    await step('replays the parked delivery once the EHR is fixed, and shows it delivered', async () => {
      assert.ok(sandbox);
      await (await ehrAdmin(sandbox)).retire(duplicateId, DUPLICATED_PATIENT);
      await page.locator('#delivery-detail').getByRole('button', { name: 'Replay' }).click();
      await page.locator('#delivery-detail .badge', { hasText: 'delivered' }).waitFor({ timeout: 30_000 });
      assert.equal(await deliveryReaches(stack, 'uk', notes.parked, ['delivered'], 5_000), 'delivered');
      await shot('06-delivery-replayed');
    });

    await step('lists the HIM actions in the audit log', async () => {
      await page.getByRole('tab', { name: 'Audit log' }).click();
      const table = panel('audit').locator('#audit-table');
      await table.locator('tbody tr').first().waitFor();
      const shown = await text(table);
      assert.match(shown, /ledger\.export/);
      assert.match(shown, /deliveries\.replay/);
      assert.match(shown, /e2e\.him/);
      assert.ok(!shown.includes(UK_ID?.value ?? '?'), 'the audit log shows no identifier');
      await shot('07-audit');
    });

    await step('signs out, forgetting the token', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#dev-form').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('visitbridge.him.token')), null);
      for (const url of visited) assert.ok(!/token|eyJ/.test(url), `token in ${url}`);
    });
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
  return t.finish();
}

/** Text of an element ('' when it has none). */
const text = async (locator: Locator) => (await locator.textContent()) ?? '';

/** Waits until the rows' texts satisfy `ok` (the table re-renders after each query). */
async function waitForRows(page: Page, selector: string, ok: (rows: string[]) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await page.locator(selector).allTextContents();
    if (rows.length > 0 && ok(rows)) return;
    if (Date.now() > deadline) throw new Error(`rows never matched: ${JSON.stringify(rows.slice(0, 3))}`);
    await page.waitForTimeout(100);
  }
}
