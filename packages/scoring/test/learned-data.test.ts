/** The shipped learned baseline: produced by `airlock baseline learn`, checked so a hand edit or a truncated file fails here. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { baselineFromFile, isBaselineFile, LEARNED_BASELINE_FILES, type BaselineFile } from '../src/index.js';

/** Every shipped file is checked; npm's must ship (PyPI's ships once learned: absent, PyPI scores with the control run). */
const shipped = Object.entries(LEARNED_BASELINE_FILES)
  .map(([ecosystem, url]) => ({ ecosystem, path: fileURLToPath(url) }))
  .filter(({ ecosystem, path }) => ecosystem === 'npm' || existsSync(path));

describe.each(shipped)('data/baseline-$ecosystem.json', ({ ecosystem, path }) => {
  it('exists where the pipeline looks for it and has the learned-file shape', () => {
    expect(path.endsWith(`packages/scoring/data/baseline-${ecosystem}.json`)).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(isBaselineFile(JSON.parse(readFileSync(path, 'utf8')))).toBe(true);
  });

  const file = JSON.parse(readFileSync(path, 'utf8')) as BaselineFile;

  it('was learned from the train split with its provenance recorded', () => {
    const p = file.provenance;
    expect(file.ecosystem).toBe(ecosystem);
    expect(p.split.name).toBe('train');
    expect(p.split.rule).toMatch(/^sha256\("airlock-split-v1:" \+ package name\)/);
    expect(p.command).toMatch(/^airlock baseline learn /);
    expect(p.corpora.length).toBeGreaterThan(0);
    for (const c of p.corpora) expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(p.createdAt))).toBe(false);
    expect(p.runs.ok).toBeGreaterThan(0);
    expect(p.runs.ok + p.runs.failed.length).toBe(p.split.samples);
    expect(p.images.reduce((n, i) => n + i.runs, 0)).toBe(p.runs.ok);
    for (const image of p.images) expect(image.inputsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(file.packages).toBeLessThanOrEqual(p.runs.ok);
  });

  it('keeps only entries at or above its threshold, sorted, with their supporting packages', () => {
    for (const kind of ['writtenPaths', 'programs', 'hosts'] as const) {
      const values = file[kind].map((e) => e.value);
      expect(values).toEqual([...values].sort());
      for (const entry of file[kind]) {
        expect(entry.packages).toBeGreaterThanOrEqual(file.thresholds.minPackages);
        expect(entry.seenIn).toHaveLength(entry.packages);
      }
    }
    for (const entry of [...file.belowThreshold.hosts, ...file.belowThreshold.programs])
      expect(entry.packages).toBeLessThan(file.thresholds.minPackages);
    expect(file.thresholds.minPackages).toBeGreaterThanOrEqual(2);
  });

  it('becomes the baseline the scorer uses: kept entries only', () => {
    const baseline = baselineFromFile(file);
    expect(baseline.hosts).toEqual(file.hosts.map((e) => e.value));
    for (const below of file.belowThreshold.hosts) expect(baseline.hosts).not.toContain(below.value);
  });
});
