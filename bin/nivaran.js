#!/usr/bin/env node
// Runs Nivaran from its TypeScript sources with no build step between `npm ci` and `npm start`:
// esbuild bundles src/ into node_modules/.cache/nivaran/<key>/ and plain Node runs the bundle, so
// no TypeScript loader thread costs memory or start-up time. Where that cache cannot be written,
// tsx compiles the sources in place instead.
//
// The pure-JavaScript dependencies are bundled too: loading them from node_modules, hundreds of
// small files each resolved, read and compiled one by one, took most of `nivaran start`'s time.
// What cannot be bundled stays external (see EXTERNAL). Because the bundle then holds dependency
// code, its key covers the installed dependencies (the lockfiles) as well as the sources.
//
// The key is a hash of the sources' content (and of this launcher, esbuild's version and the
// lockfiles), never of modification times: a copy made with `cp -a`, an rsync or a tarball of
// older files, or a `git restore` all keep old times on changed code. The bundle holds no path of its own: this
// launcher tells it where the project is at run time, so a moved or copied project, or two
// checkouts sharing one node_modules, each read their own flows, texts and calendars.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'src', 'cli', 'main.ts');
const cacheDir = path.join(root, 'node_modules', '.cache', 'nivaran');
/** Bundles of other source versions kept beside the newest, for processes still running them. */
const KEEP_OTHER_BUNDLES = 4;
/**
 * A bundle run from within this long is kept whatever their number: a process started from it may
 * still load one of its chunks (the desk at start; the mail, file-type or grammY code at first use),
 * and several checkouts sharing one node_modules build many versions in a day.
 */
const KEEP_RUN_WITHIN_MS = 24 * 60 * 60 * 1000;
/**
 * Dependencies loaded from node_modules at run time rather than bundled: native addons (they load
 * a compiled .node file found from their own folder), and packages only ever loaded on demand with
 * their own large trees (whatsapp-web.js drives a browser through puppeteer; pg only with
 * DATABASE_URL, and it looks for an optional native pg-native).
 *
 * A bundled CommonJS package loaded with import() shows only its default export (esbuild splits it
 * into a chunk of its own), so src/ loads such packages lazily through a module of its own that
 * imports them statically (src/security/zxcvbn.ts, src/channels/telegram/bot-api.ts).
 */
const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', 'pg', 'whatsapp-web.js'];
/**
 * Bundled packages that read files of their own folder when running, through __dirname (the API
 * docs' UI serves its static files and logo from there, @fastify/swagger reads its package.json).
 * In the bundle each of their modules gets the __dirname it has in node_modules, found at run
 * time, so the bundle still holds no path of its own.
 */
const OWN_FOLDER = ['@fastify/swagger', '@fastify/swagger-ui'];

