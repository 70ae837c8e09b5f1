/**
 * Browser checks of the console's quality: one merged ledger export, no stale
 * counts after a rejected filter, the corridor chart's size and axis, a phone-width
 * pass over every tab, and axe on every screen. Each is one step of run-console.ts.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Download, Locator, Page } from 'playwright-core';
import { assertAccessible } from './axe.js';

const panelOf = (page: Page, id: string) => page.locator(`#panel-${id}`);
const text = async (locator: Locator) => (await locator.textContent()) ?? '';
const todayUtc = () => new Date().toISOString().slice(0, 10);

/** Waits until a panel has finished loading (every view shows `.state.loading` while it reads). */
export async function settled(panel: Locator): Promise<void> {
  await panel.locator('.state.loading').first().waitFor({ state: 'detached', timeout: 15_000 });
}

/** Opens a tab by its name and waits for its panel to settle; returns the panel. */
export async function openTab(page: Page, name: string): Promise<Locator> {
  const tab = page.getByRole('tab', { name, exact: true });
  await tab.click();
  const panel = page.locator(`#${await tab.getAttribute('aria-controls')}`);
  await settled(panel);
  return panel;
}

/** The names of every console tab, as the tab list shows them. */
export const tabNames = async (page: Page) =>
  (await page.getByRole('tab').allTextContents()).map((t) => t.trim());

/** Clicks an export button and returns every file the page saved, once its notice shows. */
async function exportFiles(page: Page, button: string): Promise<{ files: Download[]; status: string }> {
  const ledger = panelOf(page, 'ledger');
  const files: Download[] = [];
  const listener = (download: Download) => files.push(download);
  page.on('download', listener);
  try {
    await ledger.getByRole('button', { name: button }).click();
    const status = ledger.locator('.export-status .notice[role="status"]');
    await status.waitFor();
    // A second file, had one been started, would have been saved by now.
    await page.waitForTimeout(300);
    return { files, status: await text(status) };
  } finally {
    page.off('download', listener);
  }
}

/**
 * With the ledger filtered to one UK patient and uk + eu selected: one CSV with a
 * cell column, no empty file for eu, and a notice naming what was saved; then,
 * unfiltered, one CSV and one NDJSON carrying entries of both cells.
 */
export async function exportsOneLedgerFileAcrossCells(
  page: Page,
  { note, identifier }: { note: string; identifier: string },
): Promise<void> {
  const ledger = panelOf(page, 'ledger');
  await ledger.locator('#ledger-table tbody tr').first().waitFor();
  const filtered = await exportFiles(page, 'Export CSV');
  assert.equal(filtered.files.length, 1, 'one file for all the selected cells');
  const [file] = filtered.files;
  assert.ok(file);
  const name = `visitbridge-ledger-start-${todayUtc()}.csv`;
  assert.equal(file.suggestedFilename(), name);
  const csv = await readFile(String(await file.path()), 'utf8');
  const lines = csv.trim().split(/\r\n/);
  assert.match(lines[0] ?? '', /^cell,transferId,at,/, 'the cell column comes first');
  assert.equal(lines.length, 2, 'one entry for the filtered patient');
  assert.match(lines[1] ?? '', new RegExp(`^uk,[^,]+,.*${note}`));
  assert.ok(!csv.includes(identifier), 'the export carries no patient identifier');
  assert.equal(filtered.status, `Saved 1 ledger entry from uk (1) to ${name}. No entries in eu.`);

  await ledger.getByRole('button', { name: 'Clear' }).click();
  await settled(ledger);
  await ledger.locator('#ledger-table tbody tr').first().waitFor();
  const all = await exportFiles(page, 'Export CSV');
  assert.equal(all.files.length, 1);
  const rows = (await readFile(String(await all.files[0]?.path()), 'utf8')).trim().split(/\r\n/).slice(1);
  assert.deepEqual(new Set(rows.map((r) => r.slice(0, r.indexOf(',')))), new Set(['uk', 'eu']));
  assert.match(all.status, new RegExp(`^Saved ${rows.length} ledger entries from .*uk \\(\\d+\\)`));
  assert.match(all.status, /eu \(\d+\)/);

  const ndjson = await exportFiles(page, 'Export NDJSON');
  assert.equal(ndjson.files.length, 1);
  assert.match(ndjson.files[0]?.suggestedFilename() ?? '', /^visitbridge-ledger-start-.*\.ndjson$/);
  const entries = (await readFile(String(await ndjson.files[0]?.path()), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { cell: string; entryHash: string });
  assert.equal(entries.length, rows.length);
  assert.deepEqual(new Set(entries.map((e) => e.cell)), new Set(['uk', 'eu']));
  assert.ok(
    entries.every((e) => /^[0-9a-f]{64}$/.test(e.entryHash)),
    'entries keep their hashes',
  );
}

/** Applies a filter form with one text field changed; `expectRows` waits for an answer. */
async function applyFilter(panel: Locator, field: string, value: string, submit: string): Promise<void> {
  await panel.locator(field).fill(value);
  await panel.getByRole('button', { name: submit }).click();
  await settled(panel);
}

/** Drops the browser's console errors for the 400s a test caused on purpose. */
function expectBadRequests(pageErrors: string[]): void {
  const expected = pageErrors.filter((e) => /status of 400/.test(e));
  assert.ok(expected.length > 0, 'the browser saw the 400');
  pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !expected.includes(e)));
}

