import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from './logging/logger';
import { PinoNestLogger } from './logging/nest-logger';
import { installHttpMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';

/** Largest request body any API accepts; bigger bodies get 413 before reaching a controller. */
export const httpBodyBytesMax = 1024 * 1024;

export interface BootstrapOptions {
  port: number;
  /** Loopback unless told otherwise. */
  host?: string;
  logger: Logger;
  /** Title and version shown at /docs. */
  title: string;
  version: string;
  description?: string;
}

/**
 * Creates the Nest app on fastify with JSON logging, a clean close on SIGTERM or SIGINT (consumers,
 * workers and pools in order), HTTP metrics, OpenAPI at /docs, and listens.
 */
export async function bootstrapApp(module: Type<unknown> | DynamicModule, options: BootstrapOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ bodyLimit: httpBodyBytesMax }), {
    logger: new PinoNestLogger(options.logger),
    // Throw instead of process.abort(): main logs the reason and exits 1.
    abortOnError: false,
  });
  closeOnSignals(app, options.logger);
  installHttpMetrics(app.getHttpAdapter().getInstance(), app.get(MetricsService));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setVersion(options.version)
      .setDescription(options.description ?? '')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);

  const host = options.host ?? '127.0.0.1';
  await app.listen(options.port, host);
  options.logger.info({ host, port: options.port }, 'listening');
  return app;
}

/** The signals that stop an app cleanly. */
const shutdownSignals = ['SIGTERM', 'SIGINT'] as const;

/**
 * On SIGTERM or SIGINT, closes the app (consumers, workers and pools in order, through Nest's
 * shutdown hooks) and exits 0. Nest's own `enableShutdownHooks` re-raises the signal after
 * closing, and a process killed by a signal never writes what node writes at exit: the CPU
 * profiles of `--cpu-prof` (APP_NODE_ARGS) were lost that way.
 */
function closeOnSignals(app: NestFastifyApplication, logger: Logger): void {
  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'closing');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  for (const signal of shutdownSignals) process.on(signal, close);
}

/** For `main`: runs the start, and on failure logs why and exits 1 instead of hanging half-started. */
export function startOrExit(logger: Logger, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    logger.fatal({ err: error }, 'start failed');
    process.exit(1);
  });
}
