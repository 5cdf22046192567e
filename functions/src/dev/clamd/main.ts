import { parseArgs } from 'node:util';
import { startClamd } from '.';

/**
 * `node functions/lib/dev/clamd/main.js [--port N] [--database-dir DIR]`: runs a real clamd on
 * loopback with the repository's test signatures (or DIR) until Ctrl-C, and prints the clamav
 * engine config that reaches it, for `strata scan --config`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'database-dir': { type: 'string' } } });
  const clamd = await startClamd({
    port: values.port === undefined ? undefined : Number(values.port),
    databaseDir: values['database-dir'],
    keepRunDir: true,
  });
  console.log(`clamd ${await clamd.client.version()} listening on ${clamd.host}:${clamd.port} (pid ${clamd.pid})`);
  console.log(`config: ${clamd.configFile}\nlog: ${clamd.logFile}`);
  console.log(`engine config: ${JSON.stringify({ engines: { clamav: clamd.engineConfig } })}`);
  const stop = () => {
    void clamd.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
