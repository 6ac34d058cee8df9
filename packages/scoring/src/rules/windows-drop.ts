/**
 * A Windows dropper's first step, seen in the windows view: code written into the user's roaming
 * profile, the Startup folder or ProgramData (`%APPDATA%\Microsoft\...\x.pyw`, a browser extension under
 * `%APPDATA%\Extension`). Under the view `%APPDATA%` is `C:\Users\<user>\AppData\Roaming`: Python's fake maps
 * it onto the planted drive (`/mnt/c/Users/<user>/AppData/Roaming`); elsewhere (Node) it is a relative name on
 * Linux, so the file lands in the working folder with that path in its name. Benign installers that
 * run on Windows cache downloads under `%LOCALAPPDATA%` (Electron, Cypress, Puppeteer), which this leaves
 * out; no code of a package's install belongs in the roaming profile or Startup.
 */
import { clip } from '../commands.js';
import { hit, type ScoringContext } from '../context.js';
import type { EvidenceRef, RuleHit } from '../types.js';
import { writeRef } from './evidence.js';

const PLACE =
  /(?:C:|\/mnt\/c)[\\/]+(?:Users[\\/]+[^\\/]+[\\/]+AppData[\\/]+Roaming|ProgramData)[\\/]|[\\/]Start Menu[\\/]+Programs[\\/]+Startup[\\/]/i;
const CODE = /\.(?:exe|dll|scr|com|pif|pyw?|vbs|vbe|js|jse|wsf|hta|bat|cmd|ps1|lnk|jar)$/i;
const CONTENT = new Set(['write', 'create', 'truncate', 'rename', 'link']);

export function windowsDrop(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  const seen = new Set<string>();
  context.report.fileWrites.forEach((write, index) => {
    if (!CONTENT.has(write.operation) || write.result !== 'ok' || seen.has(write.path)) return;
    if (!PLACE.test(write.path) || !CODE.test(write.path)) return;
    seen.add(write.path);
    evidence.push(writeRef(write, index));
  });
  if (evidence.length === 0) return [];
  return [hit('windows-payload.drop', `Code was written into the Windows profile: ${clip(evidence[0]!.path ?? '', 160)}.`, evidence)];
}
