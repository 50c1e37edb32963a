#!/usr/bin/env node
import { parseServeArgs, USAGE } from './cli-options.ts';
import { createServer } from './create-server.ts';
import { jsonLogger } from './logger.ts';

/** `syncworker serve`: runs the reference sync server until SIGINT/SIGTERM. */
async function main(argv: string[]): Promise<void> {
  const parsed = await parseServeArgs(argv);
  if (!parsed) {
    console.log(USAGE);
    process.exitCode = argv.includes('--help') || argv.includes('-h') ? 0 : 2;
    return;
  }
  const server = await createServer(parsed.options);
  const port = await server.listen(parsed.port, parsed.host);
  jsonLogger({
    level: 'info',
    msg: 'syncworker listening',
    url: `http://${parsed.host}:${port}`,
    db: parsed.options.db,
  });
  const stop = (signal: string) => {
    jsonLogger({ level: 'info', msg: 'shutting down', signal });
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`syncworker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
