import type { Attribution } from './report.js';

/** Kinds of planted credentials; a read or a leak of any of them is evidence against the package. */
export type HoneytokenKind =
  | 'npm-token'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'ssh-private-key'
  | 'github-token'
  | 'dotenv-secret'
  | 'browser-profile'
  | 'crypto-wallet'
  /** Not planted on disk or in the environment: handed to the package's functions by the call view. */
  | 'call-argument';

export interface Honeytoken {
  id: string;
  kind: HoneytokenKind;
  /** The secret itself; unique per run, so any sighting in egress is proof it came from this run. */
  value: string;
  /** Files (absolute, in the sandbox) and environment variables that carry it. */
  files: string[];
  envVars: string[];
}

/** A traced access of a file a token was planted in. npm reads ~/.npmrc itself: see `program`/`attribution`. */
export interface HoneytokenAccess {
  tokenId: string;
  kind: HoneytokenKind;
  path: string;
  phase: string;
  pid: number;
  time: number;
  operation: string;
  result: string;
  program: string | null;
  attribution: Attribution | null;
}

/** A planted value found in captured egress: proof of exfiltration. */
export interface HoneytokenExfiltration {
  tokenId: string;
  kind: HoneytokenKind;
  channel: 'dns' | 'http' | 'tcp' | 'udp';
  /** Where it went: hostname or address, and port. */
  destination: string;
  encoding: 'raw' | 'base64' | 'hex' | 'url' | 'reversed';
  time: number;
}

export interface HoneytokenFindings {
  planted: Honeytoken[];
  accessed: HoneytokenAccess[];
  exfiltrated: HoneytokenExfiltration[];
}
