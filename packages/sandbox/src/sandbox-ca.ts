/**
 * The run's certificate authority (made by the fake internet at start-up, see
 * sandbox-images/fake-internet/netns-setup.sh) added to the analysis container's trust store the way
 * `update-ca-certificates` would: the system bundle (curl, wget, pip, requests), the hashed link OpenSSL
 * looks up by subject (Python's ssl), and a file for NODE_EXTRA_CA_CERTS (Node keeps its own store).
 * A corporate proxy root like this one is common on developers' machines, so it is no sandbox tell.
 */
import type Docker from 'dockerode';
import { captureEntry, readContainerPath } from './collect.js';
import { buildTar } from './tar-builder.js';

const TLS_DIR = '/run/airlock/tls';
const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const NAME = 'northwind-proxy-root-ca';
/** Where Node finds it (`NODE_EXTRA_CA_CERTS`), as a company's device management would put it. */
export const SANDBOX_CA_FILE = `/usr/local/share/ca-certificates/${NAME}.crt`;

export interface SandboxCa {
  pem: string;
  /** `openssl x509 -subject_hash`: the name of the lookup link in /etc/ssl/certs. */
  subjectHash: string;
}

/** The regular files named `names` under `path` in a container, each read up to `cap` bytes. */
async function readTextFiles(container: Docker.Container, path: string, names: string[], cap: number): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const pending: Promise<void>[] = [];
  await readContainerPath(container, path, (entry) => {
    const name = entry.path.split('/').pop() ?? '';
    if (entry.type !== 'File' || !names.includes(name)) return void entry.resume();
    pending.push(captureEntry(entry, cap).then(({ bytes }) => void files.set(name, bytes.toString('utf8'))));
  });
  await Promise.all(pending);
  return files;
}

/** Reads the CA certificate (never a key) from the fake-internet container once it is ready. */
export async function readSandboxCa(owner: Docker.Container): Promise<SandboxCa> {
  const files = await readTextFiles(owner, TLS_DIR, ['ca.crt', 'ca.hash'], 64 * 1024);
  const pem = files.get('ca.crt') ?? '';
  const subjectHash = (files.get('ca.hash') ?? '').trim();
  if (!pem.includes('BEGIN CERTIFICATE') || !/^[0-9a-f]{8}$/.test(subjectHash))
    throw new Error('the fake internet made no usable certificate authority');
  return { pem, subjectHash };
}

/** Files the trust step adds or changes, so the filesystem diff can leave them out. */
export function sandboxCaPaths(ca: SandboxCa): string[] {
  return [BUNDLE, SANDBOX_CA_FILE, `/etc/ssl/certs/${NAME}.pem`, `/etc/ssl/certs/${ca.subjectHash}.0`];
}

/** The image's own CA bundle, by image id: the same for every run of an image, so read once. */
const systemBundles = new Map<string, string>();

async function systemBundle(container: Docker.Container, imageId: string): Promise<string> {
  const cached = systemBundles.get(imageId);
  if (cached) return cached;
  const bundle = (await readTextFiles(container, BUNDLE, ['ca-certificates.crt'], 4 * 1024 * 1024)).get('ca-certificates.crt') ?? '';
  if (!bundle.includes('BEGIN CERTIFICATE')) throw new Error(`the sandbox image has no CA bundle at ${BUNDLE}`);
  systemBundles.set(imageId, bundle);
  return bundle;
}

/** Adds the CA to the (created, not yet started) analysis container of image `imageId`'s trust store. */
export async function trustSandboxCa(container: Docker.Container, imageId: string, ca: SandboxCa): Promise<void> {
  const system = await systemBundle(container, imageId);
  const pem = Buffer.from(ca.pem);
  const file = (path: string, body: Buffer) => ({ path, type: 'File' as const, mode: 0o644, body });
  await container.putArchive(
    buildTar(
      [
        file(BUNDLE, Buffer.concat([Buffer.from(system.endsWith('\n') ? system : `${system}\n`), pem])),
        file(SANDBOX_CA_FILE, pem),
        file(`/etc/ssl/certs/${NAME}.pem`, pem),
        file(`/etc/ssl/certs/${ca.subjectHash}.0`, pem),
      ],
      // Installed months ago, with the machine.
      { uid: 0, gid: 0, mtime: new Date(Date.now() - 86_400_000 * 120) },
    ),
    { path: '/' },
  );
}
