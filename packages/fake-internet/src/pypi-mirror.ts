/**
 * PyPI as package code reaches it at run time (`pip install pycryptodome` inside setup.py or at import):
 * when the host gives the fake internet a folder of wheels (AIRLOCK_PYPI_MIRROR on the host, mounted
 * read-only at MIRROR_DIR), `pypi.org/simple/<name>/` lists that project's wheels (PEP 503) and
 * `files.pythonhosted.org/packages/<file>` serves one, so the code goes on to what it installed the
 * library for. Everything else gets the usual answer. The request is recorded either way.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpRequestSummary } from '@airlock/core';

export const MIRROR_DIR = '/srv/pypi';
/** A wheel larger than this is not served (the answer is held in memory). */
const MAX_WHEEL_BYTES = 64 * 1024 ** 2;

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

function response(status: string, type: string, body: Buffer): Buffer {
  const head = `HTTP/1.1 ${status}\r\nServer: nginx\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

export class PypiMirror {
  private wheels: Map<string, string[]> | null = null;
  private readonly hashes = new Map<string, string>();

  constructor(private readonly dir: string) {}

  /** The answer to a request for the simple index or a file of the mirror; null for anything else. */
  answer(request: HttpRequestSummary): Buffer | null {
    const host = (request.host ?? '').toLowerCase().replace(/:\d+$/, '');
    const path = request.target.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? '';
    if (request.method !== 'GET') return null;
    const simple = /^\/simple\/([^/]+)\/?$/.exec(path);
    if (host === 'pypi.org' && simple) return this.index(normalize(decodeURIComponent(simple[1]!)));
    const file = /^\/packages\/([^/]+\.whl)$/.exec(path);
    if ((host === 'files.pythonhosted.org' || host === 'pypi.org') && file) return this.file(decodeURIComponent(file[1]!));
    return null;
  }

  private byProject(): Map<string, string[]> {
    if (this.wheels) return this.wheels;
    const wheels = new Map<string, string[]>();
    let names: string[] = [];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.whl'));
    } catch {
      // no folder: nothing is mirrored
    }
    for (const name of names) {
      const project = normalize(name.split('-')[0] ?? '');
      wheels.set(project, [...(wheels.get(project) ?? []), name]);
    }
    this.wheels = wheels;
    return wheels;
  }

  private index(project: string): Buffer {
    const files = this.byProject().get(project);
    if (!files) return response('404 Not Found', 'text/html', Buffer.from('<html><body>Not Found</body></html>\n'));
    const links = files.map(
      (f) => `<a href="https://files.pythonhosted.org/packages/${encodeURIComponent(f)}#sha256=${this.sha256(f)}">${f}</a><br/>`,
    );
    return response('200 OK', 'text/html', Buffer.from(`<!DOCTYPE html>\n<html><body>\n${links.join('\n')}\n</body></html>\n`));
  }

  private file(name: string): Buffer | null {
    if (name.includes('/') || !name.endsWith('.whl')) return null;
    const path = join(this.dir, name);
    try {
      if (statSync(path).size > MAX_WHEEL_BYTES) return null;
      return response('200 OK', 'application/octet-stream', readFileSync(path));
    } catch {
      return response('404 Not Found', 'text/plain', Buffer.from('Not Found\n'));
    }
  }

  private sha256(name: string): string {
    let hash = this.hashes.get(name);
    if (!hash) {
      hash = createHash('sha256')
        .update(readFileSync(join(this.dir, name)))
        .digest('hex');
      this.hashes.set(name, hash);
    }
    return hash;
  }
}
