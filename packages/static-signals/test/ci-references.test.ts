import { describe, expect, it } from 'vitest';
import { ciVariableReferences } from '../src/ci-references.js';

describe('ciVariableReferences', () => {
  it('finds CI variables read from JavaScript, Python and shell', () => {
    const files = [
      { path: 'package/index.js', text: "if (process.env.GITHUB_ACTIONS && process.env['CI']) steal(process.env.GITHUB_TOKEN)" },
      { path: 'pkg/setup.py', text: 'import os\nif os.environ.get(\'GITLAB_CI\') or os.getenv("JENKINS_URL"): pass' },
      { path: 'package/install.sh', text: 'test -n "${CIRCLECI}" && curl x' },
    ];
    expect(ciVariableReferences(files)).toEqual(['CI', 'CIRCLECI', 'GITHUB_ACTIONS', 'GITHUB_TOKEN', 'GITLAB_CI', 'JENKINS_URL']);
  });

  it('ignores look-alikes and files without text', () => {
    const files = [
      { path: 'package/a.js', text: 'const CIRCLE = process.env.CIRCLE_SIZE; const x = process.env.CITY; // CI is great' },
      { path: 'package/b.bin' },
    ];
    expect(ciVariableReferences(files)).toEqual([]);
  });
});
