import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** One labelled sample: a local archive or a registry spec. */
export interface Sample {
  id: string;
  ecosystem: 'npm' | 'pypi';
  label: 'malicious' | 'benign';
  /** `npm:<name@version>` or a local file path. */
  target: string;
  /** The package name the split is computed from (registry name, or the manifest's `package`). */
  name: string;
}

/**
 * Reads a corpus file: a `manifest.json` of local samples (`[{file, package, label, ecosystem}]`, `file`
 * relative to the manifest, as in ../shared/corpus, or to a cache outside git such as `.airlock/corpora`)
 * or a list of registry packages (`[{name, version}]`, labelled benign unless `label` says otherwise).
 * A local sample with a `sha256` must be that file: a missing or different file is an error here, before
 * anything runs, not an error row per sample.
 */
export function loadCorpus(path: string): Sample[] {
  const abs = resolve(path);
  const data = JSON.parse(readFileSync(abs, 'utf8')) as unknown;
  if (!Array.isArray(data)) throw new Error(`${path}: expected a JSON array of samples`);
  return data.map((entry: Record<string, unknown>, i): Sample => {
    const label = entry.label === 'malicious' ? 'malicious' : entry.label === 'benign' || entry.label === undefined ? 'benign' : null;
    if (!label) throw new Error(`${path}[${i}]: label must be malicious or benign`);
    if (typeof entry.file === 'string') {
      const ecosystem = entry.ecosystem === 'npm' ? 'npm' : 'pypi';
      const name = typeof entry.package === 'string' ? entry.package : entry.file;
      const target = join(dirname(abs), entry.file);
      if (typeof entry.sha256 === 'string') checkSha256(target, entry.sha256, `${path}[${i}]`);
      // The id is the path as the manifest gives it; a file in a cache outside the manifest's folder
      // (`../../.airlock/corpora/...`) is named by its file name alone, which does not depend on where the cache is.
      const id = entry.file.startsWith('../') ? basename(entry.file) : entry.file;
      return { id: `${ecosystem}:${id}`, ecosystem, label, target, name };
    }
    if (typeof entry.name === 'string' && typeof entry.version === 'string') {
      return {
        id: `npm:${entry.name}@${entry.version}`,
        ecosystem: 'npm',
        label,
        target: `npm:${entry.name}@${entry.version}`,
        name: entry.name,
      };
    }
    throw new Error(`${path}[${i}]: needs "file" (local sample) or "name" and "version" (npm registry)`);
  });
}

/** A cached corpus file is the one the list was made from (files outside git can go missing or change). */
function checkSha256(file: string, expected: string, where: string): void {
  if (!existsSync(file)) throw new Error(`${where}: ${file} is missing; make it with the script named in test/corpora/README.md`);
  const actual = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (actual !== expected.toLowerCase()) throw new Error(`${where}: ${file} has sha256 ${actual}, the list pins ${expected}`);
}

export type Split = 'train' | 'test' | 'all';

/**
 * The split rule, written into every learned baseline's provenance: the first byte of
 * sha256(`airlock-split-v1:` + package name) below 128 is `train`, else `test`. By name, not version,
 * so a version bump never moves a package across; the same name in two corpora lands on the same side.
 */
export const SPLIT_RULE = 'sha256("airlock-split-v1:" + package name)[0] < 128 ? train : test';

export function splitOf(name: string): 'train' | 'test' {
  const first = createHash('sha256').update(`airlock-split-v1:${name}`).digest()[0]!;
  return first < 128 ? 'train' : 'test';
}

/**
 * Keeps the samples of one split. Only benign samples are split (the baseline is learned from them);
 * malicious samples are never learned from, so they are kept whole whatever the split.
 */
export function selectSplit(samples: readonly Sample[], split: Split): Sample[] {
  if (split === 'all') return [...samples];
  return samples.filter((s) => s.label === 'malicious' || splitOf(s.name) === split);
}
