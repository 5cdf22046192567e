import type { PdfFacts } from '../../core/documents/pdf';
import { extensionOf, riskyExtension, type RiskyType } from './names';
import type { Report } from './report';
import { SCORES } from './scores';

/** Actions that reach outside the document when they run by themselves. */
const OUTWARD_ACTIONS = new Set(['URI', 'Launch', 'SubmitForm', 'ImportData', 'GoToR', 'GoToE', 'Rendition', 'Sound', 'Movie', 'RichMediaExecute']);
const ACTIVE_EMBEDDED = /^(?:docm|dotm|xlsm|xltm|xlam|pptm|potm|ppsm|doc|xls|ppt|html?|svg|hta|pdf)$/;
/** Pages a lure PDF has at most: one "document" page with a button, sometimes a second. */
const LURE_MAX_PAGES = 2;
/** Share of a page one link must cover to count as a button-sized lure on a short PDF. */
const LURE_MIN_AREA = 0.2;
/** Share of a page one link covers when the page itself is the link (whatever the page count). */
const PAGE_IS_LINK_AREA = 0.5;
/** At most this many text-showing operators on a page that is "a picture of a document". */
const IMAGE_PAGE_MAX_TEXT = 10;

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export function pdfFindings(facts: PdfFacts, report: Report, sha256: string | null, extra: ReadonlyMap<string, RiskyType>): void {
  if (!facts.parsed) {
    if (facts.problem && /^(?:larger than|more than)/.test(facts.problem)) report('attachments.not_analysed', SCORES.notAnalysed, `PDF ${facts.problem}`);
    else report('attachments.pdf_unparseable', SCORES.pdf.unparseable, facts.problem ?? 'could not be parsed', { sha256 });
    return;
  }
  const autoJs = facts.autoActions.filter((item) => item.action === 'JavaScript');
  if (facts.javascript > 0) {
    const detail = autoJs.length > 0 ? `JavaScript run by ${autoJs.map((item) => item.trigger).slice(0, 3).join(', ')}` : `${facts.javascript} JavaScript action(s)`;
    report('attachments.pdf_javascript', autoJs.length > 0 ? SCORES.pdf.autoJavascript : SCORES.pdf.javascript, detail, { sha256 });
  }
  for (const target of facts.launches.length > 0 ? facts.launches : []) {
    report('attachments.pdf_launch', SCORES.pdf.launch, `Launch action${target ? ` of "${target}"` : ''}`, { sha256 });
  }
  for (const item of facts.autoActions) {
    if (OUTWARD_ACTIONS.has(item.action)) report('attachments.pdf_auto_action', SCORES.pdf.autoAction, `${item.action} action run by ${item.trigger}`, { sha256 });
  }
  for (const name of facts.embeddedFiles) {
    const ext = extensionOf(name);
    const risky = riskyExtension(ext, extra);
    const dangerous = risky !== null && risky.category !== 'unscanned_archive' && risky.category !== 'uncommon_archive';
    const score = dangerous ? SCORES.pdf.embeddedDangerous : ACTIVE_EMBEDDED.test(ext) ? SCORES.pdf.embeddedActive : SCORES.pdf.embeddedOther;
    report('attachments.pdf_embedded_file', score, `embedded file "${name || '(unnamed)'}"`, { sha256 });
  }
  if (facts.embeddedFiles.length === 0 && facts.embeddedFileStreams > 0) {
    report('attachments.pdf_embedded_file', SCORES.pdf.embeddedOther, `${facts.embeddedFileStreams} embedded file stream(s)`, { sha256 });
  }
  for (const target of facts.submitTargets) {
    if (/^https?:/i.test(target)) report('attachments.pdf_form_submit', SCORES.pdf.formSubmit, `form submits to ${target}`, { sha256, urls: [target], domains: [hostOf(target)] });
  }
  const pageIsLink = facts.maxLinkAreaRatio >= PAGE_IS_LINK_AREA;
  if (facts.pages > 0 && facts.uris.length > 0 && (pageIsLink || (facts.pages <= LURE_MAX_PAGES && facts.maxLinkAreaRatio >= LURE_MIN_AREA))) {
    const percent = Math.round(facts.maxLinkAreaRatio * 100);
    const imagePage = facts.firstPageImages > 0 && facts.firstPageTextOperators >= 0 && facts.firstPageTextOperators <= IMAGE_PAGE_MAX_TEXT;
    const score = pageIsLink && imagePage ? SCORES.pdf.imagePageLink : SCORES.pdf.linkLure;
    const what = imagePage ? 'an image with almost no text' : `${facts.pages}-page PDF`;
    report('attachments.pdf_link_lure', score, `${what}; one link covers ${percent}% of a page → ${facts.uris[0]}`, { sha256 });
  }
  const encryption = facts.encryption;
  if (encryption?.openedWithGivenPassword) {
    report('attachments.pdf_encrypted', SCORES.pdf.encryptedPasswordInMessage, 'password-protected, with the password given in the message (a filter-evasion trick; opened here)', { sha256 });
  } else if (encryption && !encryption.emptyUserPassword) {
    report('attachments.pdf_encrypted', SCORES.pdf.encryptedLocked, `needs a password (${encryption.filter || 'unknown'} handler, revision ${encryption.revision}); the content cannot be inspected`, { sha256 });
  } else if (encryption && facts.uris.length > 0) {
    report('attachments.pdf_encrypted', SCORES.pdf.encryptedHidingLinks, `encrypted although it opens without a password, which hides its ${facts.uris.length} link(s) from scanners (decrypted here)`, { sha256 });
  }
  if (facts.truncated) report('attachments.not_analysed', SCORES.notAnalysed, 'PDF analysis stopped at a bound; later objects were not inspected');
}
