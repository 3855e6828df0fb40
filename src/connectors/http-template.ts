import { AppError, ERROR_CODES } from '../errors.ts';

/**
 * `https://crm.example/x?mobile={mobile}` with each placeholder URL-encoded; a placeholder with no
 * value becomes empty. Header values `env:NAME` are read from the environment here, so secrets
 * never sit in the profile file.
 */
export function fillUrl(template: string, values: Record<string, string | null | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(values[k] ?? ''));
}

export function resolveHeaders(headers: Record<string, string>, where: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!value.startsWith('env:')) {
      out[name] = value;
      continue;
    }
    const variable = value.slice(4);
    const secret = env[variable];
    if (!secret) throw new AppError(ERROR_CODES.CONFIG_INVALID, `${where}: header ${name} reads the environment variable ${variable}, which is not set.`);
    out[name] = secret;
  }
  return out;
}
