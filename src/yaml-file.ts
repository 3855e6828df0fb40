import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PACKAGE_ROOT } from './config.ts';

/**
 * What a YAML file (the profile, flows/intents.yaml, the glossary) holds, parsed as `YAML.parse`
 * parses it. Parsing them took a large share of `nivaran start` (the yaml library is slow on
 * first use, and loading it costs as much again), so each result is also kept as JSON in
 * node_modules/.cache/nivaran/yaml/, named by a hash of the file's content and the yaml library's
 * version: an edited file, or another version of the library, is parsed again. Only values JSON
 * keeps exactly are kept (not `.inf` or `.nan`, for example); a file that does not parse is never
 * kept, so its error is reported by the parser every time. A cache that cannot be written or read
 * only means parsing.
 */
export function parseYamlFile(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  const key = crypto.createHash('sha256').update(yamlVersion()).update('\0').update(text).digest('hex').slice(0, 32);
  const kept = path.join(CACHE_DIR, `${key}.json`);
  try {
    return JSON.parse(fs.readFileSync(kept, 'utf8')) as unknown;
  } catch {
    // Not kept yet (or unreadable): parse it.
  }
  const value: unknown = yaml().parse(text);
  if (jsonExact(value)) {
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = `${kept}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(value));
      fs.renameSync(tmp, kept);
    } catch {
      // A read-only or full disk: parse again next time.
    }
  }
  return value;
}

const CACHE_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'nivaran', 'yaml');
// Loaded from node_modules when a file is not in the cache, so a start with every file cached
// never loads the library at all.
const requireHere = createRequire(import.meta.url);
let version: string | undefined;

function yaml(): typeof import('yaml') {
  return requireHere('yaml') as typeof import('yaml');
}

function yamlVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(requireHere.resolve('yaml/package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** True when JSON.stringify then JSON.parse gives back an equal value. */
function jsonExact(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(jsonExact);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.entries(v).every(([k, x]) => k !== '__proto__' && jsonExact(x));
  }
  return false;
}
