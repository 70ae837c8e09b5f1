import * as Body from '../responses.js';
import { fileResult, filterTarget, type HimRoute, json, P, R } from '../route-kit.js';
import { CorridorQuery, corridorSummary } from '../use-cases/corridors.js';
import { ExportQuery, exportLedger, LedgerQuery, listLedger } from '../use-cases/ledger.js';

/** The transfers ledger: list, export, corridor summary. */
export const LEDGER_ROUTES: readonly HimRoute[] = [
  {
    method: 'GET',
    path: 'ledger',
    doc: {
      operationId: 'listLedgerEntries',
      summary: 'Transfers ledger entries, filtered, in time order (cursor pagination)',
      query: LedgerQuery,
      response: { schema: Body.LedgerPage },
    },
    roles: [R, P],
    action: 'ledger.list',
    target: (req) => filterTarget('ledger', req),
    run: json(200, ({ deps, query }) => listLedger(deps, query)),
  },
  {
    method: 'GET',
    path: 'ledger/export',
    doc: {
      operationId: 'exportLedger',
      summary: 'Export the filtered ledger as CSV or NDJSON (up to 5 MB)',
      query: ExportQuery,
      response: { media: ['text/csv', 'application/x-ndjson'] },
      errors: ['export-too-large'],
    },
    roles: [R, P],
    action: 'ledger.export',
    target: (req) => filterTarget('ledger/export', req),
    run: async ({ deps, query }) => fileResult(await exportLedger(deps, query)),
  },
  {
    method: 'GET',
    path: 'corridors',
    doc: {
      operationId: 'summarizeCorridors',
      summary: 'Movements per day by corridor, kind, mechanism and decision (last 30 days by default)',
      query: CorridorQuery,
      response: { schema: Body.CorridorSummary },
    },
    roles: [R, P],
    action: 'corridors.summary',
    target: (req) => filterTarget('corridors', req),
    run: json(200, ({ deps, query }) => corridorSummary(deps, query)),
  },
];
