import type { Translator } from '../i18n/i18n.ts';
import { flattenKeys, NAMESPACES } from '../i18n/i18n.ts';
import { LANGS } from './session.ts';
import type { ActionRegistry } from './actions/registry.ts';
import { ENGINE_KEYS } from './engine.ts';
import { ENTRY, resolveTarget, STUCK, type FlowSet } from './flow-set.ts';
import type { Step } from './schema.ts';

/** What `session.…` may name (see the engine's sessionView). */
const SESSION_VARS = new Set(['session.lang', 'session.consent', 'session.verified', 'session.verified.level', 'session.verified.principalId']);

export interface Problem {
  code: 'missing_key' | 'extra_key' | 'unknown_action' | 'unknown_exit' | 'bad_target' | 'unreachable' | 'falls_off_end' | 'unknown_var' | 'duplicate_step' | 'missing_start' | 'unknown_option' | 'banned_term';
  where: string;
  message: string;
}

/**
 * Static checks run by `nivaran flows check`, by start-up and by the test suite: every text in
 * both languages, every action known, every target real, every step reachable.
 */
export function inspectFlows(set: FlowSet, actions: ActionRegistry, translator: Translator, hostKeys: readonly string[] = []): Problem[] {
  const problems: Problem[] = [];
  const add = (code: Problem['code'], where: string, message: string) => problems.push({ code, where, message });
  // The engine's own texts and those the host sends (ticket notices) are required like flow texts.
  const usedKeys = new Set<string>([...ENGINE_KEYS, ...hostKeys]);
  const saved = new Set<string>();
  for (const c of set.commands) if (c.do.type === 'call' && c.do.argVar) saved.add(c.do.argVar);
  for (const flow of set.flows.values()) for (const v of flow.def.inputs) saved.add(v);

  const targetOk = (from: string, t: string, where: string) => {
    const p = resolveTarget(from, t);
    if (!set.flows.get(p.flow)?.steps.has(p.step)) add('bad_target', where, `goes to ${t}, which does not exist`);
  };

  for (const [flowId, flow] of set.flows) {
    const ids = new Set<string>();
    for (const step of flow.def.steps) {
      const where = `${flowId}/${step.id}`;
      if (ids.has(step.id)) add('duplicate_step', where, 'step id used twice');
      ids.add(step.id);
      for (const k of keysOf(step)) usedKeys.add(k.includes(':') ? k : `flows:${k}`);
      for (const t of targetsOf(step)) targetOk(flowId, t, where);
      if (step.type === 'ask') saved.add(step.save);
      if (step.type === 'action') {
        if (step.save) saved.add(step.save);
        const def = actions.get(step.action);
        if (!def) add('unknown_action', where, `action "${step.action}" is not registered (known: ${[...actions.keys()].join(', ')})`);
        for (const exit of Object.keys(step.exits ?? {})) {
          if (def && !def.exits.includes(exit)) add('unknown_exit', where, `action "${step.action}" has no exit "${exit}"`);
        }
      }
      const fallsThrough = (step.type === 'say' || step.type === 'ask' || step.type === 'action') && !step.next;
      const isLast = flow.following.get(step.id) === undefined;
      if (fallsThrough && isLast && !(step.type === 'ask' && step.input.kind === 'choice' && step.input.options.every((o) => o.next))) {
        add('falls_off_end', where, 'is the last step but has no "next"; end the flow with an "end" step');
      }
    }
    if (!ids.has(flow.def.start)) add('missing_start', flowId, `start step "${flow.def.start}" does not exist`);
    for (const e of flow.def.entries) if (!ids.has(e)) add('bad_target', flowId, `entry step "${e}" does not exist`);
  }
  for (const c of set.commands) {
    if (c.do.type === 'call' || c.do.type === 'reset') targetOk(ENTRY.flow, c.do.to, `commands/${c.id}`);
  }

  // Variables referenced in params and conditions must be saved somewhere.
  for (const [flowId, flow] of set.flows) {
    for (const step of flow.def.steps) {
      for (const v of varsOf(step)) {
        if (!SESSION_VARS.has(v) && !saved.has(v.split('.')[0]!)) add('unknown_var', `${flowId}/${step.id}`, `uses $${v}, which no step saves`);
      }
    }
  }

  // Reachability from the entry, the stuck step and every command.
  const seen = new Set<string>();
  const queue = [
    ENTRY,
    STUCK,
    ...set.commands.flatMap((c) => (c.do.type === 'call' || c.do.type === 'reset' ? [resolveTarget(ENTRY.flow, c.do.to)] : [])),
    ...[...set.flows.values()].flatMap((f) => f.def.entries.map((step) => ({ flow: f.def.id, step }))),
  ];
  while (queue.length) {
    const pos = queue.pop()!;
    const key = `${pos.flow}/${pos.step}`;
    if (seen.has(key)) continue;
    const flow = set.flows.get(pos.flow);
    const step = flow?.steps.get(pos.step);
    if (!flow || !step) continue;
    seen.add(key);
    for (const t of targetsOf(step)) queue.push(resolveTarget(pos.flow, t));
    const follows = flow.following.get(step.id);
    if (follows && (step.type === 'say' || step.type === 'ask' || step.type === 'action') && !step.next) queue.push({ flow: pos.flow, step: follows });
  }
  for (const [flowId, flow] of set.flows) {
    for (const step of flow.def.steps) {
      if (!seen.has(`${flowId}/${step.id}`)) add('unreachable', `${flowId}/${step.id}`, 'no path leads to this step');
    }
  }

  // Every key used exists in every language; and the languages hold the same keys.
  for (const key of usedKeys) {
    for (const lang of LANGS) {
      if (!translator.has(lang, key)) add('missing_key', key, `missing in locales/${lang}/${key.split(':')[0]}.json`);
    }
  }
  for (const ns of NAMESPACES) {
    const en = new Set(flattenKeys(ns, translator.resources.en[ns]));
    const hi = new Set(flattenKeys(ns, translator.resources.hi[ns]));
    for (const k of en) if (!hi.has(k)) add('missing_key', k, `in locales/en/${ns}.json but missing in locales/hi/${ns}.json`);
    for (const k of hi) if (!en.has(k)) add('extra_key', k, `in locales/hi/${ns}.json but missing in locales/en/${ns}.json`);
  }
  return dedupe(problems);
}

