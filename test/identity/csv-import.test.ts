import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES } from '../../src/errors.ts';
import { formatImportReport, importPrincipals, parseCsv } from '../../src/identity/csv-import.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';
import { backends, sqliteBackend, useStores } from '../helpers/backends.ts';

const NOW = new Date('2026-11-22T05:30:00.000Z');
const LATER = new Date('2026-12-01T00:00:00.000Z');

/** Every principal, read through the ports: by id from 1 until a gap of 20. */
async function principals(store: Store) {
  return store.transaction(async (u) => {
    const rows = [];
    for (let id = 1, misses = 0; misses < 20; id++) {
      const row = await u.principals.byId(id);
      if (row) rows.push(row);
      else misses++;
    }
    return rows.map(({ id: _id, ...r }) => r);
  });
}

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and gives each record its first line', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\nplain,,last\n\nafter,blank,line';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\r\nlines'] },
      { line: 4, fields: ['plain', '', 'last'] },
      { line: 5, fields: [''] },
      { line: 6, fields: ['after', 'blank', 'line'] },
    ]);
  });

  it('reports broken quoting on its record and goes on at the next line', () => {
    const records = parseCsv('a,b\nx"y,1\n"ok",2\n"q"z,3\nlast,4\n"open,5\n');
    expect(records.map((r) => [r.line, r.error ? 'error' : r.fields.join('|')])).toEqual([
      [1, 'a|b'], [2, 'error'], [3, 'ok|2'], [4, 'error'], [5, 'last|4'], [6, 'error'],
    ]);
  });

  it('handles a file without a final line break, and lone CRs', () => {
    expect(parseCsv('a\rb')).toEqual([{ line: 1, fields: ['a'] }, { line: 2, fields: ['b'] }]);
    expect(parseCsv('')).toEqual([]);
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`importPrincipals: ${backend.name}`, () => {
    const open = useStores(backend);

    it('imports valid rows (E.164 mobiles, lower-case emails), reports bad ones by line, and upserts on re-import', async () => {
      const { store } = await open();
      const csv = [
        '\uFEFFEmail,External_Ref,Mobile,Name',
        'Asha.K@Example.in,C-1,98765 43210,"Kumari, Asha"',
        ',C-2,+91-98111-11111,"Ravi ""Ravi"" Verma"',
        'not-an-email,C-3,,Bad Email',
        ',C-4,12345,Bad Mobile',
        ',C-5,,No Contact',
        'x@example.in,,9822222222,No Ref',
        'dup@example.in,C-1,,Repeat',
        'only,three,fields',
        'ravi@example.in,C-6,,"Line',
        'break in name"',
        'meera@example.in,C-7,०९८३३३३३३३३,मीरा',
        '',
      ].join('\r\n');
      const result = await importPrincipals(store, csv, NOW);
      expect(result.errors).toEqual([
        { line: 4, message: 'email is not a valid email address' },
        { line: 5, message: 'mobile is not a valid mobile number' },
        { line: 6, message: 'needs a mobile or an email' },
        { line: 7, message: 'external_ref is empty' },
        { line: 8, message: 'external_ref repeats line 2' },
        { line: 9, message: '3 fields, but the header has 4' },
      ]);
      expect(result.imported).toBe(4);
      expect(await principals(store)).toEqual([
        { external_ref: 'C-1', name: 'Kumari, Asha', mobile: '+919876543210', email: 'asha.k@example.in', source: 'csv', updated_at: NOW.toISOString() },
        { external_ref: 'C-2', name: 'Ravi "Ravi" Verma', mobile: '+919811111111', email: null, source: 'csv', updated_at: NOW.toISOString() },
        { external_ref: 'C-6', name: 'Line\nbreak in name', mobile: null, email: 'ravi@example.in', source: 'csv', updated_at: NOW.toISOString() },
        { external_ref: 'C-7', name: 'मीरा', mobile: '+919833333333', email: 'meera@example.in', source: 'csv', updated_at: NOW.toISOString() },
      ]);
      for (const e of result.errors) for (const value of ['not-an-email', '12345', 'x@example.in']) expect(e.message).not.toContain(value);

      // Re-import: C-1 changes, C-8 is new; nothing is duplicated.
      const again = await importPrincipals(store, 'external_ref,mobile\nC-1,9800000001\nC-8,9800000002\n', LATER);
      expect(again).toEqual({ imported: 2, errors: [] });
      const rows = await principals(store);
      expect(rows.map((r) => r.external_ref)).toEqual(['C-1', 'C-2', 'C-6', 'C-7', 'C-8']);
      // The upsert replaces the row with the file's columns: C-1 now has no email on file.
      expect(rows[0]).toEqual({ external_ref: 'C-1', name: null, mobile: '+919800000001', email: null, source: 'csv', updated_at: LATER.toISOString() });
      expect(await store.transaction((u) => u.principals.byMobile('+919876543210'))).toEqual([]);
    });

    it('a file that writes nothing leaves the table as it was', async () => {
      const { store, count } = await open();
      expect(await importPrincipals(store, 'external_ref,email\nC-1,bad\n', NOW)).toEqual({ imported: 0, errors: [{ line: 2, message: 'email is not a valid email address' }] });
      expect(await count('principals')).toBe(0);
    });
  });
}

describe('importPrincipals: the header', () => {
  const open = useStores(sqliteBackend);

  it.each([
    ['', 'the file is empty'],
    ['\n\n', 'the file is empty'],
    ['name,mobile\nAsha,9876543210\n', 'no external_ref column'],
    ['external_ref,name\nC-1,Asha\n', 'neither a mobile nor an email column'],
    ['external_ref,phone\nC-1,9876543210\n', 'unknown column "phone"'],
    ['external_ref,email,EMAIL\nC-1,a@b.in,a@b.in\n', 'column "email" appears twice'],
    ['C-1,Asha,9876543210,asha@example.in\n', 'unknown column "C-1"'],
  ])('rejects %j with CLI_USAGE naming the expected header', async (csv, why) => {
    const { store } = await open();
    const error = await importPrincipals(store, csv, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ERROR_CODES.CLI_USAGE);
    expect((error as AppError).message).toContain(why);
    expect((error as AppError).message).toContain('external_ref,name,mobile,email');
  });
});

describe('formatImportReport', () => {
  it('gives the count and each skipped row by line', () => {
    expect(formatImportReport({ imported: 1, errors: [] })).toBe('Imported 1 principal.\n');
    expect(formatImportReport({ imported: 3, errors: [{ line: 4, message: 'needs a mobile or an email' }, { line: 9, message: 'external_ref is empty' }] })).toBe(
      'Imported 3 principals.\nSkipped 2 rows:\n  line 4: needs a mobile or an email\n  line 9: external_ref is empty\n',
    );
  });
});
