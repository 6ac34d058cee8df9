import { closeSync, openSync, writeSync } from 'node:fs';
import type { NetworkLogLine } from '@airlock/core';

/**
 * The service's log: JSON lines appended with a synchronous write once per event-loop turn, so what was
 * received is on disk within a turn (a kill, even by the OOM killer, loses at most that turn) and a flood
 * costs one write per turn, not one per record. Records stop at `maxBytes` (counted); findings, failures and
 * stats (each bounded by the service) are always written.
 */
export class NetworkLogWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private scheduled = false;
  private written = 0;
  recordsDropped = 0;

  constructor(
    path: string,
    readonly maxBytes: number,
  ) {
    this.fd = openSync(path, 'a');
  }

  /** A record (DNS query, datagram, connection state): dropped and counted once the log is full. */
  record(line: NetworkLogLine): boolean {
    const text = `${JSON.stringify(line)}\n`;
    if (this.written + text.length > this.maxBytes) {
      this.recordsDropped++;
      return false;
    }
    this.append(text);
    return true;
  }

  /** A finding, failure or stats line: always written. */
  always(line: NetworkLogLine): void {
    this.append(`${JSON.stringify(line)}\n`);
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private append(text: string): void {
    this.written += text.length;
    this.pending.push(text);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }
}
