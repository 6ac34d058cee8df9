import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** One labelled sample: a local archive or a registry spec. */
export interface Sample {
  id: string;
  ecosystem: 'npm' | 'pypi';
  label: 'malicious' | 'benign';
  /** `npm:<name@version>` or a local file path. */
  target: string;
}

/**
 * Reads a corpus file: a `manifest.json` of local samples (`[{file, package, label, ecosystem}]`, files
 * beside it) or a list of registry packages (`[{name, version}]`, labelled benign unless `label` says
 * otherwise), as in ../shared/corpus.
 */
export function loadCorpus(path: string): Sample[] {
  const abs = resolve(path);
  const data = JSON.parse(readFileSync(abs, 'utf8')) as unknown;
  if (!Array.isArray(data)) throw new Error(`${path}: expected a JSON array of samples`);
  return data.map((entry: Record<string, unknown>, i) => {
    const label = entry.label === 'malicious' ? 'malicious' : entry.label === 'benign' || entry.label === undefined ? 'benign' : null;
    if (!label) throw new Error(`${path}[${i}]: label must be malicious or benign`);
    if (typeof entry.file === 'string') {
      const ecosystem = entry.ecosystem === 'npm' ? 'npm' : 'pypi';
      return { id: `${ecosystem}:${entry.file}`, ecosystem, label, target: join(dirname(abs), entry.file) };
    }
    if (typeof entry.name === 'string' && typeof entry.version === 'string') {
      return { id: `npm:${entry.name}@${entry.version}`, ecosystem: 'npm', label, target: `npm:${entry.name}@${entry.version}` };
    }
    throw new Error(`${path}[${i}]: needs "file" (local sample) or "name" and "version" (npm registry)`);
  });
}
