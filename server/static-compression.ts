import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** A content coding the static file server can answer with. */
export type ContentEncoding = 'br' | 'gzip';

/** Below this size compression saves less than the headers it costs. */
const MIN_COMPRESSED_BYTES = 1024;
/** How many bytes of compressed files are kept, across servers in one process (oldest dropped first). */
const CACHE_BYTES = 32 * 1024 * 1024;

const compressors: Record<ContentEncoding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 5: most of brotli's gain at on-the-fly speed; each result is cached below.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  gzip: (body) => promisify(gzip)(body),
};

/** Whether files of this `Content-Type` are worth compressing (text, JSON, SVG, WebAssembly). */
export function isCompressible(contentType: string): boolean {
  return /^(text\/|application\/(json|manifest\+json|javascript|wasm|xml)|image\/svg\+xml)/.test(contentType);
}

/**
 * The coding to answer a request's `Accept-Encoding` with: brotli, else gzip, else none. Honours
 * `q` values (`br;q=0` refuses brotli) and `*`.
 */
export function negotiateEncoding(acceptEncoding: string | undefined): ContentEncoding | null {
  const weights = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (coding: string) => weights.get(coding) ?? weights.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).filter((coding) => weight(coding) > 0);
  return best.sort((a, b) => weight(b) - weight(a))[0] ?? null;
}

/** Compressed copies of files, keyed by path, size, modification time and coding. */
const cache = new Map<string, Buffer>();
let cachedBytes = 0;

/**
 * The file's body in `encoding`, or null when compressing does not pay (a small file, or no
 * smaller result). Results are cached until the file changes.
 */
export async function compressedBody(
  file: { path: string; size: number; mtimeMs: number },
  body: Buffer,
  encoding: ContentEncoding,
): Promise<Buffer | null> {
  if (body.length < MIN_COMPRESSED_BYTES) return null;
  const key = `${encoding}:${file.size}:${file.mtimeMs}:${file.path}`;
  let compressed = cache.get(key);
  if (!compressed) {
    compressed = await compressors[encoding](body);
    cache.set(key, compressed);
    cachedBytes += compressed.length;
    for (const [oldKey, old] of cache) {
      if (cachedBytes <= CACHE_BYTES) break;
      cache.delete(oldKey);
      cachedBytes -= old.length;
    }
  }
  return compressed.length < body.length ? compressed : null;
}
