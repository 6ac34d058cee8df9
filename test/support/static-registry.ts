/**
 * A loopback npm registry serving fixed tarballs (packuments with integrity, tarballs), for tests that need a
 * lockfile's packages to resolve through the real npm client code without the public registry.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tarEntry } from './tar-entry.js';

export interface PublishedPackage {
  tgz: Buffer;
}

/** package.json inside an npm tarball (`package/package.json`). */
function manifestOf(tgz: Buffer): Record<string, unknown> {
  return JSON.parse(tarEntry(gunzipSync(tgz), 'package/package.json', 'the tarball').toString('utf8')) as Record<string, unknown>;
}

export async function startStaticRegistry(packages: PublishedPackage[]): Promise<{ url: string; server: Server }> {
  const tarballs = new Map<string, Buffer>();
  const packuments = new Map<string, { name: string; 'dist-tags': Record<string, string>; versions: Record<string, unknown> }>();
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
    const body = tarballs.get(path) ?? (packuments.has(path) ? Buffer.from(JSON.stringify(packuments.get(path))) : undefined);
    if (!body) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    res.writeHead(200, { 'content-type': tarballs.has(path) ? 'application/octet-stream' : 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const { tgz } of packages) {
    const manifest = manifestOf(tgz);
    const name = String(manifest.name);
    const version = String(manifest.version);
    const file = `${name}/-/${name.split('/').pop()}-${version}.tgz`;
    tarballs.set(file, tgz);
    const packument = packuments.get(name) ?? { name, 'dist-tags': {}, versions: {} };
    packument.versions[version] = {
      ...manifest,
      dist: { tarball: `${url}/${file}`, integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}` },
    };
    packument['dist-tags'].latest = version;
    packuments.set(name, packument);
  }
  return { url, server };
}
