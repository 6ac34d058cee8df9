/** Hard negatives: everyday install behaviour that must not read as malice. */
import { describe, expect, it } from 'vitest';
import type { ProcessTreeNode } from '@airlock/core';
import { scoreReport } from '../src/index.js';
import { connect, dns, HOME, httpRequest, PKG, proc, reportWith, script, sensitive, T0, write } from './helpers.js';

describe('benign installs', () => {
  it("node-gyp rebuild -> make -> g++ (with make's sh -c and gyp's python) stays benign", () => {
    const gyp = script('install', 'node-gyp rebuild');
    const runner = proc(['sh', '-c', 'node-gyp rebuild'], { pid: 10, ppid: 1, attribution: gyp });
    const nodeGyp = proc(['node', '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js', 'rebuild'], {
      pid: 11,
      ppid: 10,
      attribution: gyp,
    });
    const python = proc(['python3', '/usr/lib/node_modules/npm/node_modules/node-gyp/gyp/gyp_main.py', 'binding.gyp'], {
      pid: 12,
      ppid: 11,
      attribution: gyp,
      path: '/usr/bin/python3.11',
    });
    const make = proc(['make', 'BUILDTYPE=Release', '-C', 'build'], { pid: 13, ppid: 11, attribution: gyp });
    const makeShell = proc(['/bin/sh', '-c', 'g++ -o Release/obj.target/addon/addon.o ../addon.cc'], {
      pid: 14,
      ppid: 13,
      attribution: gyp,
      path: '/bin/sh',
    });
    const gxx = proc(['g++', '-o', 'Release/obj.target/addon/addon.o', '../addon.cc'], { pid: 15, ppid: 14, attribution: gyp });
    const processes = [runner, nodeGyp, python, make, makeShell, gxx];
    const node = (id: number, parent: number | null): ProcessTreeNode => {
      const p = processes[id]!;
      return {
        id,
        pid: p.pid,
        ppid: p.ppid,
        parent,
        execs: [{ time: p.time, path: p.path, normalizedPath: p.path, argv: p.argv }],
        startTime: p.time,
        exitTime: null,
        exitCode: 0,
        exitSignal: null,
        attribution: gyp,
        children: [],
      };
    };
    const v = scoreReport(
      reportWith({
        processes,
        processTree: {
          install: { roots: [0], nodes: [node(0, null), node(1, 0), node(2, 1), node(3, 1), node(4, 3), node(5, 4)], hiddenProcesses: 1 },
          import: null,
        },
        fileWrites: [
          write(`${PKG}/build/Release/obj.target/addon/addon.o`, { pid: 15 }),
          write(`${PKG}/build/Release/addon.node`, { pid: 15 }),
        ],
      }),
    );
    expect(v).toEqual({ verdict: 'benign', score: 0, reasons: [], notObserved: [] });
  });

  it('a postinstall banner printed with echo stays benign', () => {
    const banner = 'echo "Thanks for installing demo!"';
    const v = scoreReport(reportWith({ processes: [proc(['sh', '-c', banner], { attribution: script('postinstall', banner) })] }));
    expect(v.verdict).toBe('benign');
    expect(v.score).toBe(0);
  });

  it('a prebuilt binary fetched over HTTPS from github.com into its own folder is suspicious at most', () => {
    const install = proc(['node', 'install.js'], { pid: 40, attribution: script('install', 'node install.js') });
    const v = scoreReport(
      reportWith({
        processes: [install],
        connections: [connect(40, 443, { hostname: 'github.com' })],
        network: {
          dns: [dns('github.com')],
          tcp: [httpRequest('github.com', 'GET', '/demo/releases/download/v1.0.0/demo-linux-x64.tar.gz')],
          udp: [],
        },
        fileWrites: [write(`${PKG}/prebuilds/linux-x64/demo.node`, { pid: 40, time: T0 + 5 })],
      }),
    );
    expect(v.verdict).toBe('suspicious');
    expect(v.score).toBe(25);
    expect(v.reasons.map((r) => r.rule)).toEqual(['network-egress']);
  });

  it('npm reading ~/.npmrc and ~/.gitconfig during install stays benign', () => {
    const npm = proc(['node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'install', '--offline'], { pid: 1, attribution: null });
    const v = scoreReport(
      reportWith({
        processes: [npm],
        sensitiveFiles: [
          sensitive('npmrc', `${HOME}/.npmrc`, { pid: 1, attribution: null }),
          sensitive('git', `${HOME}/.gitconfig`, { pid: 1, attribution: null }),
        ],
        fileWrites: [write(`${HOME}/.npm/_cacache/index-v5/ab/cd`, { pid: 1 })],
      }),
    );
    expect(v).toEqual({ verdict: 'benign', score: 0, reasons: [], notObserved: [] });
  });
});
