import { Writable } from 'node:stream';
import type { CapturedText } from '@airlock/core';

/** A Writable that keeps the first `cap` bytes and counts the rest, so output floods cost no memory. */
export class CappedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;

  constructor(private readonly cap: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.seen += chunk.length;
    if (this.kept < this.cap) {
      const slice = chunk.subarray(0, this.cap - this.kept);
      this.chunks.push(slice);
      this.kept += slice.length;
    }
    callback();
  }

  captured(): CapturedText {
    return { text: Buffer.concat(this.chunks).toString('utf8'), bytes: this.seen, truncated: this.seen > this.kept };
  }
}
