import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type ExportFile } from '../../protocol/data-export.ts';
import { SyncError, type SyncRecord } from '../../protocol/index.ts';

const OPS = ['create', 'update', 'delete', 'skip'];

/**
 * Reads an export file, checking every part an import relies on.
 * @throws {SyncError} `invalid_export` for anything but a whole syncworker export;
 *   `unsupported_export_version` for a format version this worker does not read.
 */
export function parseExportFile(text: string): ExportFile {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw invalid('the file is not JSON');
  }
  if (!isObject(file) || file.format !== EXPORT_FORMAT) throw invalid(`its "format" is not "${EXPORT_FORMAT}"`);
  if (file.version !== EXPORT_FORMAT_VERSION) {
    throw new SyncError(
      'unsupported_export_version',
      `This export has format version ${JSON.stringify(file.version)}; this worker reads version ${EXPORT_FORMAT_VERSION}. Update the app, or export again with this version`,
    );
  }
  if (file.user !== null && typeof file.user !== 'string') throw invalid('"user" must be a string or null');
  if (typeof file.clientId !== 'string' || file.clientId === '') throw invalid('"clientId" must be a string');
  if (file.cursor !== null && typeof file.cursor !== 'string') throw invalid('"cursor" must be a string or null');
  if (typeof file.exportedAt !== 'number') throw invalid('"exportedAt" must be a number');
  if (!isObject(file.collections)) throw invalid('"collections" must be an object');
  for (const [name, records] of Object.entries(file.collections)) {
    if (!Array.isArray(records) || !records.every(isRecord)) {
      throw invalid(`"collections.${name}" must be an array of records, each with a string "id"`);
    }
  }
  if (!Array.isArray(file.outbox)) throw invalid('"outbox" must be an array');
  file.outbox.forEach((mutation, index) => {
    const problem = mutationProblem(mutation);
    if (problem) throw invalid(`outbox[${index}] ${problem}`);
  });
  return file as unknown as ExportFile;
}

function mutationProblem(mutation: unknown): string | null {
  if (!isObject(mutation)) return 'is not an object';
  const { clientId, seq, id, collection, op, recordId, data, baseVersion, at } = mutation;
  if (typeof clientId !== 'string' || clientId === '') return 'has no "clientId"';
  if (!Number.isSafeInteger(seq) || (seq as number) < 1) return 'has no positive integer "seq"';
  if (typeof id !== 'string' || id === '') return 'has no mutation "id"';
  if (typeof collection !== 'string' || typeof recordId !== 'string') return 'has no "collection" and "recordId"';
  if (!OPS.includes(op as string)) return `has an unknown "op" ${JSON.stringify(op)}`;
  if (data !== undefined && !isObject(data)) return 'has a "data" that is not an object';
  if (baseVersion !== null && typeof baseVersion !== 'number') return 'has a "baseVersion" that is not a number';
  if (typeof at !== 'number') return 'has no "at" time';
  return null;
}

function isRecord(value: unknown): value is SyncRecord {
  return isObject(value) && typeof value.id === 'string' && value.id !== '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(problem: string): SyncError {
  return new SyncError('invalid_export', `This is not a usable syncworker export: ${problem}`);
}
