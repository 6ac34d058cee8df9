import { describe, expect, it } from 'vitest';
import { InventoryQuery, SubmitAnalysis, UploadQuery } from '../src/schemas.js';
import { parseSchedule } from '../src/schedule.js';

describe('request schemas', () => {
  it('accepts exact versions and refuses ranges, tags and path-like names', () => {
    expect(SubmitAnalysis.safeParse({ ecosystem: 'npm', name: '@scope/pkg', version: '1.2.3-beta.1' }).success).toBe(true);
    expect(SubmitAnalysis.safeParse({ ecosystem: 'pypi', name: 'requests', version: '2.31.0' }).success).toBe(true);
    expect(SubmitAnalysis.safeParse({ ecosystem: 'pypi', name: 'Django', version: '5.0rc1' }).success).toBe(true);
    for (const version of ['^1.2.3', 'latest', '1.x', '>=1.0', ''])
      expect(SubmitAnalysis.safeParse({ ecosystem: 'npm', name: 'pkg', version }).success, version).toBe(false);
    for (const name of ['../x', 'a b', 'https://evil.example/x.tgz', ''])
      expect(SubmitAnalysis.safeParse({ ecosystem: 'npm', name, version: '1.0.0' }).success, name).toBe(false);
    expect(SubmitAnalysis.safeParse({ ecosystem: 'maven', name: 'x', version: '1.0.0' }).success).toBe(false);
  });

  it('wants an upload file name that says the archive type', () => {
    expect(UploadQuery.safeParse({ filename: 'pkg-1.0.0.tgz' }).success).toBe(true);
    expect(UploadQuery.safeParse({ filename: 'requests-2.31.0-py3-none-any.whl' }).success).toBe(true);
    expect(UploadQuery.safeParse({ filename: '../../etc/passwd.tgz' }).success).toBe(false);
    expect(UploadQuery.safeParse({ filename: 'pkg.exe' }).success).toBe(false);
  });

  it('turns schedules into BullMQ repeats', () => {
    expect(parseSchedule('daily')).toEqual({ everyMs: 86_400_000 });
    expect(parseSchedule('every:90m')).toEqual({ everyMs: 5_400_000 });
    expect(parseSchedule('cron:0 3 * * *')).toEqual({ pattern: '0 3 * * *' });
    expect(InventoryQuery.safeParse({ filename: 'x', schedule: 'cron:0 3 * * *' }).success).toBe(true);
    expect(InventoryQuery.safeParse({ filename: 'x', schedule: 'cron:nonsense' }).success).toBe(false);
    expect(InventoryQuery.safeParse({ filename: 'x', schedule: 'every:10s' }).success).toBe(false);
    expect(InventoryQuery.safeParse({ filename: 'x', schedule: 'every:6h' }).success).toBe(true);
  });
});
