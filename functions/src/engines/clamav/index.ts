import { z } from 'zod';
import { createClamdClient, type ClamdClient, type ClamdEndpoint } from '../../clamd';
import type { Engine } from '../../core/engine/types';
import { parseEngineConfig } from '../../core/engine/config';
import { scanWithClamd } from './scanner';

export { CLAMAV_FINDING_TITLES, CLAMAV_SCORES, classifySignature, type ClamavFindingId } from './findings';
export { bodyStream, messageParts } from './parts';

/** clamd's default StreamMaxLength (25 MiB); raise both together. */
const CLAMD_DEFAULT_STREAM_MAX = 25 * 1024 * 1024;

export const ClamavConfigSchema = z
  .object({
    /** clamd's TCP address (TCPAddr/TCPSocket in clamd.conf). */
    host: z.string().trim().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(3310),
    /**
     * Strata's clamd HTTP gateway instead of a TCP port (clamd on Cloud Run, infra/clamav/):
     * the service URL. When set, host and port are not used.
     */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** `google-id-token`: send the runtime identity's ID token (Cloud Run with IAM invoker). Only with `url`. */
    auth: z.enum(['none', 'google-id-token']).default('none'),
    /** A daemon that does not accept the connection within this counts as unavailable. */
    connectTimeoutMs: z.number().int().min(1).max(60_000).default(2000),
    /** One stream's budget from connect to verdict; past it the scan fails (status error). */
    scanTimeoutMs: z.number().int().min(1).max(600_000).default(8000),
    /**
     * Largest stream sent; larger parts are reported as `clamav.not_scanned`. Keep it at or
     * below clamd's StreamMaxLength (default 25 MiB), which refuses longer streams.
     */
    maxStreamBytes: z.number().int().min(1).max(4 * 1024 * 1024 * 1024 - 1).default(CLAMD_DEFAULT_STREAM_MAX),
    /** Streams of one message scanned at once. */
    concurrency: z.number().int().min(1).max(32).default(4),
    /** Scan the text and HTML bodies (as one stream) besides the attachments. */
    scanBodies: z.boolean().default(true),
  })
  .strict()
  .refine((config) => config.auth === 'none' || config.url !== undefined, {
    message: 'auth google-id-token needs url (the clamd gateway service URL)',
    path: ['auth'],
  });

export type ClamavConfig = z.infer<typeof ClamavConfigSchema>;
export type ClamavConfigInput = z.input<typeof ClamavConfigSchema>;

export const CLAMAV_ENGINE_VERSION = '1.0.0';

export function clamdEndpointOf(config: ClamavConfig): ClamdEndpoint {
  return config.url !== undefined
    ? { kind: 'http', url: config.url, auth: config.auth }
    : { kind: 'tcp', host: config.host, port: config.port };
}

/**
 * The clamav engine: every attachment and the message body through a clamd daemon (INSTREAM).
 * A signature match is `clamav.infected`; ClamAV's heuristics become lower findings, never
 * decisive on their own. No daemon is `unavailable`, never clean. No connection is made until
 * the first scan. See docs/engines/clamav.md.
 */
export function createClamavEngine(input: unknown = {}, options: { client?: ClamdClient } = {}): Engine<ClamavConfig> {
  const config = parseEngineConfig(ClamavConfigSchema, input, 'clamav');
  const client =
    options.client ??
    createClamdClient({ endpoint: clamdEndpointOf(config), connectTimeoutMs: config.connectTimeoutMs, replyTimeoutMs: config.scanTimeoutMs });
  return {
    name: 'clamav',
    version: CLAMAV_ENGINE_VERSION,
    defaultTimeoutMs: 10_000,
    config,
    scan: (subject, context) => scanWithClamd(client, subject, config, context.signal),
  };
}
