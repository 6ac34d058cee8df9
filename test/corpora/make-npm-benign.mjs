// Makes test/corpora/npm-benign.json by the rule in test/corpora/README.md ("npm-benign.json"), written
// before any of its packages ran: the first TOP names of npm-high-impact's download order, plus every
// name among the first SCAN that runs code at install (preinstall/install/postinstall or gypfile),
// leaving out names already pinned in ../shared/corpus/npm-benign-dev.json or npm-install-scripts.json.
// Registry reads: one `latest` manifest per scanned name and one tarball download per chosen package
// (for its sha256, checked against the registry's sha512 integrity), both cached under
// .airlock/corpora/ so a rerun reads nothing it already has. No package code runs: tarballs are hashed,
// never unpacked. Usage: node test/corpora/make-npm-benign.mjs [--top 1000] [--scan 5000]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmTopDownloads } from 'npm-high-impact';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../..');
const arg = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const TOP = arg('--top', 1000);
const SCAN = arg('--scan', 5000);
const REGISTRY = 'https://registry.npmjs.org';
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];
const OUT = resolve(here, 'npm-benign.json');
const CACHE = resolve(root, '.airlock/corpora/npm-benign-cache.json');

const kept = [resolve(root, '../shared/corpus/npm-benign-dev.json'), resolve(here, 'npm-install-scripts.json')];
const alreadyPinned = new Map();
for (const file of kept) for (const e of JSON.parse(readFileSync(file, 'utf8'))) alreadyPinned.set(e.name, file);

const cache = existsSync(CACHE) ? JSON.parse(readFileSync(CACHE, 'utf8')) : { manifests: {}, tarballs: {} };
const saveCache = () => {
  mkdirSync(dirname(CACHE), { recursive: true });
  writeFileSync(CACHE, JSON.stringify(cache));
};

/** The fields of a `latest` manifest the rule and the pin need, or `{error}`. */
async function manifest(name) {
  if (cache.manifests[name]) return cache.manifests[name];
  const res = await fetch(`${REGISTRY}/${name.replace('/', '%2f')}/latest`, { headers: { accept: 'application/json' } });
  let m;
  if (!res.ok) m = { error: `HTTP ${res.status}` };
  else {
    const doc = await res.json();
    const scripts = Object.fromEntries(Object.entries(doc.scripts ?? {}).filter(([k]) => INSTALL_SCRIPTS.includes(k)));
    m = {
      version: doc.version,
      scripts,
      gypfile: doc.gypfile === true,
      tarball: doc.dist?.tarball,
      integrity: doc.dist?.integrity,
      ...(doc.deprecated ? { deprecated: String(doc.deprecated).slice(0, 200) } : {}),
    };
  }
  cache.manifests[name] = m;
  return m;
}

/** sha256 of the tarball, after checking its sha512 against the manifest's integrity. */
async function tarballSha256(name, m) {
  const key = `${name}@${m.version}`;
  if (cache.tarballs[key]) return cache.tarballs[key];
  const res = await fetch(m.tarball);
  if (!res.ok) throw new Error(`${key}: tarball HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  const sri = `sha512-${createHash('sha512').update(body).digest('base64')}`;
  if (m.integrity && m.integrity.startsWith('sha512-') && m.integrity !== sri) throw new Error(`${key}: tarball does not match the registry's integrity`);
  cache.tarballs[key] = createHash('sha256').update(body).digest('hex');
  return cache.tarballs[key];
}

/** Runs `fn` over `items` with `n` at a time, in order of start. */
async function pool(items, n, fn) {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
        if (++done % 250 === 0) {
          process.stdout.write(`  ${done}/${items.length}\n`);
          saveCache();
        }
      }
    }),
  );
  saveCache();
}

const scanned = npmTopDownloads.slice(0, SCAN);
process.stdout.write(`npm-high-impact npmTopDownloads: ${npmTopDownloads.length} names; reading the latest manifest of the first ${scanned.length}\n`);
await pool(scanned, 12, (name) => manifest(name).catch((err) => (cache.manifests[name] = { error: String(err.message) })));

const chosen = [];
const skipped = [];
let topTaken = 0;
scanned.forEach((name, rank) => {
  const m = cache.manifests[name];
  const why = [];
  const runsAtInstall = m && !m.error && (Object.keys(m.scripts).length > 0 || m.gypfile);
  if (rank < SCAN && runsAtInstall) why.push(`runs code at install (${Object.keys(m.scripts).join(', ') || 'gypfile'}) among the top ${SCAN} by downloads`);
  const inTop = topTaken < TOP && !alreadyPinned.has(name);
  if (inTop) why.unshift(`top ${TOP} by downloads (rank ${rank + 1})`);
  if (!why.length) return;
  if (alreadyPinned.has(name)) return skipped.push(`${name}: already pinned in ${alreadyPinned.get(name).replace(`${root}/`, '')}`);
  if (!m || m.error) return skipped.push(`${name}: latest manifest unreadable (${m?.error ?? 'no answer'})`);
  if (inTop) topTaken++;
  chosen.push({ name, version: m.version, rank: rank + 1, why: why.join('; '), m });
});

process.stdout.write(`chosen ${chosen.length} (top: ${topTaken}; install-time code only: ${chosen.length - chosen.filter((c) => c.why.startsWith('top')).length}); hashing tarballs\n`);
const entries = [];
await pool(chosen, 8, async (c) => {
  try {
    const sha256 = await tarballSha256(c.name, c.m);
    entries.push({
      name: c.name,
      version: c.version,
      sha256,
      integrity: c.m.integrity,
      rank: c.rank,
      why: c.why,
      ...(Object.keys(c.m.scripts).length ? { scripts: c.m.scripts } : {}),
      ...(c.m.gypfile ? { gypfile: true } : {}),
    });
  } catch (err) {
    skipped.push(`${c.name}@${c.version}: ${err.message}`);
  }
});
entries.sort((a, b) => a.rank - b.rank);
writeFileSync(OUT, `${JSON.stringify(entries, null, 1)}\n`);
process.stdout.write(`wrote ${entries.length} packages to ${OUT.replace(`${root}/`, '')}\nleft out (${skipped.length}):\n${skipped.map((s) => `  ${s}`).join('\n')}\n`);
