import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { mintDevToken } from '../../infra/cli/local-stack.js';
import { DEMO_SENDER_ID, PROJECT_ROOT } from '../../infra/local/settings.js';
import type { LocalStack } from '../../infra/local/stack.js';
import { fixturePatients } from '../fixtures/notes.js';
import { assertAccessible } from './axe.js';
import {
  chartFillsItsCard,
  clearsStaleResultsOnBadFilters,
  everyTabIsAccessible,
  exportsOneLedgerFileAcrossCells,
  reviewDialogsAreAccessible,
  usableOnAPhone,
} from './console-quality.js';
import { reportsDownload } from './console-reports.js';
import { harness } from './harness.js';
import { DUPLICATED_PATIENT, deliveryReaches, ERASED_PATIENT, ehrAdmin, postNote } from './seed.js';

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
 * and chain status, replay a parked delivery and watch it land, read the audit log
 * (one row per HIM action across cells) and the PHI access view,
 * work the review queue as a reviewer (mark reviewed, flag) and as a privacy officer (resolve).
 * @returns the process exit code
 */
export async function runConsoleE2e({ stack, consoleOrigin }: ConsoleE2eOptions): Promise<number> {
  const t = harness();
  const profile = await mkdtemp(join(tmpdir(), 'vb-e2e-chromium-'));
  await mkdir(SHOTS, { recursive: true });
  const sandbox = stack.ehrs.sandboxes.get('uk-ehr');
  const run = Date.now().toString(36);
  const notes = {
    crossBorder: `e2e-xb-${run}`,
    parked: `e2e-parked-${run}`,
    eu: `e2e-eu-${run}`,
    erased: `e2e-erased-${run}`,
  };
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
      await page.locator('#sign-in').waitFor();
      assert.equal(await page.locator('#token').count(), 0, 'no token pasting when sign-in is configured');
      await shot('01-sign-in');
    });

    await step('has no serious accessibility violations on the sign-in page (axe)', () =>
      assertAccessible(page, 'the sign-in page'),
    );

    await step('signs in at the identity provider with PKCE and shows who you are', async () => {
      const [authorize] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/oauth2/authorize?')),
        page.click('#sign-in'),
      ]);
      await page.locator('#dev-form').waitFor();
      const request = new URL(authorize.url()).searchParams;
      assert.equal(request.get('code_challenge_method'), 'S256', 'the console sends a PKCE challenge');
      assert.equal(request.get('response_type'), 'code');
      await shot('01b-identity-provider');
      await assertAccessible(page, 'the development identity provider');
      await page.fill('#dev-user', 'e2e.him');
      for (const role of ['privacy-officer', 'integration-admin'])
        await page.check(`#dev-form input[name="roles"][value="${role}"]`);
      await page.click('#dev-form button[type="submit"]');
      await page.locator('#who .who-user').filter({ hasText: 'e2e.him' }).waitFor();
      assert.match(await text(page.locator('#who .who-roles')), /integration-admin/);
      assert.equal(new URL(page.url()).search, '', 'the code and state leave the address bar');
      const token = await page.evaluate(() => sessionStorage.getItem('visitbridge.him.token'));
      assert.ok(token && token.split('.').length === 3, 'the access token is kept in sessionStorage');
      assert.equal(await page.evaluate(() => sessionStorage.getItem('visitbridge.him.sign-in')), null);
      assert.equal(await page.evaluate(() => localStorage.length), 0);
    });

    await step('refuses a sign-in answer this tab did not ask for', async () => {
      const forged = `${consoleOrigin}/console/?code=stolen-code&state=forged`;
      await page.goto(forged);
      await page.locator('.signin .notice.error').filter({ hasText: 'Sign-in failed' }).waitFor();
      assert.equal(new URL(page.url()).search, '');
      await signIn(page, 'e2e.him', ['privacy-officer', 'integration-admin']);
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

    await step(
      'exports one ledger file across the selected cells, with a cell column, and says what it saved',
      () =>
        exportsOneLedgerFileAcrossCells(page, { note: notes.crossBorder, identifier: UK_ID?.value ?? '?' }),
    );

    await step('takes stale counts, charts and tables off screen when a filter is rejected', () =>
      clearsStaleResultsOnBadFilters(page, pageErrors),
    );

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

    await step(
      'draws the corridor chart across its card, labels the newest day, and names empty corridors',
      () => chartFillsItsCard(page),
    );

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

    await step('shows one console action across every cell as one audit row listing the cells', async () => {
      const cells = stack.cells.map((c) => c.id);
      for (const cell of cells) await page.check(`input[name="cell"][value="${cell}"]`);
      await page.getByRole('tab', { name: 'Corridors' }).click();
      await panel('corridors').locator('svg.chart').waitFor();
      // One filter submit on the Corridors tab: one HIM action, one call to each cell.
      const sent: string[] = [];
      const onRequest = (request: { url(): string; headers(): Record<string, string> }) => {
        if (/\/v1\/him\/corridors\b/.test(request.url())) sent.push(request.headers()['x-him-action'] ?? '');
      };
      page.on('request', onRequest);
      await panel('corridors').locator('button[type="submit"]').click();
      await panel('corridors').locator('svg.chart').waitFor();
      for (const deadline = Date.now() + 10_000; sent.length < cells.length && Date.now() < deadline; )
        await page.waitForTimeout(50);
      page.off('request', onRequest);
      const [actionId = ''] = sent;
      assert.equal(sent.length, cells.length, 'one corridors call per cell');
      assert.match(actionId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(new Set(sent), new Set([actionId]), 'every cell got the same action id');
      await page.getByRole('tab', { name: 'Audit log' }).click();
      await panel('audit').getByRole('button', { name: 'Apply' }).click();
      const row = panel('audit').locator(`#audit-table tr[data-action-id="${actionId}"]`);
      await row.waitFor();
      assert.equal(await row.count(), 1, 'one row for the action');
      assert.equal(await row.getAttribute('data-cells'), cells.join(' '));
      assert.match(await text(row.locator('.audit-cells')), new RegExp(`^${cells.join(', ')}$`));
      assert.match(await text(row), /corridors\.summary/);
      await shot('07b-audit-one-row-per-action');
    });

    await step(
      'lists note views in the PHI access tab: who, which note, from where, why, shown or refused',
      async () => {
        const view = async (token: string) => {
          const res = await fetch(
            `${stack.url}/uk/v1/him/notes/${DEMO_SENDER_ID}/${notes.crossBorder}/1?purpose=treatment`,
            { headers: { authorization: `Bearer ${token}`, 'x-him-action': randomUUID() } },
          );
          await res.arrayBuffer();
          return res.status;
        };
        const officer = await mintDevToken(stack.url, {
          user: 'e2e.reader',
          roles: ['privacy-officer'],
          country: 'GB',
        });
        assert.equal(await view(officer.access_token), 200);
        const nowhere = await mintDevToken(stack.url, { user: 'e2e.nowhere', roles: ['privacy-officer'] });
        assert.equal(await view(nowhere.access_token), 403);
        await page.getByRole('tab', { name: 'PHI access' }).click();
        const phi = panel('phi-access');
        await phi.locator('#pf-purpose').selectOption('treatment');
        await phi.locator('button[type="submit"]').click();
        const shown = phi.locator('#phi-access-table tr', { hasText: 'him:e2e.reader' });
        await shown.first().waitFor();
        const seen = await text(shown.first());
        assert.match(seen, new RegExp(notes.crossBorder));
        assert.match(seen, /privacy-officer/);
        assert.match(seen, /GB/);
        assert.match(seen, /treatment/);
        assert.match(seen, /shown/);
        const refused = await text(
          phi.locator('#phi-access-table tr', { hasText: 'him:e2e.nowhere' }).first(),
        );
        assert.match(refused, /unknown/);
        assert.match(refused, /refused: viewer country unknown/);
        const all = await text(phi.locator('#phi-access-table'));
        assert.ok(!all.includes(UK_ID?.value ?? '?'), 'the PHI access view shows no identifier');
        assert.ok(!all.includes(fixturePatients.uk.name.family), 'nor a patient name');
        await shot('07c-phi-access');
        for (const cell of ['us', 'ca', 'au']) await page.uncheck(`input[name="cell"][value="${cell}"]`);
      },
    );

    await step(
      'erases a patient: preview, an explicit confirm, the EHR copies to action and the certificate',
      async () => {
        assert.equal(await postNote(stack, 'uk', { patient: ERASED_PATIENT, noteId: notes.erased }), 202);
        assert.equal(await deliveryReaches(stack, 'uk', notes.erased, ['delivered', 'parked']), 'delivered');
        const [id] = ERASED_PATIENT.identifiers;
        await page.getByRole('tab', { name: 'Erasure' }).click();
        const erasure = panel('erasure');
        await erasure.locator('#er-cell').selectOption('uk');
        await erasure.locator('#er-system').fill(id?.system ?? '');
        await erasure.locator('#er-value').fill(id?.value ?? '');
        await erasure.getByRole('button', { name: 'Preview (erases nothing)' }).click();
        const row = erasure.locator('#erasure-notes tr', { hasText: notes.erased });
        await row.waitFor();
        assert.match(await text(row), /delivered/);
        assert.match(await text(row), /DocumentReference\//);
        assert.equal(await erasure.locator('#er-value').inputValue(), '', 'the identifier is not kept');
        const erase = erasure.getByRole('button', { name: /^Erase 1 note event$/ });
        assert.equal(await erase.isDisabled(), true, 'nothing is erased before the confirm');
        await shot('07d-erasure-preview');
        await erasure.getByLabel('I understand this cannot be undone.').check();
        await erase.click();
        await erasure.locator('.notice.success').waitFor();
        assert.match(await text(erasure.locator('.notice.success')), /1 note event unreadable/);
        assert.equal(await erasure.locator('#erasure-ehr-actions tbody tr').count(), 1);
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          erasure.getByRole('button', { name: 'Certificate (JSON)' }).click(),
        ]);
        const certificate = JSON.parse(await readFile((await download.path()) ?? '', 'utf8'));
        assert.equal(certificate.certificate.destroyed.notes[0]?.noteId, notes.erased);
        assert.ok(
          !JSON.stringify(certificate).includes(id?.value ?? '?'),
          'the certificate holds no identifier',
        );
        await shot('07e-erasure-done');
      },
    );

    await step('answers a disclosure request in the Disclosures tab and downloads an evidence pack', () =>
      reportsDownload(page, { identifier: UK_ID ?? { system: '?', value: '?' }, reader: 'him:e2e.reader' }),
    );

    await step('starts a retention run in the Retention tab and reads its report', async () => {
      await page.getByRole('tab', { name: 'Retention' }).click();
      const retention = panel('retention');
      await retention.locator('#rt-cell').selectOption('uk');
      await retention.getByRole('button', { name: 'Run now' }).click();
      await retention.locator('.notice.success').waitFor();
      const run = retention
        .locator('#retention-table tr[data-cell="uk"]', { hasText: 'him:e2e.him' })
        .first();
      await run.waitFor();
      assert.match(await text(run.locator('td[data-field="notesRead"]')), /^\d+$/);
      assert.match(await text(run.locator('td[data-class="ledger"]')), /^\d+ \/ \d+ \/ \d+$/);
      await shot('07f-retention');
    });

    await step('has no serious accessibility violations on any tab or delivery detail (axe)', () =>
      everyTabIsAccessible(page),
    );

    await step('works at 390 px wide: every tab reachable, no sideways page scroll, legible chart', () =>
      usableOnAPhone(page, shot),
    );

    const reviewed: string[] = [];
    const queue = () => panel('reviews');
    const queueRow = (ref: string) => queue().locator(`#review-table tr[data-cell="uk"][data-ref="${ref}"]`);
    const showQueue = async (state: string) => {
      await queue().locator('#rf-state').selectOption(state);
      await queue().getByRole('button', { name: 'Apply filters' }).click();
      await queue().locator('.results .state.loading').waitFor({ state: 'detached' });
    };

    await step('signs in as an HIM reviewer and sees the review queue with counts per corridor', async () => {
      await signIn(page, 'e2e.reviewer', ['him-reviewer']);
      await page.getByRole('tab', { name: 'Review queue' }).click();
      const counts = queue().locator('#review-counts-table tr[data-cell="uk"][data-corridor="us:uk"]');
      await counts.waitFor();
      const unreviewed = Number(await text(counts.locator('td[data-state="unreviewed"]')));
      assert.ok(unreviewed >= 2, `uk holds at least two unreviewed us→uk movements (${unreviewed})`);
      for (const note of [notes.crossBorder, notes.parked]) {
        const row = queue().locator(`#review-table tr[data-cell="uk"][data-note="${note}"]`).first();
        await row.waitFor();
        assert.equal(await row.getAttribute('data-state'), 'unreviewed');
        reviewed.push((await row.getAttribute('data-ref')) ?? '');
      }
      assert.ok(
        reviewed.every((ref) => /^\d+:\d+$/.test(ref)),
        `refs ${reviewed}`,
      );
      assert.match(
        await text(queue().locator('#review-table thead')),
        /Review/,
        'the queue shows each movement with its review state',
      );
      await shot('08-review-queue');
    });

    await step('selects two movements from the keyboard and marks them reviewed', async () => {
      const [first = '', second = ''] = reviewed;
      await queueRow(first).getByRole('checkbox').focus();
      await page.keyboard.press('Space');
      await queueRow(second).getByLabel(`Select movement uk ${second}`).check();
      assert.equal(await text(queue().locator('#review-selection')), '2 movements selected');
      await queue().getByRole('button', { name: 'Mark reviewed' }).click();
      await queue()
        .locator('.review-status .notice.success', { hasText: '2 movements marked reviewed' })
        .waitFor();
      await queue().locator('.results .state.loading').waitFor({ state: 'detached' });
      for (const ref of reviewed)
        assert.equal(await queueRow(ref).count(), 0, `${ref} left the unreviewed list`);
      await shot('09-review-marked');
    });

    await step('shows the review state in the ledger', async () => {
      await page.getByRole('tab', { name: 'Ledger' }).click();
      for (const ref of reviewed) {
        const badge = panel('ledger').locator(
          `#ledger-table tr[data-cell="uk"][data-ref="${ref}"] .review-state`,
        );
        await badge.filter({ hasText: /^reviewed$/ }).waitFor();
      }
      const others = await panel('ledger').locator('#ledger-table .review-state').allTextContents();
      assert.ok(others.includes('unreviewed'), 'movements not yet reviewed say so');
    });

    await step(
      'flags a reviewed movement with a reason, and shows why a second review is refused',
      async () => {
        const [flagged = '', other = ''] = reviewed;
        await page.getByRole('tab', { name: 'Review queue' }).click();
        await showQueue('reviewed');
        await queueRow(flagged).getByRole('checkbox').check();
        await queue().getByRole('button', { name: 'Flag…' }).click();
        const form = queue().locator('#review-comment-form');
        await form.waitFor();
        assert.match(await text(form), /No PHI/, 'the comment field says it must carry no PHI');
        await form.getByRole('button', { name: 'Flag', exact: true }).click();
        await form.locator('.comment-problem', { hasText: 'A flag needs a reason' }).waitFor();
        await form.getByLabel('Reason for the flag').fill('Mechanism reference to confirm with the DPO');
        await form.getByRole('button', { name: 'Flag', exact: true }).click();
        await queue().locator('.review-status .notice.success', { hasText: '1 movement flagged' }).waitFor();
        await queue().locator('.results .state.loading').waitFor({ state: 'detached' });
        assert.equal(await queueRow(flagged).count(), 0, 'the flagged movement left the reviewed list');

        await queueRow(other).getByRole('checkbox').check();
        await queue().getByRole('button', { name: 'Mark reviewed' }).click();
        const problem = queue().locator('.review-status .notice.error');
        await problem.waitFor();
        assert.match(await text(problem), /Review does not apply/);
        assert.match(
          await text(problem),
          new RegExp(`entry ${other} is reviewed; it cannot become reviewed`),
        );
        const refused = pageErrors.findIndex((e) => /status of 409/.test(e));
        assert.ok(refused >= 0, 'the browser saw the 409');
        pageErrors.splice(refused, 1);

        await showQueue('flagged');
        await queueRow(flagged).waitFor();
        assert.equal(
          await queueRow(flagged).locator('button[data-action="resolve"]').count(),
          0,
          'a reviewer cannot resolve',
        );
        await queueRow(flagged)
          .getByRole('button', { name: `History of uk ${flagged}` })
          .click();
        const history = queue().locator('#review-history');
        await history.waitFor();
        assert.match(
          await text(history.locator('#review-events')),
          /Mechanism reference to confirm with the DPO/,
        );
        assert.equal(await history.locator('#review-events tbody tr').count(), 2);
        await shot('10-review-flagged');
      },
    );

    await step('has no serious accessibility violations in a review history or the flag form (axe)', () =>
      reviewDialogsAreAccessible(page),
    );

    await step('signs in as a privacy officer and resolves the flag with a note', async () => {
      const [flagged = ''] = reviewed;
      await signIn(page, 'e2e.officer', ['privacy-officer']);
      await page.getByRole('tab', { name: 'Review queue' }).click();
      await showQueue('flagged');
      await queueRow(flagged)
        .getByRole('button', { name: `Resolve uk ${flagged}…` })
        .click();
      const form = queue().locator('#review-comment-form');
      await form.getByLabel('Resolution note').fill('Reference confirmed with the DPO');
      await form.getByRole('button', { name: 'Resolve', exact: true }).click();
      await queue()
        .locator('.review-status .notice.success', { hasText: `uk ${flagged} resolved` })
        .waitFor();
      await queue().locator('.results .state.loading').waitFor({ state: 'detached' });
      assert.equal(await queueRow(flagged).count(), 0, 'the resolved movement left the flagged list');
      await showQueue('resolved');
      await queueRow(flagged)
        .getByRole('button', { name: `History of uk ${flagged}` })
        .click();
      const events = queue().locator('#review-history #review-events tbody tr');
      await events.nth(2).waitFor();
      assert.match(
        await text(events.nth(2)),
        /resolved.*him:e2e\.officer.*privacy officer.*Reference confirmed/,
      );
      await shot('11-review-resolved');
    });

    await step('signs out, forgetting the token', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#sign-in').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('visitbridge.him.token')), null);
      for (const url of visited) assert.ok(!/token|eyJ/.test(url), `token in ${url}`);
    });
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
  return t.finish();
}

/**
 * Signs out when signed in, then signs in again at the local identity provider as `user`
 * holding exactly `roles`, viewing from `country`.
 */
async function signIn(page: Page, user: string, roles: string[], country = 'GB'): Promise<void> {
  const signOut = page.getByRole('button', { name: 'Sign out' });
  if (await signOut.count()) await signOut.click();
  await page.click('#sign-in');
  await page.locator('#dev-form').waitFor();
  await page.fill('#dev-user', user);
  for (const role of ['him-reviewer', 'privacy-officer', 'integration-admin'])
    await page.setChecked(`#dev-form input[name="roles"][value="${role}"]`, roles.includes(role));
  await page.fill('#dev-country', country);
  await page.click('#dev-form button[type="submit"]');
  await page.locator('#who .who-user').filter({ hasText: user }).waitFor();
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
