import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/report.ts';
import type { Config } from '../../src/config.ts';
import { AppError, ERROR_CODES } from '../../src/errors.ts';
import type { MonthlyReport } from '../../src/reports/compute.ts';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { tempDataDir, testConfig } from '../helpers/harness.ts';
import { insertFixture, REPORT_PROFILE } from './fixture.ts';

const NOW = () => new Date('2026-12-05T06:30:00.000Z');

async function fixtureConfig(): Promise<Config> {
  const config = testConfig(tempDataDir(), { PROFILE_FILE: REPORT_PROFILE });
  const store = await SqliteStore.open(config.databaseFile);
  try {
    await insertFixture(store);
  } finally {
    await store.close();
  }
  return config;
}

async function run(config: Config, args: string[]) {
  let out = '';
  const stdout = new Writable({
    write(chunk, _encoding, callback) {
      out += String(chunk);
      callback();
    },
  });
  const code = await reportCommand(args, { config, io: { stdin: Readable.from(['']), stdout, isTTY: false }, now: NOW });
  return { code, out };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('nivaran report (in-process, on the fixture set)', () => {
  it('prints a readable summary by default', async () => {
    const config = await fixtureConfig();
    const { code, out } = await run(config, ['--month', '2026-11']);
    expect(code).toBe(0);
    expect(out).toContain('Nivaran monthly report: November 2026, IST');
    expect(out).toContain('Resolved on time: 7 of 9 (77.8%)');
    expect(out).toContain('Quality review: 3 reviews, average score (1–5) 3.73');
  });

  it('--format json is the whole report; --format csv the tidy table; --out writes a file', async () => {
    const config = await fixtureConfig();
    const json = JSON.parse((await run(config, ['--month', '2026-11', '--format', 'json'])).out) as MonthlyReport;
    expect(json.requests.total).toBe(10);
    expect(json.times[0]).toMatchObject({ policy: 'grv-working', resolve: { unit: 'working_days', median: 4, p90: 12 } });
    expect(json.ratings.distribution).toEqual({ '1': 0, '2': 1, '3': 0, '4': 2, '5': 2 });

    const file = path.join(tempDataDir(), 'november.csv');
    const written = await run(config, ['--month', '2026-11', '--format', 'csv', '--out', file]);
    expect(written.out).toBe(`Report for 2026-11 written to ${file} (csv).\n`);
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv.slice(1).split('\r\n')[0]).toBe('section,metric,dimension,value');
    expect(csv).toContain('\r\non_time,share,all,0.7778\r\n');
  });

  it('refuses a month not written YYYY-MM, naming the expected form', async () => {
    const config = testConfig(tempDataDir(), { PROFILE_FILE: REPORT_PROFILE });
    for (const bad of ['2026-13', 'nov']) {
      const error = await failure(run(config, ['--month', bad]));
      expect(error.code).toBe(ERROR_CODES.CLI_USAGE);
      expect(error.message).toContain('YYYY-MM, e.g. 2026-11');
      expect(error.message).toContain(`"${bad}"`);
    }
    expect((await failure(run(config, ['--month', '2026-11', '--format', 'xlsx']))).code).toBe(ERROR_CODES.CLI_USAGE);
    expect((await failure(run(config, ['--month']))).code).toBe(ERROR_CODES.CLI_USAGE);
  });

  it('records the reading in the audit log, without personal data', async () => {
    const config = await fixtureConfig();
    await run(config, ['--month', '2026-11', '--format', 'csv']);
    const store = await SqliteStore.open(config.databaseFile);
    try {
      const rows = await store.transaction((uow) => uow.audit.after(0, 10));
      expect(rows.map((r) => [r.actor, r.action, r.subject, r.detail])).toEqual([['cli', 'report.view', 'report:2026-11', '{"month":"2026-11","format":"csv"}']]);
    } finally {
      await store.close();
    }
  });
});
