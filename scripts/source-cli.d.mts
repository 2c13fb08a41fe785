// The types of source-cli.mjs, for the tests (TypeScript does not read the .mjs itself).

export interface SourceCli extends Disposable {
  /** The entry point: `node <entry> run 65 --repo DIR`. */
  entry: string
}

export function buildSourceCli(root?: string, cache?: string): SourceCli
