import { CURRENT_SPEC_VERSION } from './schema.ts';

/**
 * Forward-only migrations of flow files, one function per specVersion it produces (as goflow
 * does). Each takes the raw JSON of the previous version. None yet: 1.0.0 is the first format.
 */
type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;
const MIGRATIONS: ReadonlyArray<{ from: string; to: string; migrate: Migration }> = [];

export function migrateToCurrent(raw: Record<string, unknown>, source: string): Record<string, unknown> {
  let doc = raw;
  for (;;) {
    const version = doc.specVersion;
    if (version === CURRENT_SPEC_VERSION) return doc;
    const step = MIGRATIONS.find((m) => m.from === version);
    if (!step) {
      throw new Error(
        `${source}: specVersion ${JSON.stringify(version)} cannot be read by this Nivaran (it reads ${CURRENT_SPEC_VERSION}${MIGRATIONS.length ? ` and migrates ${MIGRATIONS.map((m) => m.from).join(', ')}` : ''}).`,
      );
    }
    doc = { ...step.migrate(doc), specVersion: step.to };
  }
}
