import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { dirname } from 'node:path';
import * as tar from 'tar';
import { planHoneytokens, type HoneytokenPlan } from '@airlock/honeytokens';
import { SANDBOX_USER } from './hardening.js';

/**
 * A fresh plan for one run: new random values and a new private key every time. The key is made off
 * the event loop (RSA-2048 takes a few hundred milliseconds here) so it overlaps container start-up.
 */
export async function freshHoneytokens(now = new Date()): Promise<HoneytokenPlan> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return planHoneytokens({
    home: SANDBOX_USER.home,
    projectDir: `${SANDBOX_USER.home}/projects/app`,
    sshPrivateKeyPem: privateKey,
    random: (n) => randomBytes(n),
    now,
  });
}

/**
 * The plan's files as a tar to extract at `/`, owned by the analysis user, with every folder between
 * the home directory and a file (0700 for ~/.ssh, like ssh makes it; 0755 otherwise).
 */
export function honeytokenTar(plan: HoneytokenPlan): Buffer {
  const home = SANDBOX_USER.home;
  const dirs = new Set<string>();
  for (const file of plan.files) {
    for (let dir = dirname(file.path); dir.startsWith(`${home}/`); dir = dirname(dir)) dirs.add(dir);
  }
  const blocks: Buffer[] = [];
  const entry = (path: string, type: 'File' | 'Directory', mode: number, body?: Uint8Array) => {
    const header = new tar.Header({
      path: path.replace(/^\//, '') + (type === 'Directory' ? '/' : ''),
      mode, uid: SANDBOX_USER.uid, gid: SANDBOX_USER.uid, uname: SANDBOX_USER.name, gname: SANDBOX_USER.name,
      size: body?.length ?? 0, type, mtime: new Date(Date.now() - 86_400_000 * 40),
    });
    header.encode();
    blocks.push(header.block ?? Buffer.alloc(512));
    if (body) blocks.push(Buffer.from(body), Buffer.alloc((512 - (body.length % 512)) % 512));
  };
  for (const dir of [...dirs].sort()) entry(dir, 'Directory', dir.endsWith('/.ssh') ? 0o700 : 0o755);
  for (const file of plan.files) entry(file.path, 'File', file.mode, file.content);
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Paths the plan adds to the container, so the filesystem diff can leave them out. */
export function plantedPaths(plan: HoneytokenPlan): Set<string> {
  const paths = new Set<string>();
  for (const file of plan.files) {
    paths.add(file.path);
    for (let dir = dirname(file.path); dir.startsWith(`${SANDBOX_USER.home}/`); dir = dirname(dir)) paths.add(dir);
  }
  return paths;
}
