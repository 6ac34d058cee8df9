/**
 * The Node side of a platform view, planted into the sandbox by the host. `node` on the analysis user's
 * PATH (`~/.local/bin/node`, first on PATH) is a wrapper that starts the real node with this boot file
 * as the script: no `-r`, nothing in NODE_OPTIONS or process.execArgv. The boot file installs the fake
 * and then runs the program it was given as node would (`process.argv` as if started directly).
 *
 * The fake answers only package code: a read whose caller is Node's own code (`node:` modules), npm or
 * the runner gets the real value, so Node's internals (path, child_process, os.tmpdir) and npm keep
 * working on Linux while the package sees Windows or macOS. Shown Windows, `fs` opens, lists and makes names on
 * a drive (`C:\\...`) on the planted drive under `/mnt/c` (windows-profile.ts).
 */

/** The wrapper: npm itself (and node with options other than -e) runs without the fake. */
export const NODE_WRAPPER = `#!/bin/sh
[ $# -eq 0 ] && exec /usr/local/bin/node
case "$1" in
  /usr/local/bin/npm|/usr/local/bin/npx|/usr/local/lib/node_modules/*) exec /usr/local/bin/node "$@" ;;
  -e|--eval|-p|--print) exec /usr/local/bin/node /opt/airlock/lib/node-platform.cjs "$@" ;;
  -*) exec /usr/local/bin/node "$@" ;;
esac
exec /usr/local/bin/node /opt/airlock/lib/node-platform.cjs "$@"
`;

export const NODE_BOOT = String.raw`'use strict';
(function airlockPlatformView() {
  const fs = require('fs');
  const os = require('os');
  const path = require('path');
  const Module = require('module');
  const conf = {};
  try {
    for (const line of fs.readFileSync('/opt/airlock/view.conf', 'utf8').split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) conf[line.slice(0, i)] = line.slice(i + 1);
    }
  } catch {}
  const SYSTEM = /^(node:|internal[/]|\/usr\/local\/lib\/node_modules\/npm\/|\/opt\/airlock\/)/;
  // The file of the code that called fn (a patched getter or function): package code or not.
  function fromPackage(fn) {
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    let sites;
    try {
      Error.stackTraceLimit = 2;
      Error.prepareStackTrace = (_, cs) => cs;
      const holder = {};
      Error.captureStackTrace(holder, fn);
      sites = holder.stack;
    } finally {
      Error.prepareStackTrace = prepare;
      Error.stackTraceLimit = limit;
    }
    const file = (Array.isArray(sites) && sites[0] && sites[0].getFileName()) || '';
    return !SYSTEM.test(file);
  }
  function patch(obj, key, fake) {
    const real = obj[key];
    const f = {
      [key](...args) {
        return fromPackage(f[key]) ? fake(...args) : real.apply(this, args);
      },
    };
    Object.defineProperty(f[key], 'toString', { value: () => real.toString(), enumerable: false });
    Object.defineProperty(f[key], 'length', { value: real.length });
    obj[key] = f[key];
  }
  const platform = conf.platform;
  if (platform === 'win32' || platform === 'darwin') {
    const win = platform === 'win32';
    const user = conf.user || 'user';
    const home = win ? 'C:\\Users\\' + user : '/Users/' + user;
    const realPlatform = process.platform;
    const getter = function platformGetter() {
      return fromPackage(getter) ? platform : realPlatform;
    };
    Object.defineProperty(process, 'platform', { get: getter, enumerable: true, configurable: true });
    patch(os, 'platform', () => platform);
    patch(os, 'type', () => (win ? 'Windows_NT' : 'Darwin'));
    patch(os, 'release', () => (win ? '10.0.19045' : '23.4.0'));
    patch(os, 'version', () => (win ? 'Windows 10 Pro' : 'Darwin Kernel Version 23.4.0: Fri Mar 15 00:10:42 PDT 2024; root:xnu-10063.101.17~1/RELEASE_X86_64'));
    patch(os, 'homedir', () => home);
    patch(os, 'userInfo', (options) => {
      const enc = options && options.encoding === 'buffer';
      const v = (s) => (enc ? Buffer.from(s) : s);
      return { uid: win ? -1 : 501, gid: win ? -1 : 20, username: v(user), homedir: v(home), shell: win ? null : v('/bin/zsh') };
    });
    if (win) mapDrives(fs);
  }
  // Names on a drive ('C:\Users\u\AppData\Roaming/x.exe', as path.join makes them here) are opened, listed
  // and made on the planted drive under /mnt/c, for every caller (no Linux name has this shape).
  function mapDrives(fs) {
    const drive = /(?:^|\/)([A-Za-z]):[\\/]+([\s\S]*)$/;
    const native = (p) => {
      const m = typeof p === 'string' && p.includes(':') ? drive.exec(p) : null;
      return m ? '/mnt/' + m[1].toLowerCase() + '/' + m[2].replace(/\\/g, '/') : p;
    };
    const wrap = (obj, key, paths) => {
      const real = obj[key];
      if (typeof real !== 'function') return;
      const f = {
        [key](...args) {
          for (let i = 0; i < paths && i < args.length; i++) args[i] = native(args[i]);
          return real.apply(this, args);
        },
      };
      Object.defineProperty(f[key], 'toString', { value: () => real.toString(), enumerable: false });
      Object.defineProperty(f[key], 'length', { value: real.length });
      obj[key] = f[key];
    };
    const one = ['access', 'appendFile', 'chmod', 'createReadStream', 'createWriteStream', 'exists', 'lstat', 'mkdir', 'open',
      'opendir', 'readdir', 'readFile', 'rm', 'rmdir', 'stat', 'truncate', 'unlink', 'utimes', 'writeFile'];
    const two = ['copyFile', 'cp', 'link', 'rename', 'symlink'];
    for (const name of one) {
      wrap(fs, name, 1);
      wrap(fs, name + 'Sync', 1);
      wrap(fs.promises, name, 1);
    }
    for (const name of two) {
      wrap(fs, name, 2);
      wrap(fs, name + 'Sync', 2);
      wrap(fs.promises, name, 2);
    }
  }
  // The program, run as node would have run it.
  const args = process.argv.slice(2);
  const first = args[0];
  if (first === '-e' || first === '--eval' || first === '-p' || first === '--print') {
    const code = args[1] || '';
    process.argv = [process.argv[0], ...args.slice(2)];
    delete Module._cache[__filename];
    const m = new Module('[eval]', null);
    m.filename = path.join(process.cwd(), '[eval]');
    m.paths = Module._nodeModulePaths(process.cwd());
    const result = m._compile(code, m.filename);
    if (first === '-p' || first === '--print') console.log(result);
    return;
  }
  process.argv = [process.argv[0], ...args];
  if (first) process.argv[1] = path.resolve(first);
  // Nothing of this file stays where the program can look: the module cache, the argv.
  delete Module._cache[__filename];
  Module.runMain();
})();
`;
