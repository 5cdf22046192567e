import { badRequest } from './errors';
import { headerValue } from './headers';
import type { LabelState, StoredMessage } from './mailbox';

/**
 * The subset of Gmail's search syntax (users.messages.list `q`) that Strata and its tests use:
 * terms joined by AND, each optionally negated with '-'. Anything else (OR, braces, parentheses,
 * free text, other operators) answers 400 instead of silently matching the wrong messages.
 */

export interface CompiledQuery {
  matches(message: StoredMessage): boolean;
  /** The query names spam or trash itself (in:trash, in:spam, in:anywhere, label:trash …), so they are not hidden. */
  reachesSpamOrTrash: boolean;
}

interface QueryContext {
  labels: Iterable<LabelState>;
  now: number;
}

type Predicate = (message: StoredMessage) => boolean;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Gmail reads after:/before: dates as midnight Pacific Standard Time (documented; seconds avoid it). */
const PST_OFFSET_MS = 8 * 60 * 60 * 1000;

const IN_LOCATIONS: Record<string, string> = {
  inbox: 'INBOX',
  sent: 'SENT',
  trash: 'TRASH',
  spam: 'SPAM',
  drafts: 'DRAFT',
  draft: 'DRAFT',
  starred: 'STARRED',
  important: 'IMPORTANT',
  unread: 'UNREAD',
  chats: 'CHAT',
};

const IS_STATES: Record<string, string> = { unread: 'UNREAD', starred: 'STARRED', important: 'IMPORTANT' };

const CATEGORIES: Record<string, string> = {
  primary: 'CATEGORY_PERSONAL',
  social: 'CATEGORY_SOCIAL',
  promotions: 'CATEGORY_PROMOTIONS',
  updates: 'CATEGORY_UPDATES',
  forums: 'CATEGORY_FORUMS',
};

export function tokenizeQuery(q: string): string[] {
  const tokens: string[] = [];
  const pattern = /\S*?"[^"]*"\S*|\S+/g;
  for (const match of q.matchAll(pattern)) tokens.push(match[0]);
  return tokens;
}

