import { formatResult, runScenario, type ScenarioOptions } from './scale.ts';

/**
 * `npm run bench -- --only scale`: the scale harness's runs. Throughput without faults for SQLite
 * (one process) and PostgreSQL with 1, 2 and 3 instances; then the same under chaos: kill -9 of a
 * random instance three times, a 10 s database cut (PostgreSQL), a 15 s 429 storm.
 */
export async function runScaleBench(o: { citizens: number; runs: string[]; instances: number[]; backends: string[]; out: (s: string) => void }): Promise<number> {
  const adminUrl = process.env.SCALE_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  const plans: Array<Omit<ScenarioOptions, 'citizens' | 'seed' | 'adminUrl' | 'deadlineMs' | 'leaseSeconds'>> = [];
  // Chaos first: its figures are the ones the promise rests on.
  for (const kind of [...o.runs].sort((a, b) => (a === 'chaos' ? -1 : b === 'chaos' ? 1 : 0))) {
    const chaos = kind === 'chaos';
    for (const backend of o.backends) {
      if (backend !== 'sqlite' && backend !== 'postgres') continue;
      // SQLite is one process by design: one instance only.
      const counts = backend === 'sqlite' ? [1] : o.instances;
      for (const instances of counts) {
        plans.push({ backend, instances, kills: chaos ? 3 : 0, dbCutMs: chaos && backend === 'postgres' ? 10_000 : 0, stormMs: chaos ? 15_000 : 0 });
      }
    }
  }
  o.out(`\nScale harness: WhatsApp Cloud over a fake Graph API, ${o.citizens} citizens each filing a grievance (8 messages), webhooks redelivered on any non-2xx to any instance`);
  for (const plan of plans) {
    if (plan.backend === 'postgres' && !adminUrl) {
      o.out(`postgres, ${plan.instances} instance(s): skipped (set SCALE_DATABASE_URL or TEST_DATABASE_URL)`);
      continue;
    }
    const result = await runScenario({ ...plan, citizens: o.citizens, seed: 12 + plan.instances, adminUrl, deadlineMs: 600_000, leaseSeconds: 30 });
    o.out(formatResult(result));
  }
  return 0;
}
