// Regenerates src/top-pypi-names.ts from a hugovk/top-pypi-packages JSON snapshot
// (`{last_update, rows: [{project, download_count}]}`, e.g. top-pypi-packages-30-days.min.json):
//   node packages/static-signals/scripts/vendor-top-pypi.mjs ../shared/corpus/top-pypi-packages.json [5000]
import { readFileSync, writeFileSync } from 'node:fs';

const [file, limitArg] = process.argv.slice(2);
if (!file) throw new Error('usage: vendor-top-pypi.mjs <top-pypi-packages.json> [limit]');
const limit = Number(limitArg ?? 5000);
const doc = JSON.parse(readFileSync(file, 'utf8'));
const names = doc.rows
  .filter((r) => typeof r.project === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(r.project))
  .sort((a, b) => (b.download_count ?? 0) - (a.download_count ?? 0))
  .slice(0, limit)
  .map((r) => r.project);
const lines = [];
for (let i = 0; i < names.length; i += 12) lines.push(names.slice(i, i + 12).join(' '));
const out = `/**
 * The ${names.length} most downloaded PyPI projects, most downloaded first: hugovk/top-pypi-packages
 * (30-day download counts from the PyPI BigQuery dataset), snapshot of ${doc.last_update}, trimmed by
 * scripts/vendor-top-pypi.mjs. Vendored so the typosquat check needs no file or network at run time.
 */
export const TOP_PYPI_SNAPSHOT = '${String(doc.last_update ?? 'unknown').replace(/'/g, '')}';

export const TOP_PYPI_NAMES: readonly string[] = \`
${lines.join('\n')}
\`.split(/\\s+/).filter(Boolean);
`;
writeFileSync(new URL('../src/top-pypi-names.ts', import.meta.url), out);
console.log(`wrote ${names.length} names (snapshot ${doc.last_update})`);
