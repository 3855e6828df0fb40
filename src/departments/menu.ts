import { AppError, ERROR_CODES } from '../errors.ts';
import { compileFlowSet } from '../engine/flow-set.ts';
import type { LoadedFlows } from '../engine/load.ts';
import type { Resources } from '../i18n/i18n.ts';
import { LANGS } from '../engine/session.ts';
import type { Departments } from './departments.ts';

/** The question whose options are the grievance categories: replaced by the departments' categories. */
export const CATEGORY_STEP = { flow: 'grievance', step: 'ask_category' } as const;

/**
 * Where the profile declares departments, the grievance category menu lists what they answer
 * (and nothing else), in the profile's order. The flow's own options stay the menu of an install
 * without departments. Returns the flows unchanged when there are no departments.
 *
 * @throws AppError FLOW_INVALID when the flows have no category question to fill
 */
export function withCategoryMenu(flows: LoadedFlows, departments: Departments): LoadedFlows {
  if (!departments.declared) return flows;
  let found = false;
  const defs = flows.flows.map((f) => {
    if (f.id !== CATEGORY_STEP.flow) return f;
    return {
      ...f,
      steps: f.steps.map((s) => {
        if (s.id !== CATEGORY_STEP.step || s.type !== 'ask' || s.input.kind !== 'choice') return s;
        found = true;
        const options = departments.categories().map((c) => ({ id: c.id, label: `${CATEGORY_STEP.flow}.category.${c.id}` }));
        return { ...s, input: { ...s.input, options } };
      }),
    };
  });
  if (!found) {
    throw new AppError(
      ERROR_CODES.FLOW_INVALID,
      `The profile declares departments, but the flows have no choice question ${CATEGORY_STEP.flow}/${CATEGORY_STEP.step} to list their grievance categories in.`,
    );
  }
  return { flows: defs, commands: flows.commands, set: compileFlowSet(defs, flows.commands) };
}

/**
 * The profile's names for its categories, as the flow texts the menu and the summary use
 * (`grievance.category.<id>`); a name given in the profile replaces a shipped one.
 */
export function withCategoryTexts(resources: Resources, departments: Departments): Resources {
  if (!departments.declared) return resources;
  for (const lang of LANGS) {
    const flows = resources[lang].flows as Record<string, Record<string, unknown>>;
    const grievance = (flows.grievance ??= {});
    const category = { ...((grievance.category as Record<string, unknown> | undefined) ?? {}) };
    for (const c of departments.categories()) category[c.id] = c.name[lang];
    grievance.category = category;
  }
  return resources;
}

/**
 * The desk's texts about departments live in `locales/{en,hi}/departments.json` under `desk`, and join
 * the desk's own namespace here, so its pages say them as they say every other desk text.
 * A key the desk already has is left as it is.
 */
export function withDeskTexts(resources: Resources): Resources {
  for (const lang of LANGS) {
    const extra = (resources[lang].departments as Record<string, unknown>).desk;
    if (extra && typeof extra === 'object') resources[lang].desk = mergeMissing(resources[lang].desk, extra as Record<string, unknown>);
  }
  return resources;
}

function mergeMissing(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...into };
  for (const [k, v] of Object.entries(from)) {
    const have = out[k];
    if (v && typeof v === 'object' && have && typeof have === 'object') out[k] = mergeMissing(have as Record<string, unknown>, v as Record<string, unknown>);
    else if (have === undefined) out[k] = v;
  }
  return out;
}
