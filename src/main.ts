import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, RunningApp } from './app.factory';
import { ConfigValidationError, loadConfig } from './config/app-config';
import { applyDevSecrets, devSecretsPath } from './config/dev-secrets';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Wismo');
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const dev = applyDevSecrets(config);
  config = dev.config;

  const started = Date.now();
  let running: RunningApp | undefined;
  let stopping = 0;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // npm and the terminal both deliver one Ctrl-C; only a later, deliberate second signal forces the exit.
      if (Date.now() - stopping < 3000) return;
      logger.warn(`${signal} again: exiting now`);
      running?.forceStop();
      process.exit(130);
    }
    stopping = Date.now();
    logger.log(`${signal}: draining HTTP, finishing in-flight jobs, stopping the database`);
    const force = setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
      running?.forceStop();
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    try {
      await running?.close();
      process.exit(0);
    } catch (err) {
      logger.error(`Shutdown failed: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  // A second signal during shutdown exits at once.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  running = await createApp(config);
  if (stopping) return;
  await running.app.listen({ port: config.http.port, host: config.http.host });

  const base = `http://localhost:${config.http.port}`;
  const lines = [
    `Wismo is ready in ${Date.now() - started} ms (role ${config.role}, queues on ${config.queue.redisUrl ? 'Redis' : 'PostgreSQL'})`,
  ];
  if (config.role !== 'worker') {
    lines.push(
      `  Front page   ${base}/`,
      `  API docs     ${base}/docs`,
      `  Templates    ${base}/admin/templates`,
      `  Orders       ${base}/admin/orders`,
      `  Outbox       ${base}/outbox`,
      `  Demo store   ${base}/demo`,
    );
  }
  lines.push(`  Health       ${base}/health/ready`, `  Metrics      ${base}/metrics`);
  if (dev.applied.length) {
    lines.push(`  Development secrets (${dev.applied.join(', ')}) are in ${devSecretsPath(config.dataDir)}`);
  }
  logger.log(lines.join('\n'));
}

bootstrap().catch((err: Error) => {
  process.stderr.write(`Wismo failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
