import { readStore, restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('bad input gets a 4xx with an error code and queues nothing', async ({ app, server }) => {
  const accepted = await restFetch(app, 'POST', '/api/todos', { id: 'kept', title: 'accepted before' });
  expect(accepted.status).toBe(201);
  await expect.poll(() => server.appliedMutationCount()).toBe(1);

  const cases: [string, string, unknown, number, string][] = [
    ['POST', '/api/todos', '{"title": "unterminated', 400, 'invalid_json'],
    ['POST', '/api/todos', '[1, 2]', 400, 'invalid_body'],
    ['POST', '/api/todos', { id: 'kept', title: 'same id again' }, 409, 'already_exists'],
    ['POST', '/api/todos', { id: 42 }, 400, 'invalid_id'],
    ['PATCH', '/api/todos/kept', 'null', 400, 'invalid_body'],
    ['PATCH', '/api/todos/missing', { title: 'x' }, 404, 'not_found'],
    ['DELETE', '/api/todos/missing', undefined, 404, 'not_found'],
    ['GET', '/api/todos?_limit=-1', undefined, 400, 'invalid_query'],
    ['GET', '/api/todos?_embed=owner', undefined, 400, 'invalid_query'],
    ['GET', '/api/todos/%E0%A4%A', undefined, 400, 'invalid_url'],
    // Values the server could never store are refused before they reach the outbox.
    ['POST', '/api/todos', { title: 'nul \u0000 inside' }, 400, 'invalid_text'],
    ['POST', '/api/todos', '{"title": "half a pair \\ud83d"}', 400, 'invalid_text'],
    ['POST', '/api/todos', { 'key\u0000': 1 }, 400, 'invalid_text'],
    ['POST', '/api/todos', '{"title": "far", "at": 1e400}', 400, 'invalid_number'],
    ['POST', '/api/todos', `${'{"a":'.repeat(4000)}1${'}'.repeat(4000)}`, 400, 'record_too_deep'],
    ['POST', '/api/todos', { id: 'nul\u0000id' }, 400, 'invalid_id'],
    ['PATCH', '/api/todos/kept', { title: 'abc\ud800' }, 400, 'invalid_text'],
  ];
  for (const [method, url, body, status, code] of cases) {
    const answer = await restFetch(app, method, url, body);
    expect({
      method,
      url,
      status: answer.status,
      code: (answer.body as { error: { code: string } }).error.code,
    }).toEqual({
      method,
      url,
      status,
      code,
    });
  }

  expect(await readStore(app, 'outbox')).toHaveLength(0);
  expect((await readStore<{ id: string; title: string }>(app, 'todos')).map((todo) => todo.title)).toEqual([
    'accepted before',
  ]);
  expect((await app.evaluate(() => window.syncClient.status())).pending).toBe(0);
  expect(await server.appliedMutationCount()).toBe(1);
});
