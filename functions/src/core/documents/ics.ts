/**
 * Facts about an iCalendar (RFC 5545) invitation: who organises it, what it says, and the URLs
 * it carries. Calendar invites are a phishing channel of their own: the event lands in the
 * calendar (and its reminders) even when the mail is ignored, and its description or attachment
 * carries the lure link. Bounded: lines, events and text per property.
 */

export interface IcsParty {
  name: string;
  /** Lower-cased e-mail address ('' when the value is not a mailto:). */
  address: string;
}

export interface IcsEvent {
  summary: string;
  description: string;
  location: string;
  organizer: IcsParty | null;
  attendees: number;
  /** URI-valued ATTACH properties (inline binary attachments are not URIs). */
  attachmentUris: string[];
  /** The event's URL property and http(s) URLs in its summary, description and location. */
  urls: string[];
}

export interface IcsFacts {
  /** METHOD of the calendar (REQUEST, PUBLISH, CANCEL …), upper-cased; '' when absent. */
  method: string;
  events: IcsEvent[];
  /** Every distinct URL of all events (URL, ATTACH and text URLs), bounded. */
  urls: string[];
  truncated: boolean;
}

export interface IcsLimits {
  maxChars: number;
  maxLines: number;
  maxEvents: number;
  maxUrls: number;
  /** Characters kept per text property. */
  maxTextChars: number;
}

export const DEFAULT_ICS_LIMITS: IcsLimits = { maxChars: 1024 * 1024, maxLines: 50_000, maxEvents: 50, maxUrls: 200, maxTextChars: 8192 };

const TEXT_URL = /\bhttps?:\/\/[^\s<>"'\\]+/gi;

export function isICalendar(text: string): boolean {
  return /^\s*BEGIN:VCALENDAR/i.test(text.slice(0, 256).replace(/^\ufeff/, ''));
}

/** RFC 5545 3.3.11 TEXT unescaping. */
function unescapeText(value: string): string {
  return value.replace(/\\([nN,;\\])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

interface ContentLine {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Splits `NAME;PARAM=a;PARAM2="b:c":value`, respecting quoted parameter values. */
function parseLine(line: string): ContentLine | null {
  let i = 0;
  let inQuotes = false;
  for (; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === ':' && !inQuotes) break;
  }
  if (i >= line.length) return null;
  const [name = '', ...rawParams] = line.slice(0, i).split(';');
  const params: Record<string, string> = {};
  for (const raw of rawParams) {
    const eq = raw.indexOf('=');
    if (eq > 0) params[raw.slice(0, eq).toUpperCase()] = raw.slice(eq + 1).replace(/^"|"$/g, '');
  }
  return { name: name.toUpperCase(), params, value: line.slice(i + 1) };
}

function party(line: ContentLine): IcsParty {
  const match = /^mailto:(.*)$/i.exec(line.value.trim());
  return { name: (line.params.CN ?? '').slice(0, 200), address: match ? (match[1] ?? '').trim().toLowerCase().slice(0, 320) : '' };
}

function newEvent(): IcsEvent {
  return { summary: '', description: '', location: '', organizer: null, attendees: 0, attachmentUris: [], urls: [] };
}

export function analyseIcs(input: string, limits: IcsLimits = DEFAULT_ICS_LIMITS): IcsFacts {
  const facts: IcsFacts = { method: '', events: [], urls: [], truncated: input.length > limits.maxChars };
  // Unfold (CRLF or LF followed by a space or tab continues the previous line).
  const lines = input.slice(0, limits.maxChars).replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  if (lines.length > limits.maxLines) facts.truncated = true;
  const addUrl = (event: IcsEvent, url: string): void => {
    const clean = url.replace(/[.,;)\]]+$/, '').slice(0, 2048);
    if (event.urls.length < limits.maxUrls && !event.urls.includes(clean)) event.urls.push(clean);
    if (facts.urls.length < limits.maxUrls && !facts.urls.includes(clean)) facts.urls.push(clean);
  };
  let event: IcsEvent | null = null;
  for (const raw of lines.slice(0, limits.maxLines)) {
    const line = parseLine(raw);
    if (!line) continue;
    if (line.name === 'METHOD' && !event) facts.method = line.value.trim().toUpperCase().slice(0, 32);
    if (line.name === 'BEGIN' && line.value.trim().toUpperCase() === 'VEVENT') {
      if (facts.events.length >= limits.maxEvents) {
        facts.truncated = true;
        break;
      }
      event = newEvent();
      continue;
    }
    if (!event) continue;
    if (line.name === 'END' && line.value.trim().toUpperCase() === 'VEVENT') {
      facts.events.push(event);
      event = null;
      continue;
    }
    const text = unescapeText(line.value).slice(0, limits.maxTextChars);
    switch (line.name) {
      case 'SUMMARY':
        event.summary = text;
        break;
      case 'DESCRIPTION':
      case 'X-ALT-DESC':
        event.description = `${event.description}\n${text}`.trim().slice(0, limits.maxTextChars);
        break;
      case 'LOCATION':
        event.location = text;
        break;
      case 'ORGANIZER':
        event.organizer = party(line);
        break;
      case 'ATTENDEE':
        event.attendees++;
        break;
      case 'URL':
        if (/^https?:/i.test(line.value.trim())) addUrl(event, line.value.trim());
        break;
      case 'ATTACH':
        if ((line.params.VALUE ?? '').toUpperCase() !== 'BINARY' && (line.params.ENCODING ?? '').toUpperCase() !== 'BASE64') {
          const uri = line.value.trim().slice(0, 2048);
          if (event.attachmentUris.length < 20) event.attachmentUris.push(uri);
          if (/^https?:/i.test(uri)) addUrl(event, uri);
        }
        break;
      default:
        break;
    }
    if (line.name === 'SUMMARY' || line.name === 'DESCRIPTION' || line.name === 'X-ALT-DESC' || line.name === 'LOCATION') {
      for (const match of text.matchAll(TEXT_URL)) addUrl(event, match[0]);
    }
  }
  if (event && facts.events.length < limits.maxEvents) facts.events.push(event);
  return facts;
}
