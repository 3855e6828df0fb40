import { z } from 'zod';
import { AppError, ERROR_CODES } from '../errors.ts';
import { parseYamlFile } from '../yaml-file.ts';
import { profileSchema, resolvePolicies, type Profile, type ProfileDepartment } from './schema.ts';

/** Reads and validates the profile YAML; every problem names the file and the field. */
export function loadProfile(file: string): Profile {
  let raw: unknown;
  try {
    raw = parseYamlFile(file);
  } catch (cause) {
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `Cannot read the organisation profile ${file} (PROFILE_FILE): ${(cause as Error).message}`, { cause });
  }
  // Parsed once, at start: zod's compiled fast path for these schemas costs more to build than it saves (jitless).
  const parsed = profileSchema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `The organisation profile ${file} (PROFILE_FILE) is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  const { policies, error } = resolvePolicies(parsed.data.policies);
  if (!policies) throw new AppError(ERROR_CODES.CONFIG_INVALID, `The organisation profile ${file} (PROFILE_FILE) is invalid: ${error}`);
  // Resolved here, once: the departments are built from these (`Departments.fromProfile`).
  const departments = parsed.data.departments?.map((d): ProfileDepartment => {
    if (!d.policies) return { ...d, policies: undefined };
    // Kind by kind, a department falls back on the organisation's resolved policy.
    const r = resolvePolicies({ ...policies, ...d.policies });
    if (!r.policies) throw new AppError(ERROR_CODES.CONFIG_INVALID, `The organisation profile ${file} (PROFILE_FILE) is invalid: departments.${d.id}.${r.error}`);
    return { ...d, policies: r.policies };
  });
  return Object.freeze({ ...parsed.data, policies, departments });
}
