/**
 * Strata's Cloud Functions (firebase-functions v2). Each trigger is thin: decode the event,
 * call the pipeline handler with the instance's dependencies, let Pub/Sub retry on a throw.
 * The handlers and their idempotency arguments are in pipeline/ and docs/pipeline.md.
 */
// The options module alone: the 'firebase-functions/v2' barrel loads every provider (https,
// firestore, database...), which costs each cold start about 0.3 s for nothing.
import { setGlobalOptions } from 'firebase-functions/v2/options';
import { onMessagePublished, type MessagePublishedData } from 'firebase-functions/v2/pubsub';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { defineSecret } from 'firebase-functions/params';
import type { CloudEvent } from 'firebase-functions/v2/core';
import { DEFAULT_TOPICS } from './pipeline/bus';
import { decodeJsonData } from './pipeline/payloads';
import { errorFields } from './pipeline/logger';
import { cloudDeps, engineDeps, functionsLogger } from './runtime/cloud-deps';

// Handlers are imported inside each trigger, not here: every instance loads this file, and each
// function then loads only its own part (the fan-out the parser, the aggregator the policy, a
// scan function its one engine). That keeps cold starts, and emulator workers, short.

/** The DWD key is a secret only in key mode; keyless deployments must not be asked for one. */
const dwdKeySecret = defineSecret('STRATA_DWD_KEY_JSON');
const secrets = process.env.STRATA_DWD_MODE === 'key' ? [dwdKeySecret] : [];

setGlobalOptions({
  region: process.env.STRATA_REGION ?? 'us-central1',
  // The runtime identity Terraform creates (infra/iam.tf); firebase-tools appends the project.
  ...(process.env.STRATA_RUNTIME_SERVICE_ACCOUNT ? { serviceAccount: process.env.STRATA_RUNTIME_SERVICE_ACCOUNT } : {}),
  maxInstances: 50,
});

/**
 * The event's JSON payload, or undefined for data that is not JSON: such a message is logged and
 * acknowledged (returning normally), because no retry can ever make it valid.
 */
function payloadOf(event: CloudEvent<MessagePublishedData>, kind: string): unknown {
  const decoded = decodeJsonData(Buffer.from(event.data.message.data, 'base64'), kind);
  if (decoded.ok) return decoded.value;
  functionsLogger.warn('dropping a Pub/Sub message that is not JSON', { kind, eventId: event.id, ...errorFields(decoded.error) });
  return undefined;
}

/** Fan-out: one Gmail notification → history → each new message fetched once → one scan request. */
export const ingestGmailNotification = onMessagePublished(
  { topic: DEFAULT_TOPICS.gmailNotifications, retry: true, memory: '1GiB', timeoutSeconds: 540, secrets },
  async (event) => {
    const payload = payloadOf(event, 'Gmail notification');
    if (payload === undefined) return;
    const { handleGmailNotification } = await import('./pipeline/ingest.js');
    await handleGmailNotification(payload, await cloudDeps());
  },
);

/**
 * Direct VPC egress for the ClamAV scan function: clamd runs as an internal-only Cloud Run
 * service (infra/clamav.tf), reachable only from inside the VPC. Terraform prints the network
 * and subnet (output clamd_egress); set STRATA_CLAMD_VPC_NETWORK and STRATA_CLAMD_VPC_SUBNET.
 */
const clamdEgress =
  process.env.STRATA_CLAMD_VPC_NETWORK && process.env.STRATA_CLAMD_VPC_SUBNET
    ? {
        networkInterface: { network: process.env.STRATA_CLAMD_VPC_NETWORK, subnetwork: process.env.STRATA_CLAMD_VPC_SUBNET },
        vpcEgress: 'ALL_TRAFFIC' as const,
      }
    : {};

/** One function per engine, all subscribed to the same scan-request topic. */
function engineFunction(engine: string, extraOptions: Record<string, unknown> = {}) {
  return onMessagePublished(
    { topic: DEFAULT_TOPICS.scanRequests, retry: true, memory: '512MiB', timeoutSeconds: 120, ...extraOptions },
    async (event) => {
      const payload = payloadOf(event, 'scan request');
      if (payload === undefined) return;
      const { handleScanRequest } = await import('./pipeline/scan-engine.js');
      await handleScanRequest(payload, engine, await engineDeps(engine));
    },
  );
}

export const scanAuth = engineFunction('auth');
export const scanLinks = engineFunction('links');
export const scanContent = engineFunction('content');
export const scanAttachments = engineFunction('attachments');
export const scanQr = engineFunction('qr');
export const scanClamav = engineFunction('clamav', clamdEgress);
export const scanYara = engineFunction('yara');

/** Decides once every expected engine has reported, then acts in the mailbox. */
export const aggregateScan = onMessagePublished(
  { topic: DEFAULT_TOPICS.engineCompletions, retry: true, timeoutSeconds: 120, secrets },
  async (event) => {
    const payload = payloadOf(event, 'engine completion');
    if (payload === undefined) return;
    const { handleEngineCompletion } = await import('./pipeline/aggregate.js');
    await handleEngineCompletion(payload, await cloudDeps());
  },
);

/** Renews one mailbox's users.watch; the sweeper fans these out. */
export const renewWatch = onMessagePublished(
  { topic: DEFAULT_TOPICS.watchRenewals, retry: true, timeoutSeconds: 60, secrets },
  async (event) => {
    const payload = payloadOf(event, 'watch renewal request');
    if (payload === undefined) return;
    const { handleWatchRenewal } = await import('./pipeline/sweeper.js');
    await handleWatchRenewal(payload, await cloudDeps());
  },
);

/** Overdue scans, failed actions, quiet mailboxes and watch renewals, every five minutes. */
export const sweep = onSchedule({ schedule: 'every 5 minutes', timeoutSeconds: 540, secrets }, async () => {
  const { runSweep } = await import('./pipeline/sweeper.js');
  await runSweep(await cloudDeps(), new Date());
});

/** Lists the domain's users (Directory) once a day and enrols new mailboxes. */
export const enrollDomain = onSchedule({ schedule: 'every 24 hours', timeoutSeconds: 1800, secrets }, async () => {
  const { enrollMailboxes } = await import('./pipeline/sweeper.js');
  await enrollMailboxes(await cloudDeps(), new Date());
});
