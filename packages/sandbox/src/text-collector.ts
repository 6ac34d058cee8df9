/** Source-like files worth a static look: scripts, manifests, build files. */
const SOURCE_FILE = /(\.(c?js|mjs|ts|py|pyw|sh|bash|ps1|bat|cmd|json|gyp|toml|cfg|txt)|\/(setup\.py|Makefile|binding\.gyp))$/i;
const MAX_TEXT_BYTES = 1024 * 1024;
const MAX_TOTAL_TEXT_BYTES = 32 * 1024 * 1024;

/** Keeps the text of source-like files up to per-file and total caps, counting what it leaves out. */
export class TextCollector {
  private readonly texts = new Map<string, string>();
  private total = 0;
  skipped = 0;

  wants(path: string, size: number): boolean {
    if (!SOURCE_FILE.test(path)) return false;
    if (size > MAX_TEXT_BYTES || this.total + size > MAX_TOTAL_TEXT_BYTES) {
      this.skipped++;
      return false;
    }
    this.total += size;
    return true;
  }

  add(path: string, bytes: Buffer): void {
    this.texts.set(path, bytes.toString('utf8'));
  }

  get(path: string): string | undefined {
    return this.texts.get(path);
  }
}