export function compileQuery(q: string | undefined, context: QueryContext): CompiledQuery {
  const predicates: Predicate[] = [];
  let reachesSpamOrTrash = false;
  for (const token of tokenizeQuery(q ?? '')) {
    const negated = token.startsWith('-');
    const term = negated ? token.slice(1) : token;
    const colon = term.indexOf(':');
    if (term === 'OR' || term === 'AND' || /^[({]/.test(term) || colon <= 0) {
      throw badRequest(`gmail-standin does not implement the search term '${token}' (supported: in:, is:, label:, category:, from:, to:, subject:, rfc822msgid:, after:, before:, newer_than:, older_than:, larger:, smaller:)`);
    }
    const operator = term.slice(0, colon).toLowerCase();
    const argument = unquote(term.slice(colon + 1));
    const predicate = compileTerm(operator, argument, token, context);
    if (!negated && predicate.reachesSpamOrTrash) reachesSpamOrTrash = true;
    predicates.push(negated ? (message) => !predicate.test(message) : predicate.test);
  }
  return { matches: (message) => predicates.every((predicate) => predicate(message)), reachesSpamOrTrash };
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function compileTerm(operator: string, argument: string, token: string, context: QueryContext): { test: Predicate; reachesSpamOrTrash: boolean } {
  const value = argument.toLowerCase();
  switch (operator) {
    case 'in': {
      if (value === 'anywhere') return { test: () => true, reachesSpamOrTrash: true };
      const label = IN_LOCATIONS[value];
      if (!label) throw unsupported(token);
      return { test: hasLabel(label), reachesSpamOrTrash: label === 'TRASH' || label === 'SPAM' };
    }
    case 'is': {
      if (value === 'read') return { test: (message) => !message.labelIds.has('UNREAD'), reachesSpamOrTrash: false };
      const label = IS_STATES[value];
      if (!label) throw unsupported(token);
      return { test: hasLabel(label), reachesSpamOrTrash: false };
    }
    case 'category': {
      const label = CATEGORIES[value];
      if (!label) throw unsupported(token);
      return { test: hasLabel(label), reachesSpamOrTrash: false };
    }
    case 'label': {
      const label = findLabelByQueryName(context.labels, value);
      // Gmail answers an unknown label with no results, not an error.
      if (!label) return { test: () => false, reachesSpamOrTrash: false };
      return { test: hasLabel(label.id), reachesSpamOrTrash: label.id === 'TRASH' || label.id === 'SPAM' };
    }
    case 'from':
    case 'to':
    case 'cc':
    case 'subject': {
      const header = operator === 'from' ? 'From' : operator === 'to' ? 'To' : operator === 'cc' ? 'Cc' : 'Subject';
      return { test: (message) => (headerValue(message.headers, header) ?? '').toLowerCase().includes(value), reachesSpamOrTrash: false };
    }
    case 'rfc822msgid': {
      const wanted = value.replace(/^<|>$/g, '');
      return { test: (message) => message.rfc822MessageId.toLowerCase() === wanted, reachesSpamOrTrash: false };
    }
    case 'after':
    case 'before': {
      const boundary = parseDateBoundary(argument, token);
      return {
        test: operator === 'after' ? (message) => message.internalDate >= boundary : (message) => message.internalDate < boundary,
        reachesSpamOrTrash: false,
      };
    }
    case 'newer_than':
    case 'older_than': {
      const span = parseRelativeSpan(value, token);
      const boundary = context.now - span;
      return {
        test: operator === 'newer_than' ? (message) => message.internalDate > boundary : (message) => message.internalDate < boundary,
        reachesSpamOrTrash: false,
      };
    }
    case 'larger':
    case 'smaller': {
      const size = parseSize(value, token);
      return {
        test: operator === 'larger' ? (message) => message.raw.length > size : (message) => message.raw.length < size,
        reachesSpamOrTrash: false,
      };
    }
    default:
      throw unsupported(token);
  }
}

function unsupported(token: string) {
  return badRequest(`gmail-standin does not implement the search term '${token}'`);
}

function hasLabel(labelId: string): Predicate {
  return (message) => message.labelIds.has(labelId);
}

/** Gmail matches `label:` case-insensitively, with spaces and slashes written as '-'. */
function findLabelByQueryName(labels: Iterable<LabelState>, queryName: string): LabelState | undefined {
  const wanted = queryName.replace(/[\s/]+/g, '-');
  for (const label of labels) {
    if (label.name.toLowerCase().replace(/[\s/]+/g, '-') === wanted || label.id.toLowerCase() === wanted) return label;
  }
  return undefined;
}

/** Epoch milliseconds for `YYYY/MM/DD` (also `-` separated) at midnight PST, or epoch seconds. */
export function parseDateBoundary(argument: string, token: string): number {
  if (/^\d{9,}$/.test(argument)) return Number(argument) * 1000;
  const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(argument);
  if (!match) throw badRequest(`gmail-standin cannot read the date in '${token}' (use YYYY/MM/DD or epoch seconds)`);
  const [, year, month, day] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day)) + PST_OFFSET_MS;
}

function parseRelativeSpan(value: string, token: string): number {
  const match = /^(\d+)([dmy])$/.exec(value);
  if (!match) throw badRequest(`gmail-standin cannot read the span in '${token}' (use Nd, Nm or Ny)`);
  const amount = Number(match[1]);
  const unitDays = match[2] === 'd' ? 1 : match[2] === 'm' ? 30 : 365;
  return amount * unitDays * DAY_MS;
}

function parseSize(value: string, token: string): number {
  const match = /^(\d+)([km])?$/.exec(value);
  if (!match) throw badRequest(`gmail-standin cannot read the size in '${token}'`);
  const multiplier = match[2] === 'k' ? 1024 : match[2] === 'm' ? 1024 * 1024 : 1;
  return Number(match[1]) * multiplier;
}
