/**
 * Code that waits or looks at the date: a reason for the time view (a run with the clock moved forward
 * and sleeps sped up). Payloads outwait sandboxes with long timers and sleeps in detached children, or act
 * only some days after the install or after a date. Only strong forms count (a long literal delay, a
 * detached child, a date literal or an epoch compared), since nearly every package reads the clock.
 * Pure: texts in, short descriptions out.
 */
const GATES: { label: string; pattern: RegExp }[] = [
  // setTimeout(fn, 200000), setTimeout(fn, 15 * 1000), setInterval(..., 60*60*1000)
  { label: 'a long timer', pattern: /set(?:Timeout|Interval)\s*\([\s\S]{0,400}?,\s*(?:\d{5,}|\d+\s*\*\s*\d+(?:\s*\*\s*\d+)*)\s*\)/ },
  { label: 'a long sleep', pattern: /\b(?:time\.)?sleep\s*\(\s*(?:\d{2,}|\d+\s*\*\s*\d+)|\bsleep\s+\d{2,}\b/ },
  {
    label: 'a detached child',
    pattern: /detached\s*:\s*(?:true|!0)|\bos\.fork\s*\(|\bsetsid\b|\bnohup\b|\bdaemon(?:ize)?\s*\(|os\.setsid\s*\(/,
  },
  { label: 'a date literal', pattern: /new\s+Date\s*\(\s*['"`]\d{4}-\d{2}|Date\.parse\s*\(|datetime\s*\(\s*20\d\d\s*,|\b1[7-9]\d{11}\b/ },
  { label: 'a days-long span', pattern: /\b86400(?:000)?\b|\b24\s*\*\s*(?:60\s*\*\s*60|3600)\b|timedelta\s*\(\s*days\s*=/ },
  { label: 'an install-age check', pattern: /\b(?:birthtime|mtime|ctime)(?:Ms)?\b[\s\S]{0,200}Date\.now|getmtime\s*\(|st_mtime/ },
];

export function timeGateReferences(files: readonly { path: string; text?: string }[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    if (!file.text) continue;
    for (const { label, pattern } of GATES) if (pattern.test(file.text)) found.add(`${label} (${file.path.replace(/^[^/]+\//, '')})`);
  }
  return [...found].sort().slice(0, 5);
}
