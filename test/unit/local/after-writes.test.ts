import type { Context } from 'aws-lambda';
import { afterWrites, type Route } from '../../../infra/local/api-gateway.js';
import type { HttpEvent, HttpResult } from '../../../shared/http/apigw.js';

const ok: HttpResult = { statusCode: 200, body: '{}' };
const event = {} as HttpEvent;
const context = {} as Context;

function routes(failing: boolean): Route[] {
  const handler = async () => {
    if (failing) throw new Error('handler failed');
    return ok;
  };
  return ['GET /v1/him/notes', 'POST /v1/webhooks/{senderId}', 'ANY /v1/him/{proxy+}'].map((routeKey) => ({
    routeKey,
    handler,
    functionName: 'fn',
  }));
}

describe('afterWrites', () => {
  it('calls back after each route that may write, and not after a GET route', async () => {
    // Prepare
    const calls: string[] = [];
    const [get, post, any] = afterWrites(routes(false), () => calls.push('then'));
    // Act
    const answers = [
      await get?.handler(event, context),
      await post?.handler(event, context),
      await any?.handler(event, context),
    ];
    // Assess
    expect(answers).toEqual([ok, ok, ok]);
    expect(calls).toEqual(['then', 'then']);
  });

  it('calls back when the handler throws, and passes the error on', async () => {
    // Prepare
    let called = 0;
    const [, post] = afterWrites(routes(true), () => {
      called += 1;
    });
    // Act
    const answering = post?.handler(event, context);
    // Assess
    await expect(answering).rejects.toThrow('handler failed');
    expect(called).toBe(1);
  });
});
