/**
 * A private npm registry for service tests: verdaccio (from the npm registry, a dev dependency) on
 * loopback, with an htpasswd user whose token is required for the `@acme` scope and no uplink (nothing
 * is fetched from the internet). Packages are published with npm's publish request (no npm CLI, no
 * package scripts run).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// verdaccio's CLI refuses Node 20; its server (runServer) runs on it.
import { runServer } from 'verdaccio';
import { packFixture } from './service.js';

export interface TestRegistry {
  url: string;
  /** The token of the registry user (what an organization stores in its settings). */
  token: string;
  /** Publishes a package with these files; answers its tarball URL and integrity, as a lockfile records them. */
  publish(name: string, version: string, files: Record<string, string>): Promise<{ resolved: string; integrity: string }>;
  stop(): Promise<void>;
}

export async function startVerdaccio(protectedScope = '@acme'): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-verdaccio-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 1',
      'uplinks: {}',
      'packages:',
      `  '${protectedScope}/*':`,
      '    access: $authenticated',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: json, level: error }',
    ].join('\n'),
  );
  const app = (await runServer(config)) as { listen(port: number, host: string, cb: () => void): Server };
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const user = await fetch(`${url}-/user/org.couchdb.user:ci`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ci', password: 'ci-password-1234' }),
  });
  if (user.status !== 201) throw new Error(`verdaccio adduser: ${user.status} ${await user.text()}`);
  const { token } = (await user.json()) as { token: string };

  const publish = async (name: string, version: string, files: Record<string, string>) => {
    const src = mkdtempSync(join(tmpdir(), 'airlock-pkg-'));
    writeFileSync(join(src, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(src, file, '..'), { recursive: true });
      writeFileSync(join(src, file), text);
    }
    const tgz = await packFixture(src);
    rmSync(src, { recursive: true, force: true });
    const file = `${name.split('/').pop()}-${version}.tgz`;
    const resolved = `${url}${name}/-/${file}`;
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    const body = {
      _id: name,
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          name,
          version,
          main: 'index.js',
          _id: `${name}@${version}`,
          dist: {
            tarball: resolved,
            shasum: createHash('sha1').update(tgz).digest('hex'),
            integrity,
          },
        },
      },
      _attachments: { [file]: { content_type: 'application/octet-stream', data: tgz.toString('base64'), length: tgz.length } },
    };
    const res = await fetch(`${url}${name.replace('/', '%2f')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`publish ${name}@${version}: ${res.status} ${await res.text()}`);
    return { resolved, integrity };
  };

  return {
    url,
    token,
    publish,
    stop: async () => {
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
