/**
 * @module rights/export-xlsx
 * The export as a workbook, one sheet per section: a list becomes a table (a header row of field
 * names, a row per item), a single record becomes field/value rows. Numbers stay numbers, so a
 * spreadsheet sums points the way the JSON reads them. Built in memory and streamed to the
 * caller; never written to disk.
 */
import ExcelJS from 'exceljs';
import type { DataExport } from './export.ts';

type Cell = string | number | boolean | null;

const cell = (value: unknown): Cell => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
};

/** Sheet names: Excel allows 31 characters and no `[]:*?/\`. */
const sheetName = (key: string) => key.replace(/[[\]:*?/\\]/g, '_').slice(0, 31);

export async function exportWorkbook(data: DataExport): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'zeropass';
  workbook.created = new Date(data.exportedAt ?? 0);
  for (const [section, value] of Object.entries(data)) {
    if (section === 'exportedAt') continue;
    const sheet = workbook.addWorksheet(sheetName(section));
    if (Array.isArray(value)) {
      const rows = value as Record<string, unknown>[];
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      sheet.addRow(columns);
      for (const row of rows) sheet.addRow(columns.map((c) => cell(row[c])));
    } else {
      sheet.addRow(['field', 'value']);
      for (const [field, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        sheet.addRow([field, cell(v)]);
      }
    }
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
