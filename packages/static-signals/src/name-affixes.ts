/**
 * Prefixes and suffixes that squatters add to or drop from popular names (`expressjs`, `node-lodash`,
 * `python3-dateutil` for python-dateutil, `dateutil`). A name's "cores" are the name itself and the
 * name with one known affix removed; two different names sharing a core are an affix confusion.
 */
import type { Ecosystem } from './signal.js';

const AFFIXES: Record<Ecosystem, { prefixes: readonly string[]; suffixes: readonly string[] }> = {
  npm: {
    prefixes: ['node-', 'nodejs-', 'js-'],
    suffixes: ['-js', '.js', 'js', '-node', '-nodejs', '-dev', '-cli', '-lib'],
  },
  pypi: {
    prefixes: ['python-', 'python3-', 'python2-', 'py-', 'py', 'python'],
    suffixes: ['-python', '-python3', '-py', 'py', '-dev', '-lib', '3', '2'],
  },
};

/** Cores shorter than this are too generic to mean anything (`num` from `numpy`). */
export const MIN_CORE_LENGTH = 4;

/** The name with one known affix removed, for each affix it carries (the name itself not included). */
export function affixCores(ecosystem: Ecosystem, name: string): string[] {
  const { prefixes, suffixes } = AFFIXES[ecosystem];
  const cores = new Set<string>();
  for (const p of prefixes) if (name.startsWith(p)) cores.add(name.slice(p.length));
  for (const s of suffixes) if (name.endsWith(s)) cores.add(name.slice(0, -s.length));
  return [...cores].filter((c) => c.length >= MIN_CORE_LENGTH && /^[a-z0-9]/.test(c) && /[a-z0-9]$/.test(c));
}
