/**
 * Known-normal behaviour, learned from runs of benign packages (and the empty-package control run):
 * signatures subtracted before the rules look, so npm's cache writes or a popular package's usual
 * download host do not count against a package. Plain sorted arrays, so the caller stores it as JSON.
 */
import type { SandboxReport } from '@airlock/core';
import { programName } from './commands.js';

export interface Baseline {
  /** Normalised paths (`<HOME>/.npm/_cacache/...`, `<TMP>/...`) written in benign runs. */
  writtenPaths: string[];
  /** Program names (basename, interpreter versions folded: `python3.11` -> `python3`) run by benign lifecycle scripts. */
  programs: string[];
  /** DNS names, and TCP/UDP hostnames (or addresses without one), contacted in benign runs. */
  hosts: string[];
}

export function emptyBaseline(): Baseline {
  return { writtenPaths: [], programs: [], hosts: [] };
}

/** Learns a baseline from reports of runs known to be benign. Pure: same reports, same baseline. */
export function baselineFromReports(reports: readonly SandboxReport[]): Baseline {
  const writtenPaths = new Set<string>();
  const programs = new Set<string>();
  const hosts = new Set<string>();
  for (const report of reports) {
    for (const write of report.fileWrites) writtenPaths.add(write.normalizedPath);
    for (const exec of report.processes) if (exec.attribution !== null) programs.add(programName(exec.path));
    for (const dns of report.network.dns) hosts.add(dns.qname.toLowerCase());
    for (const record of [...report.network.tcp, ...report.network.udp]) {
      const host = destinationHost(record.destination);
      if (host !== null) hosts.add(host);
    }
  }
  return { writtenPaths: sorted(writtenPaths), programs: sorted(programs), hosts: sorted(hosts) };
}

/** The name a destination is known by: its hostname, else its address; null when neither is known. */
export function destinationHost(destination: { hostname: string | null; address: string | null }): string | null {
  return destination.hostname?.toLowerCase() ?? destination.address ?? null;
}

const sorted = (values: Set<string>): string[] => [...values].sort();
