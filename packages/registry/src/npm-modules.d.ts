// The parts of npm's own libraries this adapter uses (they ship no type declarations).
declare module '@npmcli/arborist' {
  interface ArboristOptions {
    path: string;
    registry?: string;
    cache?: string;
    allowGit?: 'all' | 'none' | 'root';
    allowRemote?: 'all' | 'none' | 'root';
    allowFile?: 'all' | 'none' | 'root';
    allowDirectory?: 'all' | 'none' | 'root';
    ignoreScripts?: boolean;
    audit?: boolean;
    fund?: boolean;
    [key: string]: unknown;
  }
  export default class Arborist {
    constructor(options: ArboristOptions);
    reify(options: ArboristOptions & { add?: string[]; packageLockOnly?: boolean; save?: boolean }): Promise<unknown>;
  }
}

declare module 'pacote' {
  interface PacoteOptions {
    integrity?: string;
    cache?: string;
    registry?: string;
    [key: string]: unknown;
  }
  const pacote: {
    tarball(spec: string, options?: PacoteOptions): Promise<Buffer & { integrity: string; resolved: string }>;
    manifest(
      spec: string,
      options?: PacoteOptions,
    ): Promise<{ name: string; version: string; _integrity?: string; _resolved?: string; dist?: { integrity?: string; shasum?: string } }>;
  };
  export default pacote;
}
