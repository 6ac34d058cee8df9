/** What every route of the API shares. */
import type { Logger } from 'pino';
import type { Queues } from '@airlock/queue';
import type { Store } from '@airlock/store';
import type { ApiConfig } from './config.js';

export interface ApiContext {
  config: ApiConfig;
  store: Store;
  queues: Queues;
  log: Logger;
}
