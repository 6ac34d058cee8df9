import { startFakeInternet } from './service.js';

/** Entry point inside the fake-internet container (after netns-setup.sh has set up the namespace). */
const service = await startFakeInternet({
  logFile: process.env.AIRLOCK_NETWORK_LOG ?? '/var/log/airlock/network.jsonl',
  dnsPort: 53,
  tcpPort: Number(process.env.AIRLOCK_TCP_PORT ?? 15001),
  udpPort: Number(process.env.AIRLOCK_UDP_PORT ?? 15002),
  captureBytes: 64 * 1024,
  idleMs: 30_000,
});
process.stdout.write('fake-internet ready\n');
const stop = () => void service.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
