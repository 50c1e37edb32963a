import type { Mutation, PullResponse, PushResponse, SyncRecord } from '../protocol/index.ts';
import type { Records } from './watermelon-test-clients.ts';

type Fields = Record<string, unknown>;

/**
 * A client of the browser runtime's protocol with the service worker's rules: every local write
 * is queued with the record's `_version` as its base; a push result's record is adopted unless
 * later local writes of it still wait; a pull never overwrites a record with waiting writes.
 */
export class NativeTestClient {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #clientId: string;
  readonly #records = new Map<string, SyncRecord>();
  #outbox: Mutation[] = [];
  #seq = 0;
  #cursor: string | null = null;

  constructor(url: string, clientId: string, token?: string) {
    this.#url = url;
    this.#clientId = clientId;
    this.#headers = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  }

  create(collection: string, id: string, fields: Fields): void {
    this.#records.set(`${collection}/${id}`, { ...fields, id });
    this.#enqueue(collection, 'create', id, fields, null);
  }

  update(collection: string, id: string, fields: Fields): void {
    const record = this.#records.get(`${collection}/${id}`);
    if (!record) throw new Error(`${collection}/${id} is not here`);
    this.#records.set(`${collection}/${id}`, { ...record, ...fields });
    this.#enqueue(collection, 'update', id, fields, record._version ?? null);
  }

  delete(collection: string, id: string): void {
    const record = this.#records.get(`${collection}/${id}`);
    if (!record) throw new Error(`${collection}/${id} is not here`);
    this.#records.delete(`${collection}/${id}`);
    this.#enqueue(collection, 'delete', id, undefined, record._version ?? null);
  }

  /** Pushes the outbox, then pulls until there is no more. */
  async sync(): Promise<void> {
    if (this.#outbox.length > 0) {
      const sent = this.#outbox;
      const answer = await this.#post<PushResponse>('/sync/push', { clientId: this.#clientId, mutations: sent });
      this.#outbox = this.#outbox.filter((mutation) => mutation.seq > answer.lastAppliedSeq);
      for (const result of answer.results) {
        const mutation = sent.find((entry) => entry.seq === result.seq);
        if (!mutation || result.record === undefined || this.#isPending(mutation.collection, mutation.recordId))
          continue;
        this.#adopt(mutation.collection, mutation.recordId, result.record);
      }
    }
    for (let hasMore = true; hasMore; ) {
      const page = await this.#post<PullResponse>('/sync/pull', { clientId: this.#clientId, cursor: this.#cursor });
      for (const [collection, { upserted, deleted }] of Object.entries(page.changes)) {
        for (const record of upserted)
          if (!this.#isPending(collection, record.id)) this.#adopt(collection, record.id, record);
        for (const id of deleted) if (!this.#isPending(collection, id)) this.#adopt(collection, id, null);
      }
      this.#cursor = page.cursor;
      hasMore = page.hasMore;
    }
  }

  /** The live records of `collection`, as their fields. */
  records(collection: string): Records {
    const records: Records = new Map();
    for (const [key, { id, _version, ...fields }] of this.#records) {
      if (key.startsWith(`${collection}/`)) records.set(id, fields);
    }
    return records;
  }

  get pending(): number {
    return this.#outbox.length;
  }

  #enqueue(
    collection: string,
    op: Mutation['op'],
    recordId: string,
    data: Fields | undefined,
    baseVersion: number | null,
  ) {
    this.#seq += 1;
    this.#outbox.push({
      seq: this.#seq,
      id: `${this.#clientId}-${this.#seq}`,
      collection,
      op,
      recordId,
      ...(data ? { data } : {}),
      baseVersion,
      at: Date.now(),
    });
  }

  #isPending(collection: string, id: string): boolean {
    return this.#outbox.some((mutation) => mutation.collection === collection && mutation.recordId === id);
  }

  #adopt(collection: string, id: string, record: SyncRecord | null): void {
    if (record) this.#records.set(`${collection}/${id}`, record);
    else this.#records.delete(`${collection}/${id}`);
  }

  async #post<T>(path: string, body: object): Promise<T> {
    const response = await fetch(this.#url + path, {
      method: 'POST',
      headers: this.#headers,
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}
