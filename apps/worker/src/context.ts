/** What every processor of this worker process shares: config, store, queues, Docker, log, running runs. */
import type Docker from 'dockerode';
import type { SignalPolicy } from '@airlock/analysis';
import type { Logger } from 'pino';
import type { Queues } from '@airlock/queue';
import type { WarmPool } from '@airlock/sandbox';
import type { Store } from '@airlock/store';
import type { WorkerConfig } from './config.js';

export interface WorkerContext {
  config: WorkerConfig;
  /** This process's id: its heartbeat key in Redis and the label on its sandbox containers. */
  workerId: string;
  store: Store;
  queues: Queues;
  docker: Docker;
  log: Logger;
  /** Internal namespaces and the known-malicious feed, loaded once at start. */
  signalPolicy: SignalPolicy;
  /** Abort handles of the runs this process is executing, by run key (for cancellation). */
  running: Map<string, AbortController>;
  /** Sandbox pairs made ahead of time (AIRLOCK_WARM_POOL); absent: each run makes its own. */
  pool?: WarmPool;
}
