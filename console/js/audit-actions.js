/**
 * The audit log as HIM actions (no DOM): the entries of the selected cells that
 * carry one action id are one action, listed once with the cells it touched.
 * Entries without an action id (written before the field) stay rows of their own.
 */

/** What every entry of a group says of a field: the one value, or the distinct values joined. */
function common(values) {
  const distinct = [...new Set(values.filter((v) => v !== undefined && v !== ''))];
  return distinct.join(', ');
}

/**
 * Groups audit rows `{ cell, item: entry }` by action id, newest action first.
 * @param rows the entries of every selected cell
 * @param cellOrder cell ids in the order the console lists cells
 * @returns {Array<{ key: string, actionId?: string, at: string, cells: string[],
 *   entries: Array<{ cell, entry }>, actor: string, role: string, action: string,
 *   target: string, purpose: string, sourceIp: string, outcomes: Array<{ cell: string, outcome: string }> }>}
 */
export function groupByAction(rows, cellOrder = []) {
  const groups = new Map();
  for (const { cell, item: entry } of rows) {
    const key = entry.actionId ? `action:${entry.actionId}` : `entry:${cell.id}:${entry.shard}:${entry.seq}`;
    const group = groups.get(key) ?? { key, actionId: entry.actionId, entries: [] };
    group.entries.push({ cell, entry });
    groups.set(key, group);
  }
  const rank = (id) => {
    const i = cellOrder.indexOf(id);
    return i === -1 ? cellOrder.length : i;
  };
  return [...groups.values()]
    .map((group) => {
      const entries = group.entries.sort((a, b) => rank(a.cell.id) - rank(b.cell.id));
      const field = (name) => common(entries.map(({ entry }) => entry[name]));
      return {
        ...group,
        entries,
        at: entries.map(({ entry }) => String(entry.at)).sort()[0],
        cells: [...new Set(entries.map(({ cell }) => cell.id))],
        actor: field('actor'),
        role: field('role'),
        action: field('action'),
        target: field('target'),
        purpose: field('purpose'),
        sourceIp: field('sourceIp'),
        outcomes: entries.map(({ cell, entry }) => ({ cell: cell.id, outcome: String(entry.outcome) })),
      };
    })
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/**
 * The note a note-view entry's target names (`note:<sender>/<note>/<version>/<event>`):
 * ids only, never PHI; undefined for any other target.
 */
export function noteOfTarget(target) {
  const m = /^note:([^/]*)\/([^/]*)\/([^/]*)\/([^/]*)$/.exec(String(target ?? ''));
  if (!m) return undefined;
  const [, senderId, noteId, version, event] = m;
  return { senderId, noteId, version, event };
}
