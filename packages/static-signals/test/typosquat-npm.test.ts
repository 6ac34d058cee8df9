/** Typosquat detection against the npm high-impact list (17k names). */
import { checkTyposquat, findTyposquatTargets, maxEditsFor, npmPopularNameIndex } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

const index = npmPopularNameIndex();
const best = (name: string) => {
  const [m] = findTyposquatTargets(name, index);
  return m ? [m.technique, m.target, m.distance] : null;
};

describe('npm typosquats', () => {
  it('indexes the high-impact list', () => {
    expect(index.names.length).toBe(17338);
    expect(index.rank.get('lodash')).toBe(100);
  });

  it('finds keyboard slips by Damerau distance', () => {
    expect(best('expresss')).toEqual(['edit-distance', 'express', 1]);
    expect(best('lodahs')).toEqual(['edit-distance', 'lodash', 1]);
    expect(best('axois')).toEqual(['edit-distance', 'axios', 1]);
    expect(best('electorn')).toEqual(['edit-distance', 'electron', 1]);
    expect(best('@typescript-eslint/parserr')).toEqual(['edit-distance', '@typescript-eslint/parser', 1]);
    expect(best('mongose')).toEqual(['edit-distance', 'mongoose', 1]);
  });

  it('finds separator changes (the 2017 crossenv campaign)', () => {
    expect(best('crossenv')).toEqual(['separator', 'cross-env', 1]);
    expect(best('babelcli')).toEqual(['separator', 'babel-cli', 1]);
    expect(best('nodesass')).toEqual(['separator', 'node-sass', 1]);
    expect(best('cross_env')).toEqual(['separator', 'cross-env', 1]);
  });

  it('finds affixes, scope confusion, unscoped copies and look-alikes', () => {
    expect(best('jquery.js')).toEqual(['affix', 'jquery', 3]);
    expect(best('nodemailer-js')).toEqual(['affix', 'nodemailer', 3]);
    expect(best('http-proxy.js')).toEqual(['affix', 'http-proxy', 3]);
    expect(best('types-node')).toEqual(['scope-confusion', '@types/node', 2]);
    expect(best('babel-core-js')).toEqual(['affix', 'babel-core', 3]);
    expect(best('core-tracing')).toEqual(['unscoped-copy', '@azure/core-tracing', 7]);
    expect(best('rnoment')).toEqual(['homoglyph', 'moment', 2]);
    expect(best('l0dash')).toEqual(['homoglyph', 'lodash', 1]);
  });

  it('gives severities by technique and distance, and the target in details', () => {
    expect(checkTyposquat('expresss', index, { file: 'package-lock.json' })[0]).toEqual({
      id: 'typosquat.edit-distance',
      severity: 'medium',
      message: '"expresss" is 1 edit away from the popular package "express"',
      evidence: { file: 'package-lock.json', value: 'expresss' },
      details: { target: 'express', targetRank: 261, distance: 1, technique: 'edit-distance', ecosystem: 'npm' },
    });
    expect(checkTyposquat('rnoment', index).map((s) => [s.id, s.severity])[0]).toEqual(['typosquat.homoglyph', 'high']);
    expect(checkTyposquat('jquery.js', index).map((s) => [s.id, s.severity])[0]).toEqual(['typosquat.affix', 'low']);
  });

  it('never flags a popular name itself, in any case', () => {
    for (const name of ['lodash', 'express', 'cross-env', '@types/node', 'react-dom', 'JSONStream', 'crypto-js', 'ms']) {
      expect(findTyposquatTargets(name, index)).toEqual([]);
    }
  });

  it('leaves unrelated and very short names alone', () => {
    for (const name of ['airlock-internal-tooling', 'zqxv-unique-name', 'ab', 'xyz', 'gbol', 'my-private-lib']) {
      expect(findTyposquatTargets(name, index)).toEqual([]);
    }
  });

  it('allows more edits for longer names and only swaps for four-letter ones', () => {
    expect(maxEditsFor(3)).toEqual({ edits: 0, transpositionOnly: false });
    expect(maxEditsFor(4)).toEqual({ edits: 1, transpositionOnly: true });
    expect(maxEditsFor(7)).toEqual({ edits: 1, transpositionOnly: false });
    expect(maxEditsFor(12)).toEqual({ edits: 2, transpositionOnly: false });
    expect(best('uiud')).toEqual(['edit-distance', 'uuid', 1]);
    expect(best('uuix')).toBeNull();
    expect(best('glbo')).toEqual(['edit-distance', 'glob', 1]);
  });

  it('returns at most maxMatches targets, strongest first', () => {
    const all = findTyposquatTargets('expresss', index, { maxMatches: 10 });
    expect(all.map((m) => m.target)).toEqual(['express', 'expresso']);
    expect(findTyposquatTargets('expresss', index, { maxMatches: 1 }).map((m) => m.target)).toEqual(['express']);
  });
});
