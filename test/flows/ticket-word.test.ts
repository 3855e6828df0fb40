import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.ts';

/**
 * One word per idea (docs/understanding.md): in Hindi a data-rights request is an अनुरोध
 * everywhere, a grievance a टिकट. English says "ticket" for both, and the Hindi notices used to
 * copy it: the citizen registered "अनुरोध संख्या: DPR-…" and was then told "आपका टिकट DPR-… हल कर
 * दिया गया है", and a withdrawn grievance became "अनुरोध GRV-…".
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ACCESS = ['नमस्ते', '१', 'हाँ', '२', '१', '२', 'asha@example.in', 'फिर से भेजें', '२४६८१०', 'हाँ'];
const GRIEVANCE = ['नमस्ते', '१', 'हाँ', '१', '२', 'सेक्टर 4 में शुक्रवार सुबह से पानी नहीं आ रहा है।', '३', 'हाँ'];

async function outs(user: string): Promise<string[]> {
  const rows = await h!.app.store.transaction((u) => u.transcripts.of(`console:${user}`));
  return rows.filter((r) => r.direction === 'out').map((r) => r.text);
}

describe('Hindi names a data-rights request अनुरोध and a grievance टिकट', () => {
  it('in the notices, the status, the feedback questions and the appeal', async () => {
    h = await startHarness();
    await h.app.store.transaction((u) =>
      u.principals.upsert({ external_ref: 'CUST-1001', name: 'Asha Kumari', mobile: '+919876543210', email: 'asha@example.in', source: 'csv', updated_at: '2026-11-01T00:00:00.000Z' }));
    for (const t of ACCESS) await h.say(t, { user: 'citizen-1' });
    for (const t of GRIEVANCE) await h.say(t, { user: 'citizen-2' });
    const move = (number: string, to: 'in_progress' | 'resolved', reason?: string) =>
      h!.app.store.transaction((u) => h!.app.tickets.transition(u, number, to, { actor: 'officer-1', reason, now: h!.clock.now() }));
    await move('DPR-2026-000001', 'in_progress');
    await move('DPR-2026-000001', 'resolved', 'सारांश भेज दिया गया है।');
    await move('GRV-2026-000001', 'resolved', 'आपूर्ति बहाल कर दी गई है।');
    await h.say('हाँ', { user: 'citizen-1' });
    await h.say('स्थिति DPR-2026-000001', { user: 'citizen-1' });
    await h.say('अपील DPR-2026-000001', { user: 'citizen-1' });

    const request = await outs('citizen-1');
    for (const part of [
      'आपके अनुरोध DPR-2026-000001 की जाँच अब चल रही है।',
      'आपका अनुरोध DPR-2026-000001 हल कर दिया गया है।',
      'आपको अनुरोध DPR-2026-000001 का उत्तर कैसा लगा?',
      'अनुरोध DPR-2026-000001\nस्थिति: ',
      'अनुरोध DPR-2026-000001 पर आपकी अपील दर्ज कर ली गई है',
    ]) expect(request.some((t) => t.includes(part)), part).toBe(true);
    expect(request.filter((t) => t.includes('टिकट DPR-'))).toEqual([]);

    const grievance = await outs('citizen-2');
    expect(grievance.some((t) => t.includes('आपका टिकट GRV-2026-000001 हल कर दिया गया है।'))).toBe(true);
    expect(grievance.filter((t) => t.includes('अनुरोध GRV-'))).toEqual([]);
  }, 60_000);
});
