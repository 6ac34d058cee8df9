import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { dirname } from 'node:path';
import { buildTar } from './tar-builder.js';
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
  const dirs = new Set(plan.files.flatMap((file) => foldersUnderHome(file.path)));
  return buildTar(
    [
      ...[...dirs].sort().map((path) => ({ path, type: 'Directory' as const, mode: path.endsWith('/.ssh') ? 0o700 : 0o755 })),
      ...plan.files.map((f) => ({ path: f.path, type: 'File' as const, mode: f.mode, body: f.content })),
    ],
    // Forty days old: credentials a developer has had for a while.
    {
      uid: SANDBOX_USER.uid,
      gid: SANDBOX_USER.uid,
      uname: SANDBOX_USER.name,
      gname: SANDBOX_USER.name,
      mtime: new Date(Date.now() - 86_400_000 * 40),
    },
  );
}

/** Paths the plan adds to the container, so the filesystem diff can leave them out. */
export function plantedPaths(plan: HoneytokenPlan): Set<string> {
  return new Set(plan.files.flatMap((file) => [file.path, ...foldersUnderHome(file.path)]));
}

/** The folders between the home directory (excluded) and `path`. */
function foldersUnderHome(path: string): string[] {
  const out: string[] = [];
  for (let dir = dirname(path); dir.startsWith(`${SANDBOX_USER.home}/`); dir = dirname(dir)) out.push(dir);
  return out;
}
