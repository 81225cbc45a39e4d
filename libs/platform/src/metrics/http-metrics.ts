import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service';

/**
 * Observes every HTTP request's duration, labelled by the route pattern (not the raw URL, whose
 * ids would make one time series per request). A fastify hook rather than a Nest interceptor,
 * so 404s and errors thrown before a controller are counted too.
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration.observe(
      { route, method: request.method, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
