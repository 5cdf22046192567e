import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the pipeline benchmark delivers: copies of the sample messages (examples/mail/*.eml),
 * each made distinct where it must be and identical where a real campaign would be.
 *
 * - A ONE-OFF gets its own Message-ID and subject suffix: a content never seen before, so the
 *   engines run and every blob is new.
 * - A CAMPAIGN is one content (one Message-ID, one subject) delivered to several mailboxes, as
 *   one SMTP transaction to several recipients arrives. Copies differ only in Delivered-To,
 *   which Gmail stamps per recipient and the content key leaves out, so the second and later
 *   copies can hit the engine cache and find their attachment blobs already stored.
 *
 * The bytes are handled as latin1 strings so that rewriting headers never touches a byte of
 * the body.
 */

export interface MailTemplate {
  file: string;
  raw: string;
}

export interface PlannedDelivery {
  /** Position in delivery order (0-based). */
  slot: number;
  mailbox: string;
  /** Identifies the content: equal tags are byte-identical apart from Delivered-To. */
  contentTag: string;
  campaign: boolean;
  template: string;
  raw: Buffer;
}

export interface DeliveryPlan {
  deliveries: PlannedDelivery[];
  distinctContents: number;
  campaigns: number;
  campaignCopies: number;
  oneOffs: number;
}

export function loadTemplates(directory: string): MailTemplate[] {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.eml'))
    .sort();
  if (files.length === 0) throw new Error(`no .eml files in ${directory}`);
  return files.map((file) => ({ file, raw: readFileSync(join(directory, file)).toString('latin1') }));
}

/**
 * Delivery order and content of every message. Slot i goes to mailbox i mod N, so each mailbox
 * receives at the same steady pace. Odd mailboxes receive one-offs. Even mailboxes are grouped
 * `campaignCopies` at a time, and each group receives a stream of campaigns along a diagonal:
 * campaign k reaches the group's first mailbox in round k, its second in round k + 1, and so on.
 * A campaign's copies are therefore one round (N deliveries) apart, long enough for the first
 * copy's engine results to be cached before the next copy is scanned, as when a campaign
 * trickles into an organisation. About half of the messages are campaign copies.
 */
export function planDeliveries(options: {
  templates: readonly MailTemplate[];
  mailboxes: readonly string[];
  messages: number;
  campaignCopies: number;
}): DeliveryPlan {
  const { templates, mailboxes, messages } = options;
  const copies = Math.max(1, Math.floor(options.campaignCopies));
  const templateOfTag = new Map<string, MailTemplate>();
  const campaignTags = new Set<string>();
  const deliveries: PlannedDelivery[] = [];
  let campaignCopies = 0;

  for (let slot = 0; slot < messages; slot += 1) {
    const round = Math.floor(slot / mailboxes.length);
    const mailboxIndex = slot % mailboxes.length;
    const mailbox = mailboxes[mailboxIndex] as string;
    let tag: string;
    let campaign = false;
    if (copies > 1 && mailboxIndex % 2 === 0) {
      const evenIndex = mailboxIndex / 2;
      const group = Math.floor(evenIndex / copies);
      const position = evenIndex % copies;
      // Shifted by copies - 1 so the campaigns already under way in round 0 have non-negative numbers.
      tag = `c${group}-${round - position + copies - 1}`;
      campaign = true;
      campaignCopies += 1;
      campaignTags.add(tag);
    } else {
      tag = `o${slot}`;
    }
    let template = templateOfTag.get(tag);
    if (!template) {
      // Templates in turn by first appearance, so every sample message is used about equally.
      template = templates[templateOfTag.size % templates.length] as MailTemplate;
      templateOfTag.set(tag, template);
    }
    deliveries.push({ slot, mailbox, contentTag: tag, campaign, template: template.file, raw: personalise(template.raw, tag, mailbox) });
  }
  return {
    deliveries,
    distinctContents: templateOfTag.size,
    campaigns: campaignTags.size,
    campaignCopies,
    oneOffs: messages - campaignCopies,
  };
}

/** One clean message per mailbox, with contents of their own, to warm up the process before measuring. */
export function planWarmup(templates: readonly MailTemplate[], mailboxes: readonly string[], cleanTemplate: string): PlannedDelivery[] {
  const template = templates.find((candidate) => candidate.file === cleanTemplate) ?? (templates[0] as MailTemplate);
  return mailboxes.map((mailbox, index) => {
    const tag = `w${index}`;
    return { slot: -1 - index, mailbox, contentTag: tag, campaign: false, template: template.file, raw: personalise(template.raw, tag, mailbox) };
  });
}

/**
 * The template with a content tag in its Message-ID and subject (so equal tags give equal
 * content) and Delivered-To set to the receiving mailbox, as Gmail stamps it per copy.
 */
export function personalise(raw: string, tag: string, recipient: string): Buffer {
  const { header, separator, body } = splitHeader(raw);
  const fields = parseFields(header, separator.newline);
  setOrAdd(fields, 'delivered-to', () => ` ${recipient}`, `Delivered-To: ${recipient}`);
  setOrAdd(
    fields,
    'message-id',
    (value) => value.replace(/<([^<>@]+)@([^<>]+)>/, (_whole, local: string, domain: string) => `<${local}.bench-${tag}@${domain}>`),
    `Message-ID: <bench-${tag}@bench.strata.invalid>`,
  );
  // A plain-text suffix after an encoded word is valid RFC 2047, so encoded subjects stay intact.
  setOrAdd(fields, 'subject', (value) => `${value.replace(/\s+$/, '')} [bench ${tag}]`, `Subject: [bench ${tag}]`);
  const text = fields.map((field) => `${field.name}:${field.value}`).join(separator.newline);
  return Buffer.from(`${text}${separator.newline}${separator.newline}${body}`, 'latin1');
}

interface HeaderField {
  name: string;
  /** Everything after the colon, continuation lines included, without the final line break. */
  value: string;
}

function splitHeader(raw: string): { header: string; separator: { newline: string }; body: string } {
  const crlf = raw.indexOf('\r\n\r\n');
  if (crlf >= 0) return { header: raw.slice(0, crlf), separator: { newline: '\r\n' }, body: raw.slice(crlf + 4) };
  const lf = raw.indexOf('\n\n');
  if (lf >= 0) return { header: raw.slice(0, lf), separator: { newline: '\n' }, body: raw.slice(lf + 2) };
  return { header: raw, separator: { newline: '\r\n' }, body: '' };
}

function parseFields(header: string, newline: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of header.split(newline)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += `${newline}${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line.slice(0, 60))}`);
    fields.push({ name: line.slice(0, colon), value: line.slice(colon + 1) });
  }
  return fields;
}

/** Rewrites the first field called `name`, or adds `added` at the top when there is none. */
function setOrAdd(fields: HeaderField[], name: string, rewrite: (value: string) => string, added: string): void {
  const field = fields.find((candidate) => candidate.name.toLowerCase() === name);
  if (field) {
    field.value = rewrite(field.value);
    return;
  }
  const colon = added.indexOf(':');
  fields.unshift({ name: added.slice(0, colon), value: added.slice(colon + 1) });
}
