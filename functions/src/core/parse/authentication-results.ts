import { domainToUnicode } from 'node:url';
import type { AuthMethodResult, AuthOutcome, AuthenticationSummary, HeaderField } from '../subject/types';

/**
 * Reads the authentication verdicts (SPF, DKIM, DMARC, ARC) that the receiving provider
 * stamped on a message, per RFC 8601 (Authentication-Results) and RFC 8617
 * (ARC-Authentication-Results).
 *
 * Only results from the trusted authority count: any sender can write an
 * `Authentication-Results: mx.google.com; dmarc=pass` header into its own message, so we take
 * the topmost header whose authserv-id is the authority (the provider prepends its own above
 * everything the sender wrote) and ignore the rest. Parsing is lenient (real headers bend the
 * grammar) and never throws: garbage yields no results.
 */
export function parseAuthenticationResults(headers: HeaderField[], authority: string): AuthenticationSummary {
  const trusted = authority.trim().toLowerCase();
  const summary: AuthenticationSummary = {
    authority,
    source: 'none',
    spf: null,
    dkim: [],
    dmarc: null,
    arc: null,
  };
  if (trusted === '') return summary;

  for (const header of headers) {
    if (header.name !== 'authentication-results') continue;
    const parsed = parseResultsHeader(fieldValue(header), false);
    if (parsed !== null && parsed.authservId === trusted) {
      return fillSummary(summary, 'authentication-results', parsed.results);
    }
  }

  // No direct results: the message may have reached us through an ARC-sealing hop of the same
  // provider (e.g. Google Groups re-sending to Gmail). Take that provider's latest ARC instance.
  let best: ParsedHeader | null = null;
  for (const header of headers) {
    if (header.name !== 'arc-authentication-results') continue;
    const parsed = parseResultsHeader(fieldValue(header), true);
    if (parsed === null || parsed.authservId !== trusted) continue;
    if (best === null || parsed.instance > best.instance) best = parsed;
  }
  if (best !== null) return fillSummary(summary, 'arc-authentication-results', best.results);
  return summary;
}

/** One `method=result ...` clause of a header. */
interface ResultClause {
  method: string;
  result: AuthOutcome;
  properties: Record<string, string>;
}

interface ParsedHeader {
  /** Lower-cased authserv-id. */
  authservId: string;
  /** ARC instance (`i=`), 0 for plain Authentication-Results. */
  instance: number;
  results: ResultClause[];
}

/** Bounds the work done on hostile headers; real ones carry a handful of clauses. */
const MAX_CLAUSES = 64;
const MAX_DKIM_RESULTS = 32;

const KNOWN_OUTCOMES: ReadonlySet<string> = new Set<AuthOutcome>([
  'pass',
  'fail',
  'softfail',
  'neutral',
  'none',
  'temperror',
  'permerror',
  'policy',
]);

/** Result words older or non-conforming implementations still emit, mapped to RFC 8601 words. */
const OUTCOME_ALIASES: Readonly<Record<string, AuthOutcome>> = {
  hardfail: 'fail',
  // RFC 5451 spelled the error results without the "perm/temp" merge some MTAs still use.
  'temp-error': 'temperror',
  'perm-error': 'permerror',
};

function fieldValue(header: HeaderField): string {
  const value = header.raw !== '' ? header.raw : header.decoded;
  return value.replace(/\r?\n/g, ' ');
}

function fillSummary(
  summary: AuthenticationSummary,
  source: AuthenticationSummary['source'],
  clauses: ResultClause[],
): AuthenticationSummary {
  summary.source = source;
  for (const clause of clauses) {
    switch (clause.method) {
      case 'spf':
        summary.spf ??= methodResult(clause, spfDomain(clause.properties));
        break;
      case 'dkim':
        if (summary.dkim.length < MAX_DKIM_RESULTS) {
          summary.dkim.push(methodResult(clause, dkimDomain(clause.properties)));
        }
        break;
      case 'dmarc':
        summary.dmarc ??= methodResult(clause, domainOf(clause.properties['header.from'] ?? ''));
        break;
      case 'arc':
        summary.arc ??= methodResult(clause, '');
        break;
      default:
        break;
    }
  }
  return summary;
}

function methodResult(clause: ResultClause, domain: string): AuthMethodResult {
  return { result: clause.result, domain, properties: clause.properties };
}

