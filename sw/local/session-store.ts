import { Dexie, type Table } from 'dexie';

interface SessionEntry {
  key: 'currentUser';
  userId: string | null;
}

/** Remembers which user is signed in, so a restarted worker opens the same user's database. */
export class SessionStore extends Dexie {
  declare session: Table<SessionEntry, string>;

  constructor(databaseName: string) {
    super(`${databaseName}-session`, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({ session: 'key' });
  }

  async currentUser(): Promise<string | null> {
    return (await this.session.get('currentUser'))?.userId ?? null;
  }

  async setCurrentUser(userId: string | null): Promise<void> {
    await this.session.put({ key: 'currentUser', userId });
  }
}
