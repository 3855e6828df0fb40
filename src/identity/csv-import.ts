import { AppError, ERROR_CODES } from '../errors.ts';
import type { PrincipalsTable } from '../storage/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { cleanText } from '../text/normalize.ts';
import { redact } from '../text/redact.ts';
import { normaliseEmail, normaliseMobile } from './directory.ts';

/**
 * Imports the organisation's principals on file from CSV (`npx nivaran principals import FILE`):
 * the local directory one-time codes are sent from. Re-importing updates by `external_ref`.
 */

/** The columns, in the order the header is written when quoted in messages. */
export const PRINCIPAL_COLUMNS = ['external_ref', 'name', 'mobile', 'email'] as const;
type Column = (typeof PRINCIPAL_COLUMNS)[number];
const EXPECTED_HEADER = `${PRINCIPAL_COLUMNS.join(',')} (any order, any case; name, mobile and email may be left out, but not both mobile and email)`;

export interface ImportResult {
  /** Rows written (inserted or updated). */
  imported: number;
  /** Rows skipped, with their line in the file (1 is the header) and why; values are not quoted. */
  errors: Array<{ line: number; message: string }>;
}

/** One CSV record and the line it starts on (a quoted field may span lines). */
interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record breaks the quoting rules; its fields are then unreliable. */
  error?: string;
}

/**
 * RFC 4180 records: fields separated by commas, records by CRLF or LF (a lone CR too); a field in
 * double quotes may contain commas, line breaks and `""` for a quote. A leading byte-order mark is
 * ignored. A quote inside an unquoted field, text after a closing quote, or a quote left open make
 * that record an error and parsing resumes at the next line.
 */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    // One record.
    for (;;) {
      let field = '';
      if (s[i] === '"') {
        i++;
        let closed = false;
        while (i < s.length) {
          const c = s[i]!;
          if (c === '"') {
            if (s[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) line++;
          field += c;
          i++;
        }
        if (!closed) {
          error = 'a quoted field is not closed (a " is missing)';
          break;
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          error = 'text after a closing quote (write "" for a quote inside a quoted field)';
          break;
        }
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          if (s[i] === '"' && !error) error = 'a quote inside an unquoted field (put the field in quotes and write "" for the quote)';
          field += s[i];
          i++;
        }
        if (error) break;
      }
      fields.push(field);
      if (s[i] === ',') {
        i++;
        continue;
      }
      break; // end of line or of text
    }
    if (error) {
      // Skip to the end of the physical line and go on with the next record.
      while (i < s.length && s[i] !== '\n' && s[i] !== '\r') i++;
    }
    if (s[i] === '\r') i++;
    if (s[i] === '\n') i++;
    records.push(error ? { line: start, fields, error } : { line: start, fields });
    line++;
  }
  return records;
}

function isBlank(r: CsvRecord): boolean {
  return !r.error && r.fields.every((f) => f.trim() === '');
}

/**
 * Reads principals from CSV text and upserts the valid rows, all in one unit of work. Invalid rows
 * are reported with their line number and skipped. Mobiles are stored in E.164 (read as Indian
 * without a country code), email addresses in lower case.
 *
 * @throws AppError CLI_USAGE when the first non-empty line is not a valid header.
 */
export async function importPrincipals(store: Store, csvText: string, now: Date): Promise<ImportResult> {
  const records = parseCsv(csvText).filter((r) => !isBlank(r));
  const header = records.shift();
  const columns = header ? readHeader(header) : { error: 'the file is empty' };
  if ('error' in columns) {
    throw new AppError(ERROR_CODES.CLI_USAGE, `Not a principals file: ${columns.error}. The first line must be the header ${EXPECTED_HEADER}.`);
  }

  const errors: ImportResult['errors'] = [];
  const rows: Array<Omit<PrincipalsTable, 'id'>> = [];
  const seen = new Map<string, number>();
  const updatedAt = now.toISOString();
  for (const record of records) {
    const fail = (message: string) => errors.push({ line: record.line, message });
    if (record.error) {
      fail(record.error);
      continue;
    }
    if (record.fields.length !== columns.count) {
      fail(`${record.fields.length} fields, but the header has ${columns.count}`);
      continue;
    }
    const value = (c: Column) => {
      const index = columns.index[c];
      return index === undefined ? '' : cleanText(record.fields[index] ?? '');
    };
    // Free text reaches storage only masked: an organisation that keys its customers by Aadhaar
    // number gets the masked form (two such rows with the same last four digits then clash).
    const ref = redact(value('external_ref')).text;
    const name = redact(value('name')).text;
    const rawMobile = value('mobile');
    const rawEmail = value('email');
    const mobile = rawMobile === '' ? undefined : normaliseMobile(rawMobile);
    const email = rawEmail === '' ? undefined : normaliseEmail(rawEmail);
    const problems = [
      ...(ref === '' ? ['external_ref is empty'] : ref.length > 200 ? ['external_ref is longer than 200 characters'] : []),
      ...(name.length > 300 ? ['name is longer than 300 characters'] : []),
      ...(rawMobile !== '' && !mobile ? ['mobile is not a valid mobile number'] : []),
      ...(rawEmail !== '' && !email ? ['email is not a valid email address'] : []),
      ...(rawMobile === '' && rawEmail === '' ? ['needs a mobile or an email'] : []),
    ];
    const earlier = seen.get(ref);
    if (ref !== '' && earlier !== undefined) problems.push(`external_ref repeats line ${earlier}`);
    if (problems.length > 0) {
      fail(problems.join('; '));
      continue;
    }
    seen.set(ref, record.line);
    rows.push({ external_ref: ref, name: name || null, mobile: mobile ?? null, email: email ?? null, source: 'csv', updated_at: updatedAt });
  }

  if (rows.length > 0) {
    await store.transaction(async (uow) => {
      for (const row of rows) await uow.principals.upsert(row);
    });
  }
  return { imported: rows.length, errors };
}

function readHeader(header: CsvRecord): { index: Partial<Record<Column, number>>; count: number } | { error: string } {
  if (header.error) return { error: `line ${header.line}: ${header.error}` };
  const index: Partial<Record<Column, number>> = {};
  for (const [i, raw] of header.fields.entries()) {
    const name = raw.trim().toLowerCase();
    if (!(PRINCIPAL_COLUMNS as readonly string[]).includes(name)) {
      return { error: `unknown column "${raw.trim().slice(0, 40)}"` };
    }
    if (index[name as Column] !== undefined) return { error: `column "${name}" appears twice` };
    index[name as Column] = i;
  }
  if (index.external_ref === undefined) return { error: 'no external_ref column' };
  if (index.mobile === undefined && index.email === undefined) return { error: 'neither a mobile nor an email column' };
  return { index, count: header.fields.length };
}

/** The text `principals import` prints: the count, then each skipped row by line. */
export function formatImportReport(result: ImportResult): string {
  const lines = [`Imported ${result.imported} principal${result.imported === 1 ? '' : 's'}.`];
  if (result.errors.length > 0) {
    lines.push(`Skipped ${result.errors.length} row${result.errors.length === 1 ? '' : 's'}:`);
    for (const e of result.errors) lines.push(`  line ${e.line}: ${e.message}`);
  }
  return `${lines.join('\n')}\n`;
}
