import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../functions/src/dev/emulators';

export const GATEWAY_SCRIPT = join(__dirname, '..', '..', 'infra', 'clamav', 'gateway.js');

export interface GatewayProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs infra/clamav/gateway.js (the Cloud Run container's front) in front of a clamd port. */
export async function startGateway(clamdPort: number, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [GATEWAY_SCRIPT], {
    env: { ...process.env, PORT: String(port), CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(clamdPort), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null) throw new Error(`gateway exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('gateway did not listen within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
