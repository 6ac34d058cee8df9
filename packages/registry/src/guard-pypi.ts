/**
 * The pip install-time guard's pages, pure: an upstream PEP 691 project page in, the page pip sees out
 * (PEP 691 JSON or PEP 503 HTML). Files link to the guard, so each download is checked again; a version
 * the policy refuses is marked yanked (PEP 592) with the reason, so a range skips it and an `==` pin
 * selects it, prints the reason and gets the guard's refusal when it downloads.
 */
import type { GuardDecision } from './guard.js';
import { normalizePypiName, versionOfFile } from './pypi-files.js';
import { PEP691_JSON } from './pypi-index.js';

/** One file of a PEP 691 project page, with the attributes pip reads (`core-metadata` is left out: see guardSimpleProject). */
export interface SimpleFile {
  filename: string;
  url: string;
  hashes: Record<string, string>;
  'requires-python'?: string;
  /** PEP 592: true, or the reason. */
  yanked?: true | string;
  size?: number;
  /** PEP 700 (api-version 1.1): when the file was uploaded, ISO 8601. */
  'upload-time'?: string;
}

export interface SimpleProject {
  name: string;
  files: SimpleFile[];
}

/** One release on a project page: its files and when it was published (its first upload; null when the index does not say). */
export interface SimpleRelease {
  version: string;
  files: SimpleFile[];
  publishedAt: string | null;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * The project from an upstream PEP 691 JSON page; links resolved against the page's URL. Files with no
 * name, a name with a path in it, or no link are dropped (they cannot be judged or served).
 */
export function parseSimpleProject(doc: unknown, pageUrl: string): SimpleProject {
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as { name?: unknown; files?: unknown };
  if (!Array.isArray(d.files)) throw new Error(`${pageUrl} is not a PEP 691 project page (no "files" list)`);
  const files: SimpleFile[] = [];
  for (const item of d.files as Record<string, unknown>[]) {
    if (!str(item?.filename) || /[/\\]/.test(item.filename) || !str(item.url)) continue;
    const hashes = Object.fromEntries(
      Object.entries((item.hashes ?? {}) as Record<string, unknown>).filter(
        (e): e is [string, string] => /^[a-z0-9_]+$/.test(e[0]) && str(e[1]) && /^[0-9a-fA-F]+$/.test(e[1]),
      ),
    );
    const yanked = item.yanked === true ? true : str(item.yanked) ? item.yanked : undefined;
    files.push({
      filename: item.filename,
      url: new URL(item.url, pageUrl).href,
      hashes,
      ...(str(item['requires-python']) ? { 'requires-python': item['requires-python'] } : {}),
      ...(yanked !== undefined ? { yanked } : {}),
      ...(typeof item.size === 'number' ? { size: item.size } : {}),
      ...(str(item['upload-time']) && Number.isFinite(Date.parse(item['upload-time'])) ? { 'upload-time': item['upload-time'] } : {}),
    });
  }
  return { name: str(d.name) ? d.name : '', files };
}

/**
 * Files grouped by the version in their names. A file whose name gives no version is left out: the guard
 * cannot tell which verdict applies to it, so it is never served.
 */
export function simpleReleases(project: SimpleProject, name: string): SimpleRelease[] {
  const normalized = normalizePypiName(name);
  const byVersion = new Map<string, SimpleFile[]>();
  for (const f of project.files) {
    const v = versionOfFile(f.filename, normalized);
    if (v) byVersion.set(v, [...(byVersion.get(v) ?? []), f]);
  }
  return [...byVersion].map(([version, files]) => {
    const times = files.map((f) => f['upload-time']).filter((t): t is string => t !== undefined);
    const first = times.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    return { version, files, publishedAt: times.length === files.length && first ? first : null };
  });
}

/**
 * The page pip sees: files of versions listed by `decisions` (a listing decision per version) link to
 * `fileBase/<filename>`; a refused version's files are yanked with the reason (an upstream yank keeps its
 * own). `core-metadata` is left out so pip fetches the file itself, through the check, not a metadata side file.
 */
export function guardSimpleProject(
  name: string,
  releases: readonly SimpleRelease[],
  decisions: ReadonlyMap<string, GuardDecision>,
  fileBase: string,
): SimpleProject {
  const files = releases.flatMap((r) => {
    const d = decisions.get(r.version);
    return r.files.map((f) => {
      const refused = d && !d.allow ? `Airlock refused it: ${d.reason}` : undefined;
      const yanked = f.yanked ?? refused;
      return { ...f, url: `${fileBase}/${encodeURIComponent(f.filename)}`, ...(yanked !== undefined ? { yanked } : {}) };
    });
  });
  return { name: normalizePypiName(name), files };
}

export type SimpleFormat = 'json' | 'html-v1' | 'html';
const FORMATS: [SimpleFormat, string][] = [
  ['json', PEP691_JSON],
  ['html-v1', 'application/vnd.pypi.simple.v1+html'],
  ['html', 'text/html'],
];

/** PEP 691 content negotiation: the highest-quality type we serve; HTML with no Accept; null when none is acceptable (406). */
export function negotiateSimpleFormat(accept: string | undefined): SimpleFormat | null {
  if (!accept || !accept.trim()) return 'html';
  let best: { format: SimpleFormat; q: number; order: number } | null = null;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    FORMATS.forEach(([format, mime], order) => {
      const matches =
        type === mime || type === '*/*' || (type === 'text/*' && format === 'html') || (type === 'application/*' && format !== 'html');
      if (matches && (!best || q > best.q || (q === best.q && order < best.order))) best = { format, q, order };
    });
  }
  return (best as { format: SimpleFormat } | null)?.format ?? null;
}

export function simpleContentType(format: SimpleFormat): string {
  return FORMATS.find(([f]) => f === format)![1];
}

/** PEP 691 JSON, api-version 1.1 (sizes and upload times; `versions` lists every release on the page). */
export function renderSimpleJson(project: SimpleProject, versions: readonly string[]): string {
  return JSON.stringify({ meta: { 'api-version': '1.1' }, name: project.name, versions, files: project.files });
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** PEP 503 HTML: one anchor per file, the hash in the fragment, PEP 503/592 data attributes. */
export function renderSimpleHtml(project: SimpleProject): string {
  const links = project.files.map((f) => {
    const hash = f.hashes.sha256 ? `#sha256=${f.hashes.sha256}` : '';
    const attrs = [
      `href="${esc(f.url + hash)}"`,
      ...(f['requires-python'] ? [`data-requires-python="${esc(f['requires-python'])}"`] : []),
      ...(f.yanked !== undefined ? [`data-yanked="${esc(f.yanked === true ? '' : f.yanked)}"`] : []),
    ];
    return `<a ${attrs.join(' ')}>${esc(f.filename)}</a><br/>`;
  });
  const title = `Links for ${esc(project.name)}`;
  return `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1"><title>${title}</title></head>\n<body><h1>${title}</h1>\n${links.join('\n')}\n</body></html>\n`;
}
