import { appSchema, tableSchema } from '@nozbe/watermelondb';
import { addColumns, createTable, schemaMigrations } from '@nozbe/watermelondb/Schema/migrations';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';
import { signHs256, validClaims } from './test-tokens.ts';
import { type WatermelonClientOptions, WatermelonTestClient, watermelonErrors } from './watermelon-test-clients.ts';
import { NativeTestClient } from './watermelon-test-native-client.ts';

const SECRET = 'watermelon-client-test-secret';
const todos = tableSchema({
  name: 'todos',
  columns: [
    { name: 'title', type: 'string' },
    { name: 'done', type: 'boolean' },
  ],
});
const notes = tableSchema({ name: 'notes', columns: [{ name: 'body', type: 'string' }] });
const SCHEMA = appSchema({ version: 1, tables: [todos, notes] });

describe.each(TEST_BACKENDS)('the WatermelonDB client (LokiJS) syncing with the server on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;
  let users = 0;
  let opened: WatermelonTestClient[] = [];
  /** A fresh user for each test, so tests share one server. */
  let token = '';

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location, {
      auth: { mode: 'jwt', secret: SECRET },
      // notes: an update wins over a deletion there.
      collections: { todos: {}, notes: { conflict: 'client-wins' }, projects: {} },
    });
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });
  beforeEach(() => {
    users += 1;
    token = signHs256(validClaims(`user-${users}`), SECRET);
    watermelonErrors.length = 0;
  });
  afterEach(() => {
    for (const client of opened) client.close();
    opened = [];
  });

  const watermelon = (options: Partial<WatermelonClientOptions> = {}) => {
    const client = WatermelonTestClient.open({ url: api.url, token, schema: SCHEMA, ...options });
    opened.push(client);
    return client;
  };
  const native = (clientId: string) => new NativeTestClient(api.url, `${clientId}-${users}`, token);
  const titles = async (client: WatermelonTestClient | NativeTestClient) =>
    [...(await client.records('todos')).values()].map((fields) => fields.title).sort();

  it("completes a new user's first sync, with and without local records to push", async () => {
    await watermelon().sync();
    const offline = watermelon();
    await offline.create('todos', { title: 'written before the first sync', done: false });
    await offline.sync();
    await offline.sync();
    const other = watermelon();
    await other.sync();
    expect(await titles(other)).toEqual(['written before the first sync']);
    expect(watermelonErrors).toEqual([]);
  });

  it('round-trips creations, updates and deletions between two WatermelonDB clients and a syncworker client', async () => {
    const phone = watermelon({ clientId: 'phone' });
    const tablet = watermelon({ clientId: 'tablet' });
    const browser = native('browser');
    const milk = await phone.create('todos', { title: 'milk', done: false });
    await phone.sync();
    await tablet.sync();
    await browser.sync();
    expect(await titles(tablet)).toEqual(['milk']);
    expect(await titles(browser)).toEqual(['milk']);

    await tablet.update('todos', milk, { done: true });
    const bread = await tablet.create('todos', { title: 'bread', done: false });
    await tablet.sync();
    browser.create('todos', 'eggs1', { title: 'eggs', done: false });
    browser.update('todos', milk, { title: 'oat milk' });
    await browser.sync();
    await phone.sync();
    await phone.delete('todos', bread);
    await phone.sync();
    await tablet.sync();
    await browser.sync();
    await phone.sync();

    const expected = new Map([
      [milk, { title: 'oat milk', done: true }],
      ['eggs1', { title: 'eggs', done: false }],
    ]);
    expect(await phone.records('todos')).toEqual(expected);
    expect(await tablet.records('todos')).toEqual(expected);
    expect(browser.records('todos')).toEqual(expected);
    expect(watermelonErrors).toEqual([]);
  });

  it('keeps a record deleted after it was synced deleted, also when the same client created it', async () => {
    const phone = watermelon();
    await phone.create('todos', { title: 'kept', done: false });
    await phone.sync();
    const id = await phone.create('todos', { title: 'short-lived', done: false });
    await phone.sync();
    await phone.delete('todos', id);
    await phone.sync();
    await phone.sync();
    const other = watermelon();
    await other.sync();
    expect(await titles(phone)).toEqual(['kept']);
    expect(await titles(other)).toEqual(['kept']);
  });

  it('drops its own records that another WatermelonDB client or a syncworker client deleted, and never brings them back', async () => {
    const phone = watermelon({ clientId: 'phone' });
    const laptop = watermelon({ clientId: 'laptop' });
    const browser = native('browser');
    const first = await phone.create('todos', { title: 'deleted by the laptop', done: false });
    const second = await phone.create('todos', { title: 'deleted by the browser', done: false });
    await phone.create('todos', { title: 'kept', done: false });
    await phone.sync();
    await laptop.sync();
    await browser.sync();
    await laptop.delete('todos', first);
    await laptop.sync();
    browser.delete('todos', second);
    await browser.sync();

    await phone.sync();
    expect(await titles(phone)).toEqual(['kept']);
    // Editing what is left, and syncing again, brings nothing back for anyone.
    const [kept] = [...(await phone.records('todos')).keys()];
    await phone.update('todos', kept as string, { done: true });
    await phone.sync();
    await laptop.sync();
    await browser.sync();
    for (const client of [phone, laptop, browser]) expect(await titles(client)).toEqual(['kept']);
  });

  it('lets two clients delete the same record between their pull and push', async () => {
    const phone = watermelon();
    const tablet = watermelon();
    const id = await phone.create('todos', { title: 'deleted twice', done: false });
    await phone.sync();
    await tablet.sync();
    await phone.delete('todos', id);
    await tablet.delete('todos', id);
    // The tablet deletes it on the server while the phone is between its pull and its push.
    await phone.sync({ beforePush: () => tablet.sync() });
    await tablet.sync();
    expect(await phone.records('todos')).toEqual(new Map());
    expect(await tablet.records('todos')).toEqual(new Map());
  });

  it('lets a deletion win over an update made at the same time: the updater is refused, then drops the record', async () => {
    const phone = watermelon();
    const tablet = watermelon();
    const id = await phone.create('todos', { title: 'contested', done: false });
    await phone.sync();
    await tablet.sync();
    await phone.update('todos', id, { title: 'edited', done: true });
    await tablet.delete('todos', id);
    await expect(phone.sync({ beforePush: () => tablet.sync() })).rejects.toThrow(/"code":"conflict"/);
    await phone.sync();
    await tablet.sync();
    expect(await phone.records('todos')).toEqual(new Map());
    expect(await tablet.records('todos')).toEqual(new Map());

    // Likewise against a syncworker client's deletion.
    const browser = native('browser');
    const other = await phone.create('todos', { title: 'contested again', done: false });
    await phone.sync();
    await browser.sync();
    await phone.update('todos', other, { done: true });
    browser.delete('todos', other);
    await browser.sync();
    await phone.sync();
    expect(await phone.records('todos')).toEqual(new Map());
  });

  it('lets an update bring a deleted record back where the collection’s strategy says so (client-wins)', async () => {
    const phone = watermelon();
    const tablet = watermelon();
    const id = await phone.create('notes', { body: 'draft' });
    await phone.sync();
    await tablet.sync();
    await phone.update('notes', id, { body: 'final' });
    await tablet.delete('notes', id);
    await phone.sync({ beforePush: () => tablet.sync() });
    await tablet.sync();
    const expected = new Map([[id, { body: 'final' }]]);
    expect(await phone.records('notes')).toEqual(expected);
    expect(await tablet.records('notes')).toEqual(expected);
  });

  it('answers a migration sync with the older records of an added table and the values of added columns', async () => {
    const todosV2 = tableSchema({
      name: 'todos',
      columns: [
        { name: 'title', type: 'string' },
        { name: 'done', type: 'boolean' },
        { name: 'priority', type: 'number' },
      ],
    });
    const projects = tableSchema({ name: 'projects', columns: [{ name: 'name', type: 'string' }] });
    const schemaV2 = appSchema({ version: 2, tables: [todosV2, notes, projects] });
    const migrations = schemaMigrations({
      migrations: [
        {
          toVersion: 2,
          steps: [
            createTable({ name: 'projects', columns: [{ name: 'name', type: 'string' }] }),
            addColumns({ table: 'todos', columns: [{ name: 'priority', type: 'number' }] }),
          ],
        },
      ],
    });
    // A newer app (here: a syncworker client) already writes projects and priorities.
    const browser = native('browser');
    browser.create('projects', 'p1', { name: 'home' });
    browser.create('todos', 't1', { title: 'urgent', done: false, priority: 3 });
    browser.create('todos', 't2', { title: 'whenever', done: false, priority: 0 });
    await browser.sync();
    const old = watermelon();
    await old.sync();
    expect(await titles(old)).toEqual(['urgent', 'whenever']);

    const upgraded = await old.upgrade(schemaV2, migrations);
    opened.push(upgraded);
    await upgraded.sync();
    expect(await upgraded.records('projects')).toEqual(new Map([['p1', { name: 'home' }]]));
    expect(await upgraded.records('todos')).toEqual(
      new Map([
        ['t1', { title: 'urgent', done: false, priority: 3 }],
        ['t2', { title: 'whenever', done: false, priority: 0 }],
      ]),
    );
  });
});
