import { describe, expect, it } from 'vitest';
import { chooseDependencyWheel, isSandboxWheel, type PypiFile } from '../src/pypi-files.js';
import { declaredPypiRequirements, markerApplies, parseRequirement } from '../src/pypi-requirements.js';
import { versionInRange } from '../src/versions.js';

describe('parseRequirement', () => {
  it('reads name, extras, specifier and marker of PEP 508 strings', () => {
    expect(parseRequirement('Requests[socks] (>=2.0, <3) ; python_version >= "3.8"')).toEqual({
      name: 'requests',
      specifier: '>=2.0,<3',
      text: 'Requests[socks] (>=2.0, <3) ; python_version >= "3.8"',
      marker: 'python_version >= "3.8"',
    });
    expect(parseRequirement('typing_extensions')).toMatchObject({ name: 'typing-extensions', specifier: '', marker: null });
  });

  it('refuses direct URL references and what is not a requirement', () => {
    expect(parseRequirement('evil @ https://example.com/evil.whl')).toBeNull();
    expect(parseRequirement('-e git+https://example.com/x.git')).toBeNull();
    expect(parseRequirement('name >=1.0 garbage')).toBeNull();
  });
});

describe('markerApplies (CPython 3.11 on x86_64 Linux)', () => {
  it.each([
    ['python_version >= "3.8"', true],
    ['python_version < "3.8"', false],
    ["sys_platform == 'win32'", false],
    ["platform_system == 'Windows' or os_name == 'posix'", true],
    ["(sys_platform == 'darwin' or sys_platform == 'win32') and python_version >= '3'", false],
    ["extra == 'tests'", false],
    ["python_version >= '3.6' and extra == 'dev'", false],
    ["'linux' in sys_platform", true],
    ["sys_platform not in 'win32 cygwin'", true],
    ["some_future_marker == 'x'", true],
  ])('%s → %s', (marker, expected) => {
    expect(markerApplies(marker)).toBe(expected);
  });
});

describe('declaredPypiRequirements', () => {
  const sdist = (files: Record<string, string>) => Object.entries(files).map(([path, text]) => ({ path: `pkg-1.0/${path}`, text }));

  it('takes Requires-Dist first, drops extras and other platforms, and names each project once', () => {
    const metadata = [
      'Metadata-Version: 2.1',
      'Name: pkg',
      'Requires-Dist: requests>=2',
      "Requires-Dist: pywin32 ; sys_platform == 'win32'",
      "Requires-Dist: pytest ; extra == 'tests'",
      'Requires-Dist: Requests',
      '',
      'Requires-Dist: not-a-header-in-the-body',
    ].join('\n');
    const files = sdist({ 'setup.py': "setup(install_requires=['ignored'])" });
    expect(declaredPypiRequirements(metadata, files).map((r) => [r.name, r.specifier])).toEqual([['requests', '>=2']]);
  });

  it("falls back to requires.txt, setup.cfg, pyproject's [project] and a literal install_requires", () => {
    expect(declaredPypiRequirements('', sdist({ 'pkg.egg-info/requires.txt': 'wcwidth\n\n[tests]\npytest\n' })).map((r) => r.name)).toEqual(
      ['wcwidth'],
    );
    expect(
      declaredPypiRequirements('', sdist({ 'setup.cfg': '[options]\ninstall_requires =\n    six>=1\n    attrs\n' })).map((r) => r.name),
    ).toEqual(['six', 'attrs']);
    const pyproject =
      '[project]\nname = "pkg"\ndependencies = [\n  "httpx>=0.2",\n  # a comment\n  "rich",\n]\n[tool.x]\ndependencies = ["no"]\n';
    expect(declaredPypiRequirements('', sdist({ 'pyproject.toml': pyproject })).map((r) => r.name)).toEqual(['httpx', 'rich']);
    const setupPy =
      "from setuptools import setup\nsetup(name='pkg', install_requires=[\n  'asn1crypto>=1.5.1',  # crypto\n  \"colorama\",\n])\n";
    expect(declaredPypiRequirements('', sdist({ 'setup.py': setupPy })).map((r) => [r.name, r.specifier])).toEqual([
      ['asn1crypto', '>=1.5.1'],
      ['colorama', ''],
    ]);
    // A commented-out list declares nothing.
    expect(declaredPypiRequirements('', sdist({ 'setup.py': 'setup(install_requires=[\n#  "package1",\n])' }))).toEqual([]);
  });
});

describe('dependency wheels for the sandbox', () => {
  it('installs pure wheels and CPython 3.11 x86_64 Linux wheels, not other interpreters or platforms', () => {
    expect(isSandboxWheel('six-1.16.0-py2.py3-none-any.whl')).toBe(true);
    expect(isSandboxWheel('multidict-6.0.4-cp311-cp311-linux_x86_64.whl')).toBe(true);
    expect(isSandboxWheel('yarl-1.9.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')).toBe(true);
    expect(isSandboxWheel('cryptography-41.0.0-cp37-abi3-manylinux_2_28_x86_64.whl')).toBe(true);
    expect(isSandboxWheel('multidict-6.0.4-cp312-cp312-linux_x86_64.whl')).toBe(false);
    expect(isSandboxWheel('pywin32-306-cp311-cp311-win_amd64.whl')).toBe(false);
    expect(isSandboxWheel('psutil-5.9.0-cp311-cp311-manylinux_2_17_aarch64.whl')).toBe(false);
  });

  it('chooses the newest final version in range that has such a wheel and is not yanked', () => {
    const file = (filename: string, yanked: boolean | string = false): PypiFile => ({
      filename,
      url: `https://x/${filename}`,
      kind: 'wheel',
      yanked,
    });
    const releases = new Map<string, PypiFile[]>([
      ['1.0.0', [file('dep-1.0.0-py3-none-any.whl')]],
      ['1.5.0', [file('dep-1.5.0-cp312-cp312-linux_x86_64.whl')]],
      ['1.4.0', [file('dep-1.4.0-py3-none-any.whl', 'broken')]],
      ['1.3.0', [file('dep-1.3.0-cp311-cp311-linux_x86_64.whl'), file('dep-1.3.0-py3-none-any.whl')]],
      ['2.0.0rc1', [file('dep-2.0.0rc1-py3-none-any.whl')]],
      ['2.1.0', [file('dep-2.1.0-py3-none-any.whl')]],
    ]);
    const chosen = chooseDependencyWheel(releases, (v) => versionInRange('pypi', v, '>=1,<2'));
    expect(chosen).toMatchObject({ version: '1.3.0', file: { filename: 'dep-1.3.0-py3-none-any.whl' } });
    expect(chooseDependencyWheel(releases, () => true)?.version).toBe('2.1.0');
    expect(chooseDependencyWheel(releases, (v) => versionInRange('pypi', v, '>=3'))).toBeNull();
  });
});
