/** What every route of the API shares. */
import type { Logger } from 'pino';
import type { Queues } from '@airlock/queue';
import type { Store } from '@airlock/store';
import type { ApiConfig } from './config.js';
import type { ReportLinkSigner } from './report-link.js';

export interface ApiContext {
  config: ApiConfig;
  store: Store;
  queues: Queues;
  log: Logger;
  /** Signs the HTML report's browser links; null when the service has no secrets key (links are then not offered). */
  reportLinks: ReportLinkSigner | null;
}
