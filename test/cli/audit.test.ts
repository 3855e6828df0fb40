import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, auditPoint, setAuditKey } from '../../src/audit/audit-log.ts';
import { auditCommand } from '../../src/cli/audit.ts';
import type { Config } from '../../src/config.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { auditSecret } from '../../src/secrets.ts';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { tempDataDir, testConfig } from '../helpers/harness.ts';

/** `nivaran audit checkpoint --out FILE` then `nivaran audit verify --against FILE`, in-process. */
async function run(config: Config, args: string[]) {
  let out = '';
  const stdout = new Writable({
    write(chunk, _encoding, callback) {
      out += String(chunk);
      callback();
    },
  });
  const clock = () => new Date('2026-11-22T06:00:00.000Z');
  const code = await auditCommand(args, { config, io: { stdin: Readable.from(['']), stdout, isTTY: false }, clock });
  return { code, out };
}

async function appendRows(config: Config, from: number, to: number): Promise<void> {
  setAuditKey(auditSecret(config));
  const store = await SqliteStore.open(config.databaseFile);
  try {
    for (let i = from; i <= to; i++) {
      await store.transaction((u) => appendAudit(u, { actor: 'cli', action: 'officer.add', subject: `officer:${i}`, at: new Date(Date.parse('2026-11-22T05:30:00.000Z') + i * 1000) }));
    }
  } finally {
    await store.close();
  }
}

afterEach(() => setAuditKey(undefined));

describe('nivaran audit checkpoint / verify --against', () => {
  it('a checkpoint written to a file still holds after appends; a rollback to a copied head is refused with exit 1', async () => {
    const config = testConfig(tempDataDir());
    const file = path.join(tempDataDir(), 'checkpoint.json');
    await appendRows(config, 1, 3);
    const store0 = await SqliteStore.open(config.databaseFile);
    const copied = await store0.transaction(auditPoint);
    await store0.close();
    await appendRows(config, 4, 6);

    expect(await run(config, ['checkpoint', '--out', file])).toEqual({ code: 0, out: `Audit checkpoint written to ${file}: row 6. Keep it away from the database and its server.\n` });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ kind: 'nivaran-audit-checkpoint', seq: 6, rows: 6, madeAt: '2026-11-22T06:00:00.000Z' });
    await appendRows(config, 7, 7);
    expect(await run(config, ['verify', '--against', file])).toEqual({ code: 0, out: 'Audit log intact: 7 rows. It still holds row 6 of the checkpoint of 2026-11-22T06:00:00.000Z.\n' });

    const store = await SqliteStore.open(config.databaseFile);
    store.connection.exec(`drop trigger audit_log_no_delete; delete from audit_log where seq > 3;
      update audit_head set seq = ${copied.seq}, hash = '${copied.hash}', mac = '${copied.mac}' where id = 1`);
    await store.close();
    expect(await run(config, ['verify'])).toEqual({ code: 0, out: 'Audit log intact: 3 rows.\n' });
    expect(await run(config, ['verify', '--against', file])).toEqual({
      code: 1,
      out: 'Audit log does not match the checkpoint: the chain ends at row 3 but the checkpoint of 2026-11-22T06:00:00.000Z recorded row 6: the log was rolled back to an earlier copy, or its last rows were removed\n',
    });
    const printed = await run(config, ['checkpoint']);
    expect(JSON.parse(printed.out)).toMatchObject({ seq: 3 });
    await expect(run(config, ['verify', '--against', path.join(tempDataDir(), 'none.json')])).rejects.toMatchObject({ code: ERROR_CODES.AUDIT_CHECKPOINT_INVALID });
    await expect(run(config, ['checkpoint', '--against', file])).rejects.toMatchObject({ code: ERROR_CODES.CLI_USAGE });
  });
});
