import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError, isAppError } from '../../shared/domain/errors.js';
import { checkPathEncoding, type HttpEvent, type HttpResult, header } from '../../shared/http/apigw.js';
import { problemResponses } from '../../shared/http/middleware/problem-responses.js';
import { actionIdOf } from './action-id.js';
import { grantingRole, type TokenVerifier } from './auth.js';
import { corsHeaders, preflight } from './cors.js';
import type { HimRequest, HimRoute } from './route-kit.js';
import { matchPath } from './router.js';
import { ROUTES } from './routes.js';
import type { HimDeps } from './use-cases/context.js';

export interface HimHandlerDeps {
  him: HimDeps;
  logger: Logger;
  verifyToken: TokenVerifier;
  /** Browser origins allowed to call the API (HIM_CORS_ORIGINS). */
  corsOrigins: readonly string[];
}

/** The one route of the HIM API: the function routes the proxy path itself. */
export const HIM_ROUTE = 'ANY /v1/him/{proxy+}';
export const HIM_ROUTES = [HIM_ROUTE] as const;

export type HimHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/**
 * The HIM API function: bearer token (jose), route, role, use case, audit entry.
 * Every call but `whoami` is audited, refusals included; the entry is written
 * before the response leaves, so a note is never shown without its PHI-access
 * record. Each entry names the HIM action it belongs to (`X-HIM-Action`, or an
 * id the cell makes), so a console action that reached five cells reads as one. Tests pass their own deps; deps.ts wires production.
 */
export function makeHimHandler(deps: HimHandlerDeps): HimHandler {
  const { logger, him } = deps;
  const api = middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemResponses({ logger }))
    .handler(async (event) => {
      checkPathEncoding(event);
      const principal = await deps.verifyToken(header(event, 'authorization'));
      const actionId = actionIdOf(event, him.ids);
      const method = event.requestContext.http.method.toUpperCase();
      const match = matchPath(ROUTES, method, event.pathParameters?.proxy ?? '');
      if (match.kind === 'not-found') throw new AppError('not-found', 'no such HIM API resource');
      if (match.kind === 'method-not-allowed')
        throw new AppError('method-not-allowed', `use ${match.allow.join(' or ')}`, { allow: match.allow });
      const route = match.route;
      const req: HimRequest = {
        deps: him,
        principal,
        params: match.params,
        query: event.queryStringParameters ?? {},
        event,
      };
      const role = grantingRole(principal, route.roles);
      if (!route.action) {
        if (!role) throw forbidden(route);
        return route.run(req);
      }
      // Every call is recorded, in its own cell, with the action id that groups a console
      // action's calls: nothing outside the sealed chain decides whether a call is audited.
      const phi = route.purpose !== undefined;
      const audit = (outcome: string) =>
        him.audit.append({
          at: him.clock.now().toISOString(),
          actor: `him:${principal.user}`,
          role: role ?? (principal.roles.join('+') || 'none'),
          action: route.action as string,
          actionId,
          target: route.target(req),
          ...(route.purpose?.(req) ? { purpose: route.purpose(req) } : {}),
          ...(req.patientRef ? { patientRef: req.patientRef } : {}),
          ...(phi && 'country' in principal.location ? { viewerCountry: principal.location.country } : {}),
          sourceIp: event.requestContext.http.sourceIp,
          outcome,
        });
      if (!role) {
        await audit('forbidden');
        throw forbidden(route);
      }
      let result: HttpResult;
      try {
        result = await route.run(req);
      } catch (error) {
        await audit(isAppError(error) ? error.code : 'internal');
        throw error;
      }
      await audit('ok');
      logger.info('him request', { action: route.action, outcome: 'ok', status: result.statusCode });
      return result;
    });

  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    if (event.requestContext.http.method === 'OPTIONS') return preflight(event, deps.corsOrigins);
    const result = await api(event, context);
    const headers = { ...result.headers, ...corsHeaders(event, deps.corsOrigins) };
    if (result.statusCode === 401) headers['www-authenticate'] = 'Bearer realm="visitbridge-him"';
    return { ...result, headers };
  };
}

const forbidden = (route: HimRoute) =>
  new AppError('forbidden', `this call needs one of the roles ${route.roles.join(', ')}`, {
    requiredRoles: route.roles,
  });
