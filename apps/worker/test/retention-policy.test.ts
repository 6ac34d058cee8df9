import { describe, expect, it } from 'vitest';
import { MIN_AGE_MS, selectExpired } from '../src/retention-policy.js';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-12-01T00:00:00Z');
const aged = (name: string, ageMs: number) => ({ name, newestMtimeMs: NOW - ageMs });

describe('selectExpired', () => {
  it('expires what is older than the retention and keeps what is younger', () => {
    const d = selectExpired([aged('old', 15 * DAY), aged('young', 13 * DAY), aged('edge', 14 * DAY)], NOW, 14 * DAY, new Set());
    expect(d).toEqual({ expired: ['edge', 'old'], fresh: ['young'], inUse: [] });
  });
  it('never expires what a queued or running analysis uses, however old', () => {
    const d = selectExpired([aged('old', 100 * DAY), aged('running', 100 * DAY)], NOW, 14 * DAY, new Set(['running']));
    expect(d).toEqual({ expired: ['old'], fresh: [], inUse: ['running'] });
  });
  it('keeps everything when the retention is 0 (off)', () => {
    expect(selectExpired([aged('a', 1000 * DAY)], NOW, 0, new Set())).toEqual({ expired: [], fresh: ['a'], inUse: [] });
  });
  it('never expires anything younger than MIN_AGE_MS, even with a shorter retention', () => {
    const d = selectExpired([aged('minutes', MIN_AGE_MS - 1), aged('hours', MIN_AGE_MS + 1)], NOW, 1, new Set());
    expect(d).toEqual({ expired: ['hours'], fresh: ['minutes'], inUse: [] });
  });
  it('takes the newest time: a folder written recently is fresh', () => {
    expect(selectExpired([{ name: 'x', newestMtimeMs: NOW }], NOW, 14 * DAY, new Set()).fresh).toEqual(['x']);
  });
});
