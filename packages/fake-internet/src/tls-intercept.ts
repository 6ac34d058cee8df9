import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { join } from 'node:path';

/**
 * Issues server certificates on the fly from the run's own certificate authority, which the sandbox
 * trusts (netns-setup.sh makes a fresh CA per run; the host adds its certificate to the analysis
 * container's trust store). One leaf key serves every name; each name gets its own certificate.
 */
export interface CertificateAuthority {
  /** A TLS context whose certificate names `name` (a DNS name or an IP address), or null when none can be made. */
  contextFor(name: string): Promise<SecureContext | null>;
}

/** DNS names and IP literals only: the name goes into an openssl argument (no shell, but still). */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

export function fileAuthority(dir: string): CertificateAuthority {
  const caCert = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const leafKey = readFileSync(join(dir, 'leaf.key'), 'utf8');
  const contexts = new Map<string, Promise<SecureContext | null>>();
  const issue = (name: string) =>
    new Promise<SecureContext | null>((resolve) => {
      const host = name.replace(/\.$/, '');
      const san = isIP(host) ? `IP:${host}` : `DNS:${host}`;
      const subject = `/CN=${host.slice(0, 64)}`;
      execFile(
        'openssl',
        [
          'req',
          '-x509',
          '-new',
          '-key',
          join(dir, 'leaf.key'),
          '-subj',
          subject,
          '-CA',
          join(dir, 'ca.crt'),
          '-CAkey',
          join(dir, 'ca.key'),
          '-days',
          '397',
          '-sha256',
          '-addext',
          `subjectAltName=${san}`,
          '-addext',
          'basicConstraints=critical,CA:FALSE',
          '-addext',
          'extendedKeyUsage=serverAuth',
          '-addext',
          'keyUsage=critical,digitalSignature',
        ],
        { timeout: 5000 },
        (err, stdout) => resolve(err ? null : createSecureContext({ key: leafKey, cert: `${stdout}${caCert}` })),
      );
    });
  return {
    contextFor(name) {
      if (!isIP(name) && !DNS_NAME.test(name)) return Promise.resolve(null);
      const key = name.toLowerCase();
      let context = contexts.get(key);
      if (!context) contexts.set(key, (context = issue(key)));
      return context;
    },
  };
}

export interface Interception {
  /** Feeds the client's raw bytes (the ClientHello first) into the TLS layer. */
  push(chunk: Buffer): void;
  /** The client closed its side. */
  end(): void;
}

/**
 * Terminates TLS on a raw client socket with `context`: bytes the client sends go in through `push`,
 * the handshake and encrypted answers go out through `socket`. `onPlain` gets the decrypted stream;
 * `onSecure` fires when the client accepted the certificate (it trusts the run's CA).
 */
export function interceptTls(
  socket: Duplex,
  context: SecureContext,
  handlers: { onSecure: () => void; onPlain: (chunk: Buffer, reply: (answer: Buffer) => void) => void },
): Interception {
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      if (socket.destroyed) return done();
      socket.write(chunk, () => done());
    },
    final(done) {
      socket.end();
      done();
    },
  });
  const tls = new TLSSocket(wire, { isServer: true, secureContext: context, ALPNProtocols: ['http/1.1'] });
  tls.on('secure', handlers.onSecure);
  tls.on('data', (chunk: Buffer) => handlers.onPlain(chunk, (answer) => tls.end(answer)));
  // A client that does not trust the certificate aborts the handshake: that is an answer, not a fault.
  tls.on('error', () => socket.destroy());
  return { push: (chunk) => wire.push(chunk), end: () => wire.push(null) };
}
