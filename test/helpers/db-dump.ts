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
 * Where a number leaks in a text: six consecutive digits of the part masking hides (all but the
 * last four), found in any run of digits however formatted (any script, any separators).
 */
export function leakOf(text: string, digits: string): string | undefined {
  const hidden = digits.slice(0, -4);
  const pieces = Array.from({ length: hidden.length - 5 }, (_, i) => hidden.slice(i, i + 6));
  for (const run of digitRuns(text)) {
    const d = run.map((r) => r.d).join('');
    if (pieces.some((p) => d.includes(p))) return text.slice(Math.max(0, run[0]!.start - 60), run[run.length - 1]!.end + 20);
  }
  return undefined;
}
