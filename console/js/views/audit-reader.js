/**
 * Reads the selected cells' audit logs for a filter form, page by page: what the
 * audit tab and the PHI access tab share. A rejected filter or no cell answering
 * leaves nothing from an earlier query on screen.
 */
import { field, mount } from '../dom.js';
import { auditParams, FilterError } from '../query.js';
import { failures, loading, loadMore, noneAnswered, pagedRows, problemBox } from './common.js';

const PAGE = 50;
const READ = 'read the audit log';

/**
 * @param {object} ctx the view context
 * @param {{ formEl: HTMLFormElement, resultsEl: HTMLElement, fields: string[], fixed?: Record<string, string>,
 *   loadingText: string, present: (rows: Array<{ cell, item }>) => { content: unknown, announce: string } }} options
 *   `fields` are read from the form on apply; `fixed` filters are always sent (e.g. the note-view action).
 */
export function auditReader(ctx, { formEl, resultsEl, fields, fixed = {}, loadingText, present }) {
  let filters = {};
  const pages = pagedRows(ctx, {
    fetch: (cell, cursor, actionId) =>
      ctx.api.json(cell, 'audit', {
        search: auditParams({ ...filters, ...fixed }, { limit: PAGE, cursor }),
        action: READ,
        actionId,
      }),
    itemsOf: (page) => page.entries,
    timeOf: (entry) => entry.at,
  });

  async function load(fresh) {
    try {
      auditParams(filters);
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      pages.reset();
      mount(resultsEl, problemBox({ title: 'Check the filters', detail: error.message }));
      formEl.elements.namedItem(error.field)?.focus();
      ctx.announce(`Check the filters: ${error.message}`);
      return;
    }
    if (fresh) mount(resultsEl, loading(loadingText));
    const failed = await pages.load(fresh);
    if (!failed) return;
    if (fresh && noneAnswered(ctx.cells(), failed)) {
      mount(resultsEl, failures(failed));
      ctx.announce('No cell answered');
      return;
    }
    const { content, announce } = present(pages.rows());
    mount(
      resultsEl,
      failures(failed),
      content,
      loadMore(pages.more(), () => load(false)),
    );
    ctx.announce(announce);
  }

  return {
    /** The form's submit handler: reads `fields` and loads afresh. */
    apply(event) {
      event.preventDefault();
      filters = Object.fromEntries(fields.map((name) => [name, field(formEl, name)]));
      return load(true);
    },
    refresh: () => load(true),
  };
}