/**
 * In the ledger, the review queue and the corridors, a filter the console rejects
 * or the API answers with 400 takes every count, chart and table of the previous
 * query off the screen.
 */
export async function clearsStaleResultsOnBadFilters(page: Page, pageErrors: string[]): Promise<void> {
  const ledger = await openTab(page, 'Ledger');
  const count = ledger.locator('.toolbar .count');
  await applyFilter(ledger, '#lf-corridor', 'us:uk', 'Apply filters');
  await count.waitFor();
  await applyFilter(ledger, '#lf-corridor', 'not a corridor', 'Apply filters');
  await ledger.locator('.results .notice.error', { hasText: 'Check the filters' }).waitFor();
  assert.equal(await count.count(), 0, 'no count after a filter the console rejects');
  assert.equal(await ledger.locator('#ledger-table').count(), 0);
  await applyFilter(ledger, '#lf-corridor', 'us:uk', 'Apply filters');
  await count.waitFor();
  await applyFilter(ledger, '#lf-corridor', 'a:b', 'Apply filters');
  await ledger.locator('.results .notice.error').first().waitFor();
  assert.equal(await count.count(), 0, 'no count after the API refuses the filter');
  assert.equal(await ledger.locator('#ledger-table, .results .state.empty').count(), 0);
  expectBadRequests(pageErrors);
  await ledger.getByRole('button', { name: 'Clear' }).click();
  await count.waitFor();

  const queue = await openTab(page, 'Review queue');
  const counts = queue.locator('#review-counts-table');
  await counts.waitFor();
  await applyFilter(queue, '#rf-corridor', 'not a corridor', 'Apply filters');
  await queue.locator('.results .notice.error', { hasText: 'Check the filters' }).waitFor();
  assert.equal(await counts.count(), 0, 'no counts after a filter the console rejects');
  assert.equal(await queue.locator('#review-table').count(), 0);
  await applyFilter(queue, '#rf-corridor', '', 'Apply filters');
  await counts.waitFor();
  await applyFilter(queue, '#rf-corridor', 'a:b', 'Apply filters');
  await queue.locator('.results .notice.error').first().waitFor();
  assert.equal(await counts.count(), 0, 'no counts after the API refuses the filter');
  assert.equal(await queue.locator('.review-counts .state.empty, #review-table').count(), 0);
  expectBadRequests(pageErrors);
  await queue.getByRole('button', { name: 'Clear' }).click();
  await counts.waitFor();

  const corridors = await openTab(page, 'Corridors');
  await corridors.locator('svg.chart').waitFor();
  const from = await corridors.locator('#cf-from').inputValue();
  const to = await corridors.locator('#cf-to').inputValue();
  await corridors.locator('#cf-from').fill(to);
  await corridors.locator('#cf-to').fill(from);
  await corridors.getByRole('button', { name: 'Show' }).click();
  await corridors.locator('.results .notice.error', { hasText: 'Check the range' }).waitFor();
  assert.equal(await corridors.locator('svg.chart, table.matrix').count(), 0);
  assert.equal(await corridors.locator('#cf-corridor option').count(), 1, 'only "All corridors" is left');
  await corridors.locator('#cf-from').fill(from);
  await corridors.locator('#cf-to').fill(to);
  await corridors.getByRole('button', { name: 'Show' }).click();
  await corridors.locator('svg.chart').waitFor();
}

