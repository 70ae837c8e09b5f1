import assert from 'node:assert/strict';
import type { Download, Page } from 'playwright-core';

/** Clicks `button` and waits for the download it starts. */
async function downloadOf(page: Page, click: () => Promise<void>): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return download;
}

/**
 * The Disclosures tab shows one patient's movements and note views and downloads the
 * PDF letter; the Evidence tab downloads a cell's pack. Neither shows the identifier.
 */
export async function reportsDownload(
  page: Page,
  o: { identifier: { system: string; value: string }; reader: string },
): Promise<void> {
  await page.getByRole('tab', { name: 'Disclosures' }).click();
  const panel = page.locator('#panel-disclosures');
  await panel.locator('#dc-cell').selectOption('uk');
  await panel.locator('#dc-system').fill(o.identifier.system);
  await panel.locator('#dc-value').fill(o.identifier.value);
  await panel.locator('#dc-from').fill('2026-01-01');
  await panel.locator('#dc-to').fill(new Date().toISOString().slice(0, 10));
  await panel.locator('#dc-purpose').selectOption('patient-request');
  await panel.getByRole('button', { name: 'Show report' }).click();
  const access = panel.locator('#disclosure-accesses tr', { hasText: o.reader });
  await access.first().waitFor();
  assert.match((await access.first().textContent()) ?? '', /treatment/);
  const results = (await panel.locator('.results').textContent()) ?? '';
  assert.ok(!results.includes(o.identifier.value), 'the report shows no identifier');
  const letter = await downloadOf(page, () =>
    panel.getByRole('button', { name: 'Download PDF letter' }).click(),
  );
  assert.match(letter.suggestedFilename(), /^disclosures-uk-pt_.*\.pdf$/);

  await page.getByRole('tab', { name: 'Evidence' }).click();
  const evidence = page.locator('#panel-evidence');
  await evidence.locator('#ev-from').fill('2026-01-01');
  await evidence.locator('#ev-to').fill(new Date().toISOString().slice(0, 10));
  const pack = await downloadOf(page, () =>
    evidence.locator('[data-cell="uk"]').getByRole('button', { name: 'Download pack' }).click(),
  );
  assert.match(pack.suggestedFilename(), /^evidence-uk-2026-01-01-.*\.zip$/);
}