function spfDomain(properties: Record<string, string>): string {
  const mailFrom = domainOf(properties['smtp.mailfrom'] ?? '');
  return mailFrom !== '' ? mailFrom : domainOf(properties['smtp.helo'] ?? '');
}

function dkimDomain(properties: Record<string, string>): string {
  const signingDomain = domainOf(properties['header.d'] ?? '');
  return signingDomain !== '' ? signingDomain : domainOf(properties['header.i'] ?? '');
}

/**
 * The domain of a property value that may be a bare domain, `@domain` (header.i) or an address
 * (smtp.mailfrom). Lower-cased, without brackets or the root dot, and in Unicode like the
 * domains of parsed addresses so the two can be compared.
 */
export function domainOf(value: string): string {
  let domain = value.trim().replace(/^<|>$/g, '');
  const at = domain.lastIndexOf('@');
  if (at >= 0) domain = domain.slice(at + 1);
  domain = domain.toLowerCase().replace(/\.$/, '');
  if (!/^[\p{L}\p{N}._-]+$/u.test(domain)) return '';
  if (domain.split('.').some((label) => label.startsWith('xn--'))) {
    const unicode = domainToUnicode(domain);
    if (unicode !== '') domain = unicode;
  }
  return domain;
}

interface Segment {
  /** The segment with comments removed. */
  text: string;
  /** Comment contents, outermost parentheses stripped, in order. */
  comments: string[];
}

/**
 * Splits a header value on `;` outside quoted strings and comments, pulling the comments out
 * of each segment. Nested comments and backslash escapes are honoured; one linear pass.
 */
function splitSegments(value: string): Segment[] {
  const segments: Segment[] = [];
  let text = '';
  let comments: string[] = [];
  let comment = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (depth > 0) {
      if (ch === '\\') {
        comment += value[i + 1] ?? '';
        i++;
      } else if (ch === '(') {
        depth++;
        comment += ch;
      } else if (ch === ')') {
        depth--;
        if (depth === 0) {
          comments.push(comment.trim());
          comment = '';
          // A comment separates tokens like whitespace does.
          text += ' ';
        } else {
          comment += ch;
        }
      } else {
        comment += ch;
      }
    } else if (quoted) {
      text += ch;
      if (ch === '\\') {
        text += value[i + 1] ?? '';
        i++;
      } else if (ch === '"') {
        quoted = false;
      }
    } else if (ch === '"') {
      quoted = true;
      text += ch;
    } else if (ch === '(') {
      depth = 1;
    } else if (ch === ';') {
      segments.push({ text, comments });
      if (segments.length > MAX_CLAUSES) return segments;
      text = '';
      comments = [];
    } else {
      text += ch;
    }
  }
  if (depth > 0 && comment.trim() !== '') comments.push(comment.trim());
  segments.push({ text, comments });
  return segments;
}

/** `end` is the offset just past the token, so adjacency (no white space between) is known. */
type Token = ({ kind: 'word'; text: string; quoted: boolean } | { kind: 'equals' }) & { start: number; end: number };

