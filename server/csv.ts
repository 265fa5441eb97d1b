/**
 * RFC 4180 CSV with the line number of every record, so an operator importing 10,000 venues is told
 * "line 4812: …" and can fix that line in a spreadsheet. Quoted fields may hold commas, quotes ("") and
 * line breaks (a record then spans several lines; it is reported by the line it starts on). A UTF-8 BOM,
 * as spreadsheet programs write it, is ignored; blank lines are skipped.
 */
import { AuthorityError } from './errors';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  readonly line: number;
  /** Cells by header name. */
  readonly cells: Readonly<Record<string, string>>;
}

export interface CsvTable {
  readonly header: readonly string[];
  readonly records: readonly CsvRecord[];
}

/** Raw rows with their start lines; throws "line N: …" for a quote that never closes or stray text after one. */
function parseRows(source: string): { line: number; cells: string[] }[] {
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  const rows: { line: number; cells: string[] }[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (;;) {
      const ch = text[i];
      if (quoted) {
        if (ch === undefined)
          throw new AuthorityError('INPUT_INVALID', `line ${start}: a quoted field is never closed`);
        if (ch === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (ch === '"') {
          quoted = false;
          i++;
          const next = text[i];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            throw new AuthorityError('INPUT_INVALID', `line ${line}: text after a closing quote`);
          }
        } else {
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
        continue;
      }
      if (ch === '"' && cell === '') {
        quoted = true;
        i++;
      } else if (ch === ',') {
        cells.push(cell);
        cell = '';
        i++;
      } else if (ch === '\n' || ch === '\r' || ch === undefined) {
        cells.push(cell);
        if (ch === '\r' && text[i + 1] === '\n') i++;
        if (ch !== undefined) {
          i++;
          line++;
        }
        break;
      } else {
        cell += ch;
        i++;
      }
    }
    if (!(cells.length === 1 && cells[0].trim() === '')) rows.push({ line: start, cells });
  }
  return rows;
}

/**
 * Parse CSV whose first row is a header containing every name in `required` (case-insensitive; extra
 * columns are an error, so a typo in a header is not silently ignored). Every record must have as many
 * cells as the header.
 */
export function parseCsv(source: string, required: readonly string[], optional: readonly string[] = []): CsvTable {
  const rows = parseRows(source);
  if (rows.length === 0) throw new AuthorityError('INPUT_INVALID', 'line 1: the file is empty (expected a header row)');
  const [head, ...body] = rows;
  const header = head.cells.map((h) => h.trim().toLowerCase());
  const known = new Set([...required, ...optional]);
  const unknown = header.find((h) => !known.has(h));
  if (unknown !== undefined) {
    throw new AuthorityError(
      'INPUT_INVALID',
      `line ${head.line}: unknown column "${unknown}" (expected ${[...required, ...optional].join(', ')})`,
    );
  }
  const missing = required.filter((r) => !header.includes(r));
  if (missing.length > 0) {
    throw new AuthorityError('INPUT_INVALID', `line ${head.line}: missing column(s) ${missing.join(', ')}`);
  }
  const duplicate = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicate) throw new AuthorityError('INPUT_INVALID', `line ${head.line}: column "${duplicate}" appears twice`);
  const records = body.map(({ line, cells }) => {
    if (cells.length !== header.length) {
      throw new AuthorityError(
        'INPUT_INVALID',
        `line ${line}: ${cells.length} field(s), the header has ${header.length} (quote fields that contain commas)`,
      );
    }
    return { line, cells: Object.fromEntries(header.map((h, i) => [h, cells[i].trim()])) };
  });
  return { header, records };
}

/** One CSV field, quoted when it must be. */
export const csvField = (value: string | number): string => {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvLine = (values: readonly (string | number)[]): string => `${values.map(csvField).join(',')}\n`;
