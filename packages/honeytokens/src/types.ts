/** Kinds of planted credentials; a read or a leak of any of them is evidence against the package. */
export type HoneytokenKind =
  | 'npm-token'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'ssh-private-key'
  | 'github-token'
  | 'dotenv-secret'
  | 'browser-profile'
  | 'crypto-wallet';

export interface Honeytoken {
  id: string;
  kind: HoneytokenKind;
  /** The secret itself; unique per run, so any sighting in egress is proof it came from this run. */
  value: string;
  /** Files (absolute, in the sandbox) and environment variables that carry it. */
  files: string[];
  envVars: string[];
}

export interface PlantedFile {
  path: string;
  content: Uint8Array;
  mode: number;
}

export interface HoneytokenPlan {
  tokens: Honeytoken[];
  files: PlantedFile[];
  env: Record<string, string>;
}
