import { describe, expect, it } from 'vitest';
import { hasInstallScripts, platformReferences } from '../src/index.js';

describe('platform references (the planner facts of the platform views)', () => {
  it('finds platform reads and Windows or macOS markers in code, not in documentation', () => {
    const refs = platformReferences([
      {
        path: 'pkg/setup.py',
        text: "import sys, os\nif sys.platform == ''.join(map(chr, [119, 105, 110, 51, 50])) and os.name == 'nt':\n  p = os.getenv('APPDATA')",
      },
      { path: 'pkg/index.js', text: "if (process.platform === 'darwin') require('child_process').execFileSync('osascript', ['-e', 'x'])" },
      { path: 'pkg/README.md', text: 'Works on win32 and in %LOCALAPPDATA%; os.type()' },
    ]);
    expect(refs).toEqual({
      reads: ['os.name', 'process.platform', 'sys.platform'],
      windows: ["'nt'", 'APPDATA'],
      macos: ['darwin', 'osascript'],
    });
    expect(platformReferences([{ path: 'pkg/index.js', text: 'module.exports = (a, b) => a + b;' }])).toEqual({
      reads: [],
      windows: [],
      macos: [],
    });
  });

  it('tells npm install scripts (and binding.gyp) from other scripts', () => {
    const manifest = (scripts: object) => [{ path: 'package/package.json', text: JSON.stringify({ name: 'x', scripts }) }];
    expect(hasInstallScripts(manifest({ postinstall: 'node install.js' }))).toBe(true);
    expect(hasInstallScripts(manifest({ test: 'vitest', prepare: 'tsc' }))).toBe(false);
    expect(hasInstallScripts([...manifest({}), { path: 'package/binding.gyp', text: '{}' }])).toBe(true);
    expect(hasInstallScripts([{ path: 'package/package.json', text: '{not json' }])).toBe(false);
  });
});
