import Database from 'better-sqlite3';

/** Every column of every row of every table of a SQLite file, as text (a read-only connection). */
export function dumpDatabase(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
    return tables.map(({ name }) => `## ${name}\n${JSON.stringify(db.prepare(`select * from "${name.replace(/"/g, '""')}"`).all())}`).join('\n');
  } finally {
    db.close();
  }
}

import { digitRuns } from '../../src/text/digits.ts';

/**
 * Where a number leaks in a text: its first eight digits, found in any run of digits however
 * formatted (any script, any separators). The masked form keeps only the last four.
 */
export function leakOf(text: string, digits: string): string | undefined {
  const head = digits.slice(0, 8);
  for (const run of digitRuns(text)) {
    const d = run.map((r) => r.d).join('');
    if (d.includes(head)) return text.slice(Math.max(0, run[0]!.start - 60), run[run.length - 1]!.end + 20);
  }
  return undefined;
}
