/**
 * Which CI environment variables a package's code looks at. Code that checks for CI and was quiet in a
 * developer-like run gets a second run that imitates a CI job: malware aimed at CI secrets acts only
 * there, and some stays quiet outside CI to get past sandboxes. Pure: texts in, names out.
 */
const CI_VARIABLES = [
  'CI',
  'GITHUB_ACTIONS',
  'GITHUB_TOKEN',
  'GITHUB_WORKFLOW',
  'GITHUB_REPOSITORY',
  'GITLAB_CI',
  'CI_JOB_TOKEN',
  'TRAVIS',
  'CIRCLECI',
  'JENKINS_URL',
  'JENKINS_HOME',
  'BUILDKITE',
  'TF_BUILD',
  'TEAMCITY_VERSION',
  'BITBUCKET_BUILD_NUMBER',
  'CODEBUILD_BUILD_ID',
  'RUNNER_OS',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
];

/** `process.env.CI`, `process.env['CI']`, `os.environ['CI']`, `os.environ.get('CI')`, `os.getenv("CI")`, `$CI`/`${CI}` in scripts. */
const PATTERN = new RegExp(
  [
    String.raw`process\.env(?:\.(NAME)\b|\[\s*['"\x60](NAME)['"\x60]\s*\])`,
    String.raw`(?:os\.environ(?:\.get)?|os\.getenv|environ\.get)\s*[\[(]\s*['"](NAME)['"]`,
    String.raw`\$\{?(NAME)\b`,
  ]
    .join('|')
    .replaceAll('NAME', CI_VARIABLES.join('|')),
  'g',
);

export function ciVariableReferences(files: readonly { path: string; text?: string }[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    if (!file.text) continue;
    for (const m of file.text.matchAll(PATTERN)) {
      const name = m.slice(1).find((g) => g !== undefined);
      if (name) found.add(name);
    }
  }
  return [...found].sort();
}
