import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { AuthOptions } from './auth.ts';
import type { CollectionSchemas } from './collections.ts';
import type { ServerOptions } from './create-server.ts';
import { jsonLogger } from './logger.ts';

export const USAGE = `Usage: syncworker serve [options]

  --port <n>               port to listen on (default 8787)
  --host <address>         address to bind (default 127.0.0.1)
  --db <where>             folder for the embedded database (default ./.syncworker-data),
                           "memory", or a postgres://… URL
  --auth none|jwt          authentication (default none: one anonymous user)
  --jwt-secret <secret>    HS256 secret (or env SYNCWORKER_JWT_SECRET)
  --jwks <url|file>        JSON Web Key Set for RS256/ES256 tokens
  --jwt-algorithms <list>  accepted algorithms, comma-separated
  --jwt-audience <aud>     required audience
  --jwt-issuer <iss>       required issuer
  --collections <file>     schema.json: { name: { schema: <JSON Schema>, conflict } } per collection
  --max-watermelon-push-bytes <n>
                           largest WatermelonDB push body (default 16777216: 16 MiB)
  --rest-prefix <path>     prefix of the REST routes of the collections (default /api/:
                           /api/todos, /api/todos/:id), or "none" to turn them off
  --cors <origins>         origins allowed to call from browsers, comma-separated, or *
  --static <folder>        also serve an app's files from this folder
  --spa                    with --static: answer page loads of unknown paths with index.html`;

/** Parses `syncworker serve …` into server options; throws with a message on bad input. */
export async function parseServeArgs(
  argv: string[],
): Promise<{ options: ServerOptions; port: number; host: string } | null> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      db: { type: 'string', default: './.syncworker-data' },
      auth: { type: 'string', default: 'none' },
      'jwt-secret': { type: 'string' },
      jwks: { type: 'string' },
      'jwt-algorithms': { type: 'string' },
      'jwt-audience': { type: 'string' },
      'jwt-issuer': { type: 'string' },
      collections: { type: 'string' },
      'max-watermelon-push-bytes': { type: 'string' },
      'rest-prefix': { type: 'string' },
      cors: { type: 'string' },
      static: { type: 'string' },
      spa: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'serve') return null;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, not "${values.port}"`);
  const options: ServerOptions = { db: values.db, auth: authOptions(values), logger: jsonLogger };
  if (values.collections) {
    options.collections = JSON.parse(await readFile(values.collections, 'utf8')) as CollectionSchemas;
  }
  const maxWatermelonPushBytes = values['max-watermelon-push-bytes'];
  if (maxWatermelonPushBytes !== undefined) {
    const bytes = Number(maxWatermelonPushBytes);
    if (!Number.isSafeInteger(bytes) || bytes < 1) {
      throw new Error(`--max-watermelon-push-bytes must be a number of bytes, not "${maxWatermelonPushBytes}"`);
    }
    options.maxWatermelonPushBytes = bytes;
  }
  const restPrefix = values['rest-prefix'];
  if (restPrefix !== undefined) options.restPrefix = restPrefix === 'none' ? null : restPrefix;
  if (values.cors) options.allowedOrigins = values.cors === '*' ? '*' : values.cors.split(',');
  if (values.static) {
    const isFolder = await stat(values.static).then(
      (found) => found.isDirectory(),
      () => false,
    );
    if (!isFolder) throw new Error(`--static ${values.static} is not a folder`);
    options.staticDir = values.static;
  }
  const { auth } = options;
  if (auth?.mode === 'jwt' && auth.jwks && !/^https?:\/\//.test(auth.jwks)) {
    // A key set file is read at start, so a wrong path stops the server, not every request.
    await readFile(auth.jwks, 'utf8').then(JSON.parse, (error: unknown) => {
      throw new Error(`--jwks ${auth.jwks} cannot be read: ${String(error)}`);
    });
  }
  if (values.spa) {
    if (!values.static) throw new Error('--spa needs --static <folder>');
    options.spa = true;
  }
  return { options, port, host: values.host };
}

const JWT_OPTIONS = ['jwt-secret', 'jwks', 'jwt-algorithms', 'jwt-audience', 'jwt-issuer'] as const;

function authOptions(values: Record<string, string | boolean | undefined>): AuthOptions {
  if (values.auth === 'none') {
    const jwtOption = JWT_OPTIONS.find((name) => values[name] !== undefined);
    if (jwtOption) throw new Error(`--${jwtOption} needs --auth jwt; without it the server checks no tokens`);
    return { mode: 'none' };
  }
  if (values.auth !== 'jwt') throw new Error(`--auth must be none or jwt, not "${values.auth}"`);
  const secret = (values['jwt-secret'] as string | undefined) ?? process.env.SYNCWORKER_JWT_SECRET;
  const jwks = values.jwks as string | undefined;
  if (!secret && !jwks) throw new Error('--auth jwt needs --jwt-secret (or SYNCWORKER_JWT_SECRET) or --jwks');
  const auth: AuthOptions = { mode: 'jwt' };
  if (secret) auth.secret = secret;
  if (jwks) auth.jwks = jwks;
  if (typeof values['jwt-algorithms'] === 'string') auth.algorithms = values['jwt-algorithms'].split(',');
  if (typeof values['jwt-audience'] === 'string') auth.audience = values['jwt-audience'];
  if (typeof values['jwt-issuer'] === 'string') auth.issuer = values['jwt-issuer'];
  return auth;
}
