import type { SyncDatabase } from './database.ts';
import { pullChanges } from './pull.ts';
import { pushOutbox } from './push.ts';
import type { SyncTransport } from './sync-transport.ts';
import { uuidv7 } from './uuidv7.ts';

/** One sync run: push the whole outbox, then pull every change. Returns the collections that changed locally. */
export async function runSync(db: SyncDatabase, transport: SyncTransport): Promise<Set<string>> {
  const clientId = await clientIdOf(db);
  const changed = await pushOutbox(db, transport, clientId);
  for (const collection of await pullChanges(db, transport, clientId)) changed.add(collection);
  return changed;
}

/** This database's client id, created on first use and kept with the outbox it numbers. */
export async function clientIdOf(db: SyncDatabase): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await db.getMeta<string>('clientId');
    if (existing) return existing;
    const clientId = `c-${uuidv7()}`;
    await db.setMeta('clientId', clientId);
    return clientId;
  });
}
