#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createServer } from './create-server.ts';

const USAGE = `Usage: syncworker serve [--port 8787] [--host 127.0.0.1] [--db <folder>|memory|postgres://…]
                        [--auth none] [--static <folder>]`;

/** `syncworker serve`: runs the reference sync server until SIGINT/SIGTERM. */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      db: { type: 'string', default: './.syncworker-data' },
      auth: { type: 'string', default: 'none' },
      static: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'serve') {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (values.auth !== 'none') throw new Error(`--auth ${values.auth} is not supported yet; use --auth none`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, not "${values.port}"`);
  const server = await createServer({ db: values.db, ...(values.static ? { staticDir: values.static } : {}) });
  const listening = await server.listen(port, values.host);
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'syncworker listening',
      url: `http://${values.host}:${listening}`,
      db: values.db,
    }),
  );
  const stop = () => {
    console.log(JSON.stringify({ level: 'info', msg: 'syncworker shutting down' }));
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`syncworker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
