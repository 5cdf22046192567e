import { parseArgs } from 'node:util';
import { StrataError } from '../../core/errors';
import { GmailStandin } from './standin';

/**
 * Runs the Gmail stand-in as its own process, for the demo:
 *
 *   node functions/lib/dev/gmail-standin/main.js --port 8085 --mailboxes a@x.test,b@x.test \
 *        --pubsub-topic projects/P/topics/T
 *
 * Prints one JSON line `{"url": ...}` on stdout once listening; SIGINT/SIGTERM stop it.
 */

const USAGE = `Usage: gmail-standin [--port N] [--host H] [--mailboxes a@x,b@x] [--admins a@x] [--pubsub-topic projects/P/topics/T]
                     [--project P] [--units-per-minute N] [--notification-window-ms N] [--retained-history N] [--seed N]

  --pubsub-topic T   watch every listed mailbox on T at start (as if Strata had called users.watch)
  --project P        only accept watch topics of project P (Gmail requires the caller's project)`;

export interface StartedStandin {
  standin: GmailStandin;
  url: string;
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new StrataError('gmail_standin.usage', `${flag} needs a non-negative integer, got '${value}'`);
  return parsed;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export async function startFromArgs(argv: string[]): Promise<StartedStandin> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      mailboxes: { type: 'string' },
      admins: { type: 'string' },
      'pubsub-topic': { type: 'string' },
      project: { type: 'string' },
      'units-per-minute': { type: 'string' },
      'notification-window-ms': { type: 'string' },
      'retained-history': { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  const unitsPerMinute = integer(values['units-per-minute'], '--units-per-minute');
  const notificationWindowMs = integer(values['notification-window-ms'], '--notification-window-ms');
  const retainedHistoryRecords = integer(values['retained-history'], '--retained-history');
  const seed = integer(values.seed, '--seed');
  const standin = new GmailStandin({
    ...(values.project ? { projectId: values.project } : {}),
    ...(unitsPerMinute !== undefined ? { quota: { unitsPerMinutePerUser: unitsPerMinute } } : {}),
    ...(notificationWindowMs !== undefined ? { notificationWindowMs } : {}),
    ...(retainedHistoryRecords !== undefined ? { retainedHistoryRecords } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  const admins = new Set(list(values.admins).map((email) => email.toLowerCase()));
  for (const email of list(values.mailboxes)) standin.addMailbox(email, { isAdmin: admins.has(email.toLowerCase()) });
  for (const email of admins) standin.addMailbox(email, { isAdmin: true });
  const { url } = await standin.start(integer(values.port, '--port') ?? 0, values.host ?? '127.0.0.1');
  const topic = values['pubsub-topic'];
  if (topic) {
    for (const email of standin.mailboxNames()) {
      const response = await fetch(`${url}gmail/v1/users/${encodeURIComponent(email)}/watch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${email}`, 'content-type': 'application/json' },
        body: JSON.stringify({ topicName: topic }),
      });
      if (!response.ok) console.error(`gmail-standin: watching ${email} on ${topic} failed: HTTP ${response.status} ${await response.text()}`);
    }
    standin.resetStats();
  }
  return { standin, url };
}

async function main(): Promise<void> {
  let started: StartedStandin;
  try {
    started = await startFromArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`gmail-standin: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${JSON.stringify({ url: started.url, mailboxes: started.standin.mailboxNames() })}\n`);
  const shutdown = (): void => {
    void started.standin.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) void main();
