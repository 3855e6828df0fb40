#!/usr/bin/env node
// Runs Nivaran from its TypeScript sources with no build step between `npm ci` and `npm start`:
// esbuild bundles src/ into node_modules/.cache/nivaran (~70 ms, only when a source changed) and
// plain Node runs the bundle, so no TypeScript loader thread costs memory or start-up time.
// Where that cache cannot be written, tsx compiles the sources in place instead.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'src', 'cli', 'main.ts');
const bundle = path.join(root, 'node_modules', '.cache', 'nivaran', 'nivaran.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

async function load() {
  try {
    const built = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
    if (built < newestSource(path.join(root, 'src'))) {
      const { build } = await import('esbuild');
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        // Code loaded with import() (the officers' desk and its web server) goes into its own
        // chunk, so commands that never start the desk do not load it.
        splitting: true,
        outdir: path.dirname(bundle),
        entryNames: 'nivaran',
        chunkNames: 'chunk-[hash]',
        outExtension: { '.js': '.mjs' },
        write: false,
        sourcemap: 'inline',
        logLevel: 'error',
        define: { 'process.env.NIVARAN_ROOT': JSON.stringify(root) },
      });
      // Chunks are named by their content hash, so writing them cannot disturb a running process;
      // the entry is written beside and renamed last, so a process starting at the same moment
      // never reads half a file or an entry whose chunks are missing.
      fs.mkdirSync(path.dirname(bundle), { recursive: true });
      const entryFile = result.outputFiles.find((f) => path.resolve(f.path) === path.resolve(bundle));
      for (const f of result.outputFiles) {
        if (f === entryFile || fs.existsSync(f.path)) continue;
        const tmp = `${f.path}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, f.contents);
        fs.renameSync(tmp, f.path);
      }
      const tmp = `${bundle}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, entryFile.contents);
      fs.renameSync(tmp, bundle);
    }
    return await import(pathToFileURL(bundle).href);
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err && ['EACCES', 'EROFS', 'EPERM'].includes(err.code)) {
      const { register } = await import('tsx/esm/api');
      register();
      return import(pathToFileURL(entry).href);
    }
    throw err;
  }
}

const { main, reportFatal } = await load();
let code;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  code = reportFatal(err);
}
process.exitCode = code;
