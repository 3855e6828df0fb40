import { describe, expect, it } from 'vitest';
import { inspectFlows } from '../../src/engine/inspect.ts';
import { compileFlowSet } from '../../src/engine/flow-set.ts';
import { Translator } from '../../src/i18n/i18n.ts';
import type { FlowDefinition } from '../../src/engine/schema.ts';
import { memoryEngine } from '../helpers/memory-engine.ts';

describe('flows check', () => {
  it('passes on the shipped flows and texts', () => {
    const { content } = memoryEngine();
    expect(inspectFlows(content.flows.set, content.actions, content.translator)).toEqual([]);
  });

  it('names a key missing in Hindi, an unknown action, a bad target and an unreachable step', () => {
    const { content } = memoryEngine();
    const res = structuredClone(content.translator.resources);
    delete (res.hi.flows.grievance as Record<string, unknown>).ask_confirm;
    const translator = new Translator(res, { en: {}, hi: {} });
    const flows: FlowDefinition[] = content.flows.flows.map((f) =>
      f.id !== 'status' ? f : {
        ...f,
        steps: [
          ...f.steps.slice(0, -1),
          { id: 'ping', type: 'action', action: 'send_fax', params: {}, next: 'done' },
          { id: 'orphan', type: 'say', text: 'status.ask_ref', next: 'nowhere' },
          f.steps.at(-1)!,
        ],
      },
    );
    const problems = inspectFlows(compileFlowSet(flows, content.flows.commands), content.actions, translator);
    const lines = problems.map((p) => `${p.code} ${p.where}`);
    expect(lines).toContain('missing_key flows:grievance.ask_confirm');
    expect(lines).toContain('unknown_action status/ping');
    expect(lines).toContain('bad_target status/orphan');
    expect(lines).toContain('unreachable status/orphan');
  });
});