/** The esbuild plugin that gives OWN_FOLDER's modules their folder in node_modules. */
const ownFolder = {
  name: 'own-folder',
  setup(b) {
    const names = OWN_FOLDER.map((n) => n.replace(/[/.]/g, (c) => `\\${c}`)).join('|');
    b.onLoad({ filter: new RegExp(`[\\\\/]node_modules[\\\\/](${names})[\\\\/].*\\.c?js$`) }, (args) => {
      const parts = args.path.split(/[\\/]/);
      const at = parts.lastIndexOf('node_modules');
      const name = parts[at + 1].startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
      const inside = parts.slice(at + 1 + name.split('/').length, -1).join('/');
      const dir = `require('node:path').join(require('node:path').dirname(require.resolve(${JSON.stringify(`${name}/package.json`)})), ${JSON.stringify(inside)})`;
      const code = fs.readFileSync(args.path, 'utf8');
      if (!code.includes('__dirname')) return undefined;
      // After a leading 'use strict', which must stay the module's first statement.
      const strict = /^\s*(['"])use strict\1;?/.exec(code)?.[0] ?? '';
      return { contents: `${strict};var __dirname = ${dir};\n${code.slice(strict.length)}`, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};
/**
 * What the installed dependencies are: npm's record of node_modules (written by every `npm ci` or
 * `npm install`) and the project's lockfile. A bundle holds dependency code, so a changed
 * dependency must mean a new bundle; a missing file counts as such, never as an error.
 */
const lockFiles = [path.join(root, 'node_modules', '.package-lock.json'), path.join(root, 'package-lock.json')];

/** Every file under src/, in a stable order, with its path relative to the project. */
function sourceFiles(dir, out = []) {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(full, out);
    else out.push(full);
  }
  return out;
}

function contentKey(files) {
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  hash.update(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version);
  for (const file of lockFiles) {
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : 'missing');
    hash.update('\0');
  }
  for (const file of files) {
    hash.update(path.relative(root, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

/**
 * The content key of the sources, without reading them when nothing was written since the last
 * run: a file's ctime changes on every write and cannot be set back by cp -a, rsync, tar or git
 * (unlike its mtime), so an unchanged (path, inode, size, mtime, ctime) list means unchanged
 * content. The list is remembered per project folder, the key it maps to is the content's.
 */
function sourceKey() {
  const files = sourceFiles(path.join(root, 'src'));
  const launcher = fileURLToPath(import.meta.url);
  const stats = [launcher, ...lockFiles, ...files].map((f) => {
    const st = fs.statSync(f, { bigint: true, throwIfNoEntry: false });
    return st ? `${f}|${st.ino}|${st.size}|${st.mtimeNs}|${st.ctimeNs}` : `${f}|missing`;
  });
  const fingerprint = crypto.createHash('sha256').update(stats.join('\n')).digest('hex');
  const memo = path.join(cacheDir, 'stat-keys', `${crypto.createHash('sha256').update(root).digest('hex').slice(0, 16)}.json`);
  try {
    const seen = JSON.parse(fs.readFileSync(memo, 'utf8'));
    if (seen.fingerprint === fingerprint && typeof seen.key === 'string') return { key: seen.key, remember() {} };
  } catch {
    // No memo yet, or an unreadable one: hash the content.
  }
  const key = contentKey(files);
  return {
    key,
    remember() {
      fs.mkdirSync(path.dirname(memo), { recursive: true });
      const tmp = `${memo}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ fingerprint, key }));
      fs.renameSync(tmp, memo);
    },
  };
}

/** Removes all but the newest few bundles of other source versions (not the memo, nor src/yaml-file.ts's parsed files). */
function pruneOldBundles(current) {
  const others = fs.readdirSync(cacheDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== current && e.name !== 'stat-keys' && e.name !== 'yaml')
    // Another launcher may remove one meanwhile.
    .map((e) => ({ dir: path.join(cacheDir, e.name), at: fs.statSync(path.join(cacheDir, e.name), { throwIfNoEntry: false })?.mtimeMs }))
    .filter((b) => b.at !== undefined)
    .sort((a, b) => b.at - a.at);
  const now = Date.now();
  for (const old of others.slice(KEEP_OTHER_BUNDLES)) {
    if (now - old.at > KEEP_RUN_WITHIN_MS) fs.rmSync(old.dir, { recursive: true, force: true });
  }
}

/** Marks a bundle as run now (its folder's time), so pruning keeps it while it may be in use. */
function markRun(dir) {
  try {
    const now = new Date();
    fs.utimesSync(dir, now, now);
  } catch {
    // A read-only cache: nothing is pruned from it either.
  }
}

async function load() {
  try {
    const { key, remember } = sourceKey();
    const bundle = path.join(cacheDir, key, 'nivaran.mjs');
    if (!fs.existsSync(bundle)) {
      const { build } = await import('esbuild');
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        plugins: [ownFolder],
        // Development dependencies are absent from a production install (`npm ci --omit=dev`):
        // only the bench loads them, on demand, so the bundle leaves them to Node.
        external: [...EXTERNAL, ...Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies ?? {})],
        // Bundled CommonJS dependencies call require() for Node's own modules; an ES module has
        // no require of its own, so each chunk gets one.
        banner: { js: "import { createRequire as __nivaranCreateRequire } from 'node:module'; const require = __nivaranCreateRequire(import.meta.url);" },
        // Code loaded with import() (the officers' desk and its web server) goes into its own
        // chunk, so commands that never start the desk do not load it.
        splitting: true,
        outdir: path.dirname(bundle),
        // Paths in the bundle's comments and maps relative to the project, whoever runs it from where.
        absWorkingDir: root,
        entryNames: 'nivaran',
        chunkNames: 'chunk-[hash]',
        outExtension: { '.js': '.mjs' },
        write: false,
        // Linked, not inline: Node reads a map only when run with --enable-source-maps, while an
        // inline map is read, scanned and kept in memory with the code by every run.
        sourcemap: 'linked',
        sourcesContent: false,
        logLevel: 'error',
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
      pruneOldBundles(key);
    }
    markRun(path.dirname(bundle));
    try {
      remember();
    } catch {
      // A memo that cannot be written (a read-only or another user's cache holding this bundle
      // already) only means hashing the sources again next time; the bundle itself is sound.
    }
    globalThis.__NIVARAN_ROOT__ = root;
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

// V8 lets the old generation grow to several times its live size between full collections and
// keeps those pages while the process idles: 220 MB instead of 170 MB after 10,000 conversations
// (docs/performance.md, "Memory: what it consists of"). `npm start`, the container and the systemd
// unit pass this flag with the others; set here too, it also holds for `npx nivaran start` or a
// process manager that runs this file directly. Unlike the semi-space size, this flag takes effect
// at run time. A value given on the command line or in NODE_OPTIONS is left as it is.
if (![...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--heap-growing-percent'))) {
  v8.setFlagsFromString('--heap-growing-percent=25');
}

const { main, reportFatal } = await load();
let code;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  code = reportFatal(err);
}
process.exitCode = code;
