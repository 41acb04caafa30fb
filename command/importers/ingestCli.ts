/** Placeholder until the importers land: the `ingest` subcommand's entry point. */
export const runIngestCli = async (_args: string[]): Promise<number> => {
  process.stderr.write('ingest: not implemented yet\n');
  return 2;
};
