import { existsSync } from 'node:fs';
import type { SearchedToken } from '@airlock/honeytokens';
import { MIRROR_DIR, PypiMirror } from './pypi-mirror.js';
import { startFakeInternet } from './service.js';
import { fileAuthority } from './tls-intercept.js';

/** netns-setup.sh makes the run's CA here; without it TLS is recorded up to the ClientHello only. */
const tlsDir = process.env.AIRLOCK_TLS_DIR ?? '/run/airlock/tls';

/** The planted values to search egress for (id, kind, value), set by the host when it creates this container. */
function plantedTokens(): SearchedToken[] {
  const text = process.env.AIRLOCK_HONEYTOKENS;
  delete process.env.AIRLOCK_HONEYTOKENS; // not handed to the conntrack processes
  if (!text) return [];
  const parsed = JSON.parse(text) as SearchedToken[];
  return parsed.filter((t) => typeof t.id === 'string' && typeof t.kind === 'string' && typeof t.value === 'string' && t.value.length > 0);
}

/** Entry point inside the fake-internet container (after netns-setup.sh has set up the namespace). */
const service = await startFakeInternet({
  logFile: process.env.AIRLOCK_NETWORK_LOG ?? '/var/log/airlock/network.jsonl',
  dnsPort: 53,
  tcpPort: Number(process.env.AIRLOCK_TCP_PORT ?? 15001),
  udpPort: Number(process.env.AIRLOCK_UDP_PORT ?? 15002),
  captureBytes: 64 * 1024,
  idleMs: 30_000,
  authority: existsSync(`${tlsDir}/ca.key`) ? fileAuthority(tlsDir) : null,
  tokens: plantedTokens(),
  // The host mounts a folder of wheels here when it has one (AIRLOCK_PYPI_MIRROR).
  pypiMirror: existsSync(MIRROR_DIR) ? new PypiMirror(MIRROR_DIR) : null,
});
// An error no handler caught is a `failure` line in the log (the host makes it an evidence gap), never a
// silent exit: the service keeps answering.
process.on('uncaughtException', (err) => service.fail(err));
process.on('unhandledRejection', (err) => service.fail(err));
process.stdout.write('fake-internet ready\n');
const stop = () => void service.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
