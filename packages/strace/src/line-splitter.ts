/**
 * Turns arbitrary text chunks into complete lines. Only the unfinished tail of the last chunk is
 * held, and a line longer than the limit is dropped (and reported) instead of growing without
 * bound — whatever the chunk boundaries, the same lines come out.
 */
export class LineSplitter {
  private partial = '';
  /** Inside a line already known to be too long: drop text until its newline. */
  private discarding = false;

  constructor(
    private readonly maxLineLength: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: () => void,
  ) {}

  push(chunk: string): void {
    let nl = chunk.indexOf('\n');
    if (nl === -1) {
      this.append(chunk);
      return;
    }
    // The first newline completes whatever was pending from earlier chunks.
    this.append(chunk.slice(0, nl));
    this.finishLine();
    let start = nl + 1;
    while ((nl = chunk.indexOf('\n', start)) !== -1) {
      if (nl - start > this.maxLineLength + 1) this.onOverlong();
      else this.emit(chunk.slice(start, nl));
      start = nl + 1;
    }
    this.append(chunk.slice(start));
  }

  /** Emits the last line if the text did not end with a newline. */
  end(): void {
    if (this.partial !== '' || this.discarding) this.finishLine();
  }

  private append(text: string): void {
    if (this.discarding || text === '') return;
    if (this.partial.length + text.length > this.maxLineLength + 1) {
      this.partial = '';
      this.discarding = true;
      return;
    }
    this.partial += text;
  }

  private finishLine(): void {
    if (this.discarding) {
      this.discarding = false;
      this.onOverlong();
    } else {
      const line = this.partial;
      this.partial = '';
      this.emit(line);
    }
  }

  private emit(line: string): void {
    // A trailing \r (CRLF files) is not part of the line; the +1 slack above allows for it.
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.length > this.maxLineLength) this.onOverlong();
    else this.onLine(line);
  }
}