/**
 * The chart is drawn at its card's width (its viewBox matches the pixels, so text
 * keeps its size), the newest day of the range is labelled, and matrix cells
 * without movements say so.
 */
export async function chartFillsItsCard(page: Page): Promise<void> {
  const corridors = await openTab(page, 'Corridors');
  const wrap = corridors.locator('.chart-wrap');
  const svg = wrap.locator('svg.chart');
  await svg.waitFor();
  const wrapBox = await wrap.boundingBox();
  const svgBox = await svg.boundingBox();
  assert.ok(wrapBox && svgBox);
  assert.ok(Math.abs(svgBox.width - wrapBox.width) <= 1, `chart ${svgBox.width}px in ${wrapBox.width}px`);
  assert.ok(svgBox.width > 1000, `a wide card gets a wide chart (${svgBox.width}px)`);
  const viewBoxWidth = Number((await svg.getAttribute('viewBox'))?.split(' ')[2]);
  assert.ok(Math.abs(viewBoxWidth - svgBox.width) <= 1, `viewBox ${viewBoxWidth} for ${svgBox.width}px`);
  const newest = svg.locator('g.day-bar').last();
  assert.equal(await newest.getAttribute('data-day'), todayUtc());
  assert.equal(await text(newest.locator('text.day')), todayUtc().slice(5));
  const empty = corridors.locator('table.matrix td.empty');
  assert.ok((await empty.count()) > 0, 'some corridor has no movements');
  for (const cell of await empty.allTextContents()) assert.equal(cell, 'none');
}

/**
 * At 390 × 844: every tab is on screen and opens, no page scrolls sideways (wide
 * tables scroll in their own box), the cell picker and filters fit, the chart's
 * labels stay at least 10 px, and axe finds nothing serious. Restores the viewport.
 */
export async function usableOnAPhone(page: Page, shot: (name: string) => Promise<unknown>): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    for (const name of await tabNames(page)) {
      const tab = page.getByRole('tab', { name, exact: true });
      const box = await tab.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the ${name} tab is on screen`);
      const panel = await openTab(page, name);
      assert.equal(await tab.getAttribute('aria-selected'), 'true');
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `the ${name} page scrolls sideways by ${overflow}px`);
      const controls = [
        ...(await page.locator('.cell-picker .cell-check').all()),
        ...(await panel.locator('form.filters :is(input, select, button)').all()),
      ];
      for (const control of controls) {
        if (!(await control.isVisible())) continue;
        const b = await control.boundingBox();
        assert.ok(b && b.x >= 0 && b.x + b.width <= 390, `a control of ${name} is off screen`);
      }
      if (name === 'Corridors') {
        const px = await panel.locator('svg.chart').evaluate((svg) => {
          const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width;
          const label = svg.querySelector('text.day');
          return scale * Number.parseFloat(label ? getComputedStyle(label).fontSize : '0');
        });
        assert.ok(px >= 10, `day labels are ${px}px on a phone`);
      }
      await assertAccessible(page, `${name} at 390 px`);
      await shot(`12-phone-${name.toLowerCase().replaceAll(' ', '-')}`);
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/**
 * axe finds no serious or critical violation on any tab, the bulk replay form,
 * or a delivery's detail.
 */
export async function everyTabIsAccessible(page: Page): Promise<void> {
  for (const name of await tabNames(page)) {
    await openTab(page, name);
    await assertAccessible(page, `the ${name} tab`);
  }
  const deliveries = await openTab(page, 'Deliveries');
  await deliveries.locator('#df-state').selectOption('delivered');
  await settled(deliveries);
  await deliveries
    .locator('#deliveries-table tbody tr')
    .first()
    .getByRole('button', { name: /Details/ })
    .click();
  await page.locator('#delivery-detail').waitFor();
  await assertAccessible(page, 'a delivery detail');
  await deliveries.locator('#df-state').selectOption('parked');
  await settled(deliveries);
}

/** axe finds no serious or critical violation in a review's history or the flag form. */
export async function reviewDialogsAreAccessible(page: Page): Promise<void> {
  const queue = panelOf(page, 'reviews');
  await queue.locator('#review-history').waitFor();
  await assertAccessible(page, 'a review history');
  const box = queue.locator('#review-table input.row-select').first();
  await box.check();
  await queue.getByRole('button', { name: 'Flag…' }).click();
  const form = queue.locator('#review-comment-form');
  await form.waitFor();
  await assertAccessible(page, 'the flag form');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await box.uncheck();
}
