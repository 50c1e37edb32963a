import { restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('a network-first route reads the server’s latest data, and local data when the server is gone', async ({
  app,
  server,
}) => {
  await server.push({
    clientId: 'other-device',
    mutations: [
      {
        seq: 1,
        id: 'n1',
        collection: 'notes',
        op: 'create',
        recordId: 'note-1',
        data: { text: 'from another device' },
        baseVersion: null,
        at: 1,
      },
    ],
  });
  const fresh = await restFetch(app, 'GET', '/api/notes');
  expect(fresh.body).toEqual([{ id: 'note-1', text: 'from another device', _version: 1 }]);

  await server.stop();
  const offline = await restFetch(app, 'GET', '/api/notes');
  expect(offline.status).toBe(200);
  expect((offline.body as { id: string }[]).map((note) => note.id)).toEqual(['note-1']);

  const local = await restFetch(app, 'GET', '/api/todos');
  expect(local.body).toEqual([]);
});
