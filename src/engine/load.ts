import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../errors.ts';
import { compileFlowSet, type FlowSet } from './flow-set.ts';
import { migrateToCurrent } from './migrations.ts';
import { commandsSchema, flowSchema, type CommandsDefinition, type FlowDefinition } from './schema.ts';

export const COMMANDS_FILE = 'commands.json';

export interface LoadedFlows {
  flows: FlowDefinition[];
  commands: CommandsDefinition;
  set: FlowSet;
}

/** Reads flows/*.json: migrate → validate (zod) → index. Problems name the file and the field. */
export function loadFlows(dir: string): LoadedFlows {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (cause) {
    throw new AppError(ERROR_CODES.FLOW_INVALID, `Cannot read the flows directory ${dir} (FLOWS_DIR).`, { cause });
  }
  const flows: FlowDefinition[] = [];
  let commands: CommandsDefinition | undefined;
  for (const file of files) {
    const full = path.join(dir, file);
    const raw = readJson(full);
    if (file === COMMANDS_FILE) commands = validate(commandsSchema, migrateOrThrow(raw, full), full);
    else {
      const flow = validate(flowSchema, migrateOrThrow(raw, full), full);
      if (flows.some((f) => f.id === flow.id)) throw new AppError(ERROR_CODES.FLOW_INVALID, `${full}: a second flow with id "${flow.id}".`);
      flows.push(flow);
    }
  }
  if (!commands) throw new AppError(ERROR_CODES.FLOW_INVALID, `${dir} has no ${COMMANDS_FILE}.`);
  return { flows, commands, set: compileFlowSet(flows, commands) };
}

function readJson(file: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (cause) {
    throw new AppError(ERROR_CODES.FLOW_INVALID, `${file} is not a valid JSON object: ${(cause as Error).message}`, { cause });
  }
}

function migrateOrThrow(raw: Record<string, unknown>, file: string): Record<string, unknown> {
  try {
    return migrateToCurrent(raw, file);
  } catch (cause) {
    throw new AppError(ERROR_CODES.FLOW_INVALID, (cause as Error).message, { cause });
  }
}

function validate<T>(schema: z.ZodType<T>, raw: unknown, file: string): T {
  // Parsed once, at start: zod's compiled fast path for these schemas costs more to build than it saves (jitless).
  const r = schema.safeParse(raw, { jitless: true });
  if (r.success) return r.data;
  throw new AppError(ERROR_CODES.FLOW_INVALID, `${file} is not a valid flow:\n${z.prettifyError(r.error)}`);
}