/**
 * Words and `=` signs of a comment-free segment. Quoted strings become one word (unescaped).
 * A word runs until whitespace, `=` or a quote; `/` stays inside (method versions, base64).
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '=') {
      tokens.push({ kind: 'equals', start: i, end: i + 1 });
      i++;
    } else if (ch === '"') {
      let word = '';
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++;
        word += text[i] ?? '';
        i++;
      }
      i++;
      tokens.push({ kind: 'word', text: word, quoted: true, start, end: i });
    } else {
      const start = i;
      while (i < text.length && !/[\s="]/.test(text[i] as string)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), quoted: false, start, end: i });
    }
  }
  return tokens;
}

function parseResultsHeader(value: string, isArc: boolean): ParsedHeader | null {
  const segments = splitSegments(value);
  let index = 0;
  let instance = 0;
  if (isArc) {
    const first = segments[0];
    const match = first === undefined ? null : /^\s*i\s*=\s*(\d{1,4})\s*$/i.exec(first.text);
    if (match === null) return null;
    instance = Number(match[1]);
    index = 1;
  }
  const idSegment = segments[index];
  if (idSegment === undefined) return null;
  const idTokens = tokenize(idSegment.text);
  const authservId = idTokens[0];
  // `spf=pass ...` in the authserv-id position: the header has no authserv-id (Microsoft's
  // style), so it cannot be attributed to any authority.
  if (authservId?.kind !== 'word' || idTokens[1]?.kind === 'equals') return null;

  const results: ResultClause[] = [];
  for (const segment of segments.slice(index + 1)) {
    const clause = parseClause(segment);
    if (clause !== null) results.push(clause);
  }
  return { authservId: authservId.text.toLowerCase(), instance, results };
}

/** `method[/version] = result [reason=...] *(ptype.property=value)` with its comments. */
function parseClause(segment: Segment): ResultClause | null {
  const tokens = tokenize(segment.text);
  const method = tokens[0];
  const result = tokens[2];
  if (method?.kind !== 'word' || tokens[1]?.kind !== 'equals' || result?.kind !== 'word') return null;

  const properties: Record<string, string> = {};
  for (let i = 3; i < tokens.length; ) {
    const key = tokens[i];
    const equals = tokens[i + 1];
    const val = tokens[i + 2];
    if (key?.kind === 'word' && equals?.kind === 'equals') {
      const name = key.text.toLowerCase();
      let text = val?.kind === 'word' ? val.text : '';
      i += val?.kind === 'word' ? 3 : 2;
      // An unquoted value runs to the next white space: a local-part may hold `=`
      // (`smtp.mailfrom=bounces+x=example.com@esp.example`), which is legal RFC 8601 pvalue syntax.
      if (val?.kind === 'word' && !val.quoted) {
        let end = val.end;
        while (tokens[i] !== undefined && (tokens[i] as Token).start === end && !isQuotedWord(tokens[i] as Token)) {
          const next = tokens[i] as Token;
          text += next.kind === 'word' ? next.text : '=';
          end = next.end;
          i++;
        }
      }
      if (!(name in properties)) properties[name] = text;
    } else {
      // A stray word (e.g. the "1" of `dkim=pass 1 header.d=...`): skip it and resync.
      i++;
    }
  }

  const methodName = (method.text.split('/')[0] ?? '').toLowerCase();
  if (segment.comments.length > 0) properties.comment = segment.comments.join(' ');
  if (methodName === 'dmarc') addDmarcPolicy(properties, segment.comments);
  if (methodName === 'arc') addArcChain(properties, segment.comments);
  return { method: methodName, result: outcomeOf(result.text), properties };
}

function isQuotedWord(token: Token): boolean {
  return token.kind === 'word' && token.quoted;
}

function outcomeOf(word: string): AuthOutcome {
  const lower = word.toLowerCase();
  if (KNOWN_OUTCOMES.has(lower)) return lower as AuthOutcome;
  return OUTCOME_ALIASES[lower] ?? 'unknown';
}

/** `key=value` pairs inside a comment, keys and values lower-cased. */
function commentPairs(comments: string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const comment of comments) {
    for (const match of comment.matchAll(/([A-Za-z][\w.-]*)\s*=\s*([^\s,;]+)/g)) {
      const key = (match[1] as string).toLowerCase();
      if (!pairs.has(key)) pairs.set(key, (match[2] as string).toLowerCase());
    }
  }
  return pairs;
}

/**
 * Gmail writes the DMARC policy into the comment: `(p=REJECT sp=NONE dis=NONE)`. Others use
 * properties (`policy.dmarc=reject`, `polrec.p=reject`). Normalised into lower-case `p`, `sp`
 * and `dis` properties so the engine reads one place.
 */
function addDmarcPolicy(properties: Record<string, string>, comments: string[]): void {
  const pairs = commentPairs(comments);
  const policy = pairs.get('p') ?? properties['polrec.p'] ?? properties['policy.dmarc'];
  const subdomainPolicy = pairs.get('sp') ?? properties['polrec.sp'];
  const disposition = pairs.get('dis') ?? properties['policy.applied-disposition'];
  if (policy !== undefined) properties.p = policy.toLowerCase();
  if (subdomainPolicy !== undefined) properties.sp = subdomainPolicy.toLowerCase();
  if (disposition !== undefined) properties.dis = disposition.toLowerCase();
}

/**
 * Gmail summarises the oldest ARC hop's results in the comment:
 * `arc=pass (i=1 spf=pass spfdomain=a.com dkim=pass dkdomain=a.com dmarc=pass fromdomain=a.com)`.
 * Kept as `chain.<key>` properties: what the first sealer saw before forwarding.
 */
function addArcChain(properties: Record<string, string>, comments: string[]): void {
  for (const [key, value] of commentPairs(comments)) properties[`chain.${key}`] = value;
}
