// Copies an `airlock eval` results file into test/corpora/results/ for the repository: the rows without
// this machine's report paths (the reports stay in .airlock/artifacts; failedPhases and learnable filled from them), sorted by id so a later chunk
// diffs as added rows, and prints the summary table (rates with 95% Wilson intervals) of what is in it.
// Usage: node test/corpora/export-results.mjs <results.json> <name>   (writes results/<name>.json)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary } from '../../apps/cli/dist/eval/eval-command.js';
import { failedPhasesOf, learnableOf, loadReport } from '../../apps/cli/dist/eval/runner.js';

const [from, name] = process.argv.slice(2);
if (!from || !name || !/^[\w.-]+$/.test(name)) {
  process.stderr.write('usage: node test/corpora/export-results.mjs <results.json> <name>\n');
  process.exit(2);
}
// Rows written before `failedPhases` or `learnable` existed get them from their kept report, as a resumed
// eval would (`learnable`: what `airlock baseline learn` needs once the reports are gone).
const results = JSON.parse(readFileSync(from, 'utf8')).results.map((row) => {
  const report = row.failedPhases === undefined || row.learnable === undefined ? loadReport(row) : null;
  const filled = report
    ? { ...row, failedPhases: row.failedPhases ?? failedPhasesOf(report), learnable: row.learnable ?? learnableOf(report) }
    : row;
  const { reportPath: _local, ...kept } = filled;
  return kept;
});
results.sort((a, b) => a.id.localeCompare(b.id));
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const out = resolve(dir, `${name}.json`);
writeFileSync(out, `${JSON.stringify({ version: 1, exportedAt: new Date().toISOString(), results }, null, 1)}\n`);
process.stdout.write(`${results.length} rows -> ${out}\n\n${summary(results)}\n`);
