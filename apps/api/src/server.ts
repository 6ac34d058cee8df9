/** Starts the API on its port with its store and queues; `close()` stops accepting, then drains. */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { openQueues } from '@airlock/queue';
import { openStore } from '@airlock/store';
import { createApp } from './app.js';
import type { ApiConfig } from './config.js';
import type { ApiContext } from './context.js';
import { ReportLinkSigner } from './report-link.js';

export interface RunningApi {
  context: ApiContext;
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startApi(config: ApiConfig, log: Logger): Promise<RunningApi> {
  const context: ApiContext = {
    config,
    store: openStore(config.redisUrl, (err) => log.warn({ err: err.message }, 'redis connection error')),
    queues: openQueues(config.redisUrl),
    log,
    reportLinks: ReportLinkSigner.fromSecretBox(config.secretBox, config.reportLinkTtlSeconds),
  };
  const server = createApp(context).listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const url =
    typeof address === 'object' && address ? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}` : '';
  log.info({ url }, 'api listening');
  return {
    context,
    server,
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await context.queues.close();
      await context.store.close();
    },
  };
}
