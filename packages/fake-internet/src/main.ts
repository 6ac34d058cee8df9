import { existsSync } from 'node:fs';
import { startFakeInternet } from './service.js';
import { fileAuthority } from './tls-intercept.js';

/** netns-setup.sh makes the run's CA here; without it TLS is recorded up to the ClientHello only. */
const tlsDir = process.env.AIRLOCK_TLS_DIR ?? '/run/airlock/tls';

/** Entry point inside the fake-internet container (after netns-setup.sh has set up the namespace). */
const service = await startFakeInternet({
  logFile: process.env.AIRLOCK_NETWORK_LOG ?? '/var/log/airlock/network.jsonl',
  dnsPort: 53,
  tcpPort: Number(process.env.AIRLOCK_TCP_PORT ?? 15001),
  udpPort: Number(process.env.AIRLOCK_UDP_PORT ?? 15002),
  captureBytes: 64 * 1024,
  idleMs: 30_000,
  authority: existsSync(`${tlsDir}/ca.key`) ? fileAuthority(tlsDir) : null,
});
process.stdout.write('fake-internet ready\n');
const stop = () => void service.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