function keysOf(step: Step): string[] {
  const keys: string[] = [];
  const fromParams = (p: Record<string, unknown> | undefined) => {
    for (const v of Object.values(p ?? {})) if (typeof v === 'string' && v.startsWith('t:')) keys.push(v.slice(2));
  };
  switch (step.type) {
    case 'say':
      keys.push(step.text);
      fromParams(step.params);
      break;
    case 'ask':
      keys.push(step.prompt);
      if (step.hint) keys.push(step.hint);
      if (step.input.kind === 'choice') keys.push(...step.input.options.map((o) => o.label));
      fromParams(step.params);
      break;
    case 'end':
      if (step.text) keys.push(step.text);
      fromParams(step.params);
      break;
    default:
      break;
  }
  return keys;
}

function targetsOf(step: Step): string[] {
  switch (step.type) {
    case 'say':
      return step.next ? [step.next] : [];
    case 'ask':
      return [
        ...(step.next ? [step.next] : []),
        ...(step.input.kind === 'choice' ? step.input.options.flatMap((o) => (o.next ? [o.next] : [])) : []),
        ...(step.input.kind === 'otp' ? [step.input.resend] : []),
      ];
    case 'branch':
      return [...step.cases.map((c) => c.goto), step.else];
    case 'action':
      return [...(step.next ? [step.next] : []), ...Object.values(step.exits ?? {})];
    case 'goto':
      return [step.to];
    case 'return':
      return [step.else];
    case 'call':
      return [step.to, step.next];
    case 'end':
      return [];
  }
}

function varsOf(step: Step): string[] {
  const vars: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.startsWith('$')) vars.push(v.slice(1).split('|')[0]!);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  if ('params' in step) walk(step.params);
  if (step.type === 'branch') for (const c of step.cases) vars.push(c.when.var);
  return vars;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.code}|${p.where}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
