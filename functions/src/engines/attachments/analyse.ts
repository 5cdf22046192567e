import { createHash } from 'node:crypto';
import { analyseHtml, DEFAULT_HTML_LIMITS } from '../../core/documents/html-attachment';
import { analyseIcs, DEFAULT_ICS_LIMITS } from '../../core/documents/ics';
import { CfbFile } from '../../core/documents/cfb';
import { analyseOle, analyseOoxml, type OfficeFacts, type OfficeLimits } from '../../core/documents/office';
import { decryptOffice, DEFAULT_OFFICE_CRYPT_LIMITS } from '../../core/documents/office-crypt';
import { analysePdf, type PdfLimits } from '../../core/documents/pdf';
import { analyseRtf } from '../../core/documents/rtf';
import { sniffType, type SniffedType } from '../../core/documents/sniff';
import { archiveFormat } from '../../core/parse/archive';
import { detectType } from '../../core/parse/detect-type';
import type { ArchiveMember, AttachmentInfo } from '../../core/subject/types';
import { walkArchive, WalkBudget, type WalkLimits } from './archive-walk';
import type { FindingCollector } from './findings';
import { htmlFindings } from './html-checks';
import { icsFindings, type SenderContext } from './ics-checks';
import { baseName, compressedInnerName, doubleExtension, extensionOf, nameTricks, paddedName, riskyExtension, type RiskCategory, type RiskyType, visibleName } from './names';
import { type EncryptionOutcome, officeFindings, rtfFindings } from './office-checks';
import { pdfFindings } from './pdf-checks';
import { type FileView, type Ioc, PATH_SEPARATOR, type Report } from './report';
import { SCORES } from './scores';
import { DANGEROUS_FAMILIES, type Family, familyOfExtension, familyOfMime, mismatchKind, type TrueType, trueTypeOf } from './types';

export interface AnalyserOptions {
  extraRiskyExtensions: ReadonlyMap<string, RiskyType>;
  allowedExtensions: ReadonlySet<string>;
  allowedTypes: ReadonlySet<string>;
  walk: WalkLimits;
  pdf: PdfLimits;
  office: OfficeLimits;
  maxHtmlBytes: number;
  maxFiles: number;
}

const CATEGORY_FINDING = {
  executable: 'attachments.executable',
  script: 'attachments.script',
  shortcut: 'attachments.shortcut',
  disk_image: 'attachments.disk_image',
  onenote: 'attachments.onenote',
  help_file: 'attachments.help_file',
  web_query: 'attachments.web_query',
  uncommon_archive: 'attachments.uncommon_archive',
  unscanned_archive: 'attachments.unscanned_archive',
  macro_document: 'attachments.macro_enabled_name',
} as const satisfies Record<RiskCategory, string>;

const FAMILY_FINDING: Partial<Record<Family, (typeof CATEGORY_FINDING)[RiskCategory]>> = {
  executable: 'attachments.executable',
  shortcut: 'attachments.shortcut',
  disk_image: 'attachments.disk_image',
  onenote: 'attachments.onenote',
  help_file: 'attachments.help_file',
};

const INTERNET_SHORTCUTS = new Set(['url', 'website', 'desktop', 'webloc']);
const ARCHIVE_CATEGORIES = new Set<RiskCategory>(['uncommon_archive', 'unscanned_archive']);
/** Web scripts that e-books, browser extensions and ODF packages carry as a matter of course. */
const WEB_FILES = new Set(['js']);
/** Zip-based formats that are not archives of loose files. */
const CONTAINER_MIME = /^application\/(?:epub\+zip|x-xpinstall|x-google-chrome-extension|vnd\.oasis\.opendocument\.|java-archive|vnd\.android\.package-archive)/;
const HTML_EXTENSIONS = new Set(['html', 'htm', 'shtml', 'xhtml', 'svg', 'hta', 'mht', 'mhtml']);
const ICS_EXTENSIONS = new Set(['ics', 'ical', 'vcs']);
/** Legacy Office formats hold macros without saying so in the extension. */
const MACRO_CAPABLE_EXTENSIONS = new Set(['doc', 'dot', 'xls', 'xlt', 'xlsb', 'ppt', 'pot', 'pps']);
/**
 * Passwords tried on encrypted Office documents per message. Each try is one key derivation of
 * up to 100,000 hashes (about 0.1-0.25 s, synchronous), so the budget bounds the time.
 */
const MAX_OFFICE_PASSWORD_ATTEMPTS = 3;
const BINARY_SNIFFS = new Set<SniffedType>(['pe', 'elf', 'macho', 'java_class', 'iso', 'udf', 'vhd', 'vhdx', 'onenote', 'lnk', 'cfb', 'zip', 'pdf', 'rtf']);

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function decodeText(bytes: Uint8Array, maxBytes: number): string {
  const slice = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, maxBytes));
  if (slice[0] === 0xff && slice[1] === 0xfe) return slice.subarray(2).toString('utf16le');
  if (slice[0] === 0xfe && slice[1] === 0xff) {
    const swapped = Buffer.from(slice.subarray(2, slice.length - (slice.length % 2)));
    return swapped.swap16().toString('utf16le');
  }
  return slice.toString('utf8');
}

/**
 * Analyses the attachments of one message: names, true types, content by type, and archive
 * members re-extracted and analysed by the same rules. One instance per scan.
 */
export class AttachmentAnalyser {
  private filesLeft: number;
  private officePasswordAttemptsLeft = MAX_OFFICE_PASSWORD_ATTEMPTS;
  private readonly walkBudget: WalkBudget;

  constructor(
    private readonly options: AnalyserOptions,
    private readonly collector: FindingCollector,
    private readonly sender: SenderContext,
    /** Passwords the message text offers for encrypted attachments. */
    private readonly passwords: readonly string[],
    private readonly signal: AbortSignal,
  ) {
    this.filesLeft = options.maxFiles;
    this.walkBudget = new WalkBudget(options.walk);
  }

  private reporter(file: FileView): Report {
    return (id, score, detail, ioc: Ioc = {}) => this.collector.add(id, score, `${file.display}: ${detail}`, ioc);
  }

  private checkAborted(): void {
    // The orchestrator has already recorded a timeout; stop the work instead of returning a partial "clean".
    if (this.signal.aborted) throw this.signal.reason instanceof Error ? this.signal.reason : new Error('attachments scan aborted');
  }

  async analyseAttachment(attachment: AttachmentInfo, index: number): Promise<void> {
    const name = attachment.filename || '';
    const file: FileView = {
      display: name ? visibleName(name) : `attachment ${index + 1}`,
      name,
      declaredType: attachment.declaredType,
      detectedMime: attachment.detectedType,
      bytes: attachment.content ?? null,
      sha256: attachment.sha256 || null,
      depth: 0,
    };
    await this.analyseFile(file, attachment.content ? null : attachment.members);
  }

  /**
   * Name rules, true type, then content. `metadataMembers` stands in for the members when the
   * bytes are not available (the parser listed them, but the content was not kept).
   */
  private async analyseFile(file: FileView, metadataMembers: ArchiveMember[] | null): Promise<void> {
    this.checkAborted();
    if (this.filesLeft <= 0) {
      this.reporter(file)('attachments.not_analysed', SCORES.notAnalysed, `more than ${this.options.maxFiles} files in the message; not analysed`);
      return;
    }
    this.filesLeft--;
    const report = this.reporter(file);
    const ext = extensionOf(file.name);
    this.nameChecks(file, ext, report);

    const bytes = file.bytes;
    if (!bytes) {
      this.typeChecks(file, ext, trueTypeOf(null, file.detectedMime), report);
      if (metadataMembers && metadataMembers.length > 0) this.metadataMembers(file, metadataMembers);
      return;
    }
    const sniffed = sniffType(bytes);
    if (file.inContainer) {
      // Parts of a container format: judged by what they are, not by what pages and scripts do.
      this.typeChecks(file, ext, trueTypeOf(sniffed, file.detectedMime, true), report);
      return;
    }
    if (file.depth > 0 && file.detectedMime === null && (sniffed === null || !BINARY_SNIFFS.has(sniffed))) {
      file.detectedMime = (await detectType(bytes))?.mime ?? null;
    }
    let trueType = trueTypeOf(sniffed, file.detectedMime, true);
    let office: OfficeFacts | null = null;
    if (sniffed === 'cfb') {
      office = analyseOle(bytes, this.options.office);
      if (office?.application === 'installer') trueType = { family: 'executable', label: 'Windows Installer package (MSI)' };
    }
    this.typeChecks(file, ext, trueType, report);

    if (sniffed === 'zip') office = analyseOoxml(bytes, this.options.office);
    if (office) {
      const encryption = office.encrypted && office.container === 'ole' ? this.openEncryptedOffice(file, bytes) : null;
      officeFindings(office, report, file.sha256, this.options.extraRiskyExtensions, encryption ?? undefined);
    }
    if (sniffed === 'rtf') {
      const rtf = analyseRtf(bytes);
      if (rtf) rtfFindings(rtf, report, file.sha256, this.options.extraRiskyExtensions);
    }
    if (sniffed === 'pdf') {
      const facts = await analysePdf(bytes, this.options.pdf, { cancelled: () => this.signal.aborted, passwords: this.passwords });
      this.checkAborted();
      pdfFindings(facts, report, file.sha256, this.options.extraRiskyExtensions);
    }
    const declaredFamily = familyOfMime(file.declaredType);
    const binary = sniffed !== null && BINARY_SNIFFS.has(sniffed);
    if (!binary && (sniffed === 'html' || sniffed === 'svg' || HTML_EXTENSIONS.has(ext) || declaredFamily === 'html')) {
      const kind = sniffed === 'svg' || ext === 'svg' || file.declaredType === 'image/svg+xml' ? 'svg' : 'html';
      htmlFindings(analyseHtml(decodeText(bytes, this.options.maxHtmlBytes), kind, { ...DEFAULT_HTML_LIMITS, maxChars: this.options.maxHtmlBytes }), report, file.sha256);
    }
    if (!binary && (sniffed === 'icalendar' || ICS_EXTENSIONS.has(ext) || declaredFamily === 'calendar')) {
      const text = decodeText(bytes, DEFAULT_ICS_LIMITS.maxChars);
      icsFindings(analyseIcs(text), this.sender, report);
    }
    if (office === null && archiveFormat(bytes) !== null) {
      if (file.depth < this.options.walk.maxArchiveDepth) await this.archiveMembers(file, bytes, report);
      else report('attachments.not_analysed', SCORES.notAnalysed, `archive nested deeper than ${this.options.walk.maxArchiveDepth} levels; not opened`);
    }
    this.notWhatItClaims(file, ext, sniffed, trueType, report);
  }

  /**
   * An encrypted OOXML document: tries the passwords the message gives and, when one opens it,
   * analyses the decrypted package like any Office document (its findings carry "(decrypted)").
   */
  private openEncryptedOffice(file: FileView, bytes: Uint8Array): EncryptionOutcome {
    const offered = this.passwords.length > 0;
    if (!offered) return { offered, opened: false, attempts: 0, problem: null };
    let cfb: CfbFile;
    try {
      cfb = new CfbFile(bytes, this.options.office.cfb);
    } catch (error) {
      return { offered, opened: false, attempts: 0, problem: `compound file unreadable: ${(error as Error).message}` };
    }
    this.checkAborted();
    const result = decryptOffice(cfb, this.passwords, this.officePasswordAttemptsLeft, { ...DEFAULT_OFFICE_CRYPT_LIMITS, maxPackageBytes: this.options.office.cfb.maxStreamBytes });
    this.officePasswordAttemptsLeft -= result.attempts;
    const outcome: EncryptionOutcome = { offered, opened: result.passwordIndex !== null, attempts: result.attempts, problem: result.problem };
    if (result.package) {
      const inner = analyseOoxml(result.package, this.options.office);
      const view: FileView = { ...file, display: `${file.display} (decrypted)` };
      if (inner) officeFindings(inner, this.reporter(view), file.sha256, this.options.extraRiskyExtensions);
      else outcome.problem = 'the decrypted content is not an OOXML package';
    }
    return outcome;
  }

  /** A file named or declared as PDF that has no PDF header: it opens as something else, or not at all. */
  private notWhatItClaims(file: FileView, ext: string, sniffed: SniffedType | null, trueType: TrueType | null, report: Report): void {
    const claimsPdf = ext === 'pdf' || familyOfMime(file.declaredType) === 'pdf';
    if (!claimsPdf || sniffed === 'pdf' || !file.bytes || file.bytes.length === 0 || this.options.allowedExtensions.has(ext)) return;
    if (trueType && DANGEROUS_FAMILIES.has(trueType.family)) return; // already reported as a dangerous mismatch
    report('attachments.type_mismatch', SCORES.typeMismatch.notPdf, `${ext === 'pdf' ? '.pdf' : `declared ${file.declaredType}`} but the content is ${trueType ? `a ${trueType.label}` : 'not a PDF'}`, { sha256: file.sha256 });
  }

  private nameChecks(file: FileView, ext: string, report: Report): void {
    if (file.name === '') return;
    const allowed = this.options.allowedExtensions.has(ext);
    const risky = allowed || (file.inContainer && WEB_FILES.has(ext)) ? null : riskyExtension(ext, this.options.extraRiskyExtensions);
    if (risky) {
      const score = risky.category === 'shortcut' && INTERNET_SHORTCUTS.has(ext) ? SCORES.internetShortcut : risky.score ?? SCORES.category[risky.category];
      report(CATEGORY_FINDING[risky.category], score, `.${ext}: ${risky.label}`, { sha256: file.sha256 });
    }
    const inner = compressedInnerName(file.name);
    const innerExt = inner ? extensionOf(inner) : '';
    const innerRisky = inner && !this.options.allowedExtensions.has(innerExt) ? riskyExtension(innerExt, this.options.extraRiskyExtensions) : null;
    if (innerRisky && !ARCHIVE_CATEGORIES.has(innerRisky.category)) {
      report(CATEGORY_FINDING[innerRisky.category], innerRisky.score ?? SCORES.category[innerRisky.category], `.${innerExt} compressed as .${ext}: ${innerRisky.label}`, { sha256: file.sha256 });
    }
    const double = allowed ? null : doubleExtension(file.name, this.options.extraRiskyExtensions);
    if (double) {
      const dangerous = riskyExtension(double.outer, this.options.extraRiskyExtensions) !== null;
      report(
        'attachments.double_extension',
        dangerous ? SCORES.doubleExtension.dangerous : SCORES.doubleExtension.browser,
        `shows .${double.inner} but is .${double.outer}${double.padded ? ' (padded with blanks)' : ''}`,
        { sha256: file.sha256 },
      );
    } else if (risky && paddedName(file.name)) {
      report('attachments.double_extension', SCORES.doubleExtension.dangerous, `blank padding pushes the real extension .${ext} out of view`, { sha256: file.sha256 });
    }
    const tricks = nameTricks(file.name);
    if (tricks.bidiOverride) report('attachments.bidi_name', SCORES.bidi.override, `bidi override reorders the displayed name "${baseName(file.name)}"`, { sha256: file.sha256 });
    else if (tricks.bidiMark) report('attachments.bidi_name', SCORES.bidi.mark, 'directional mark in a Latin-script name');
    if (tricks.invisible) report('attachments.invisible_name', SCORES.invisibleName, 'invisible characters in the name');
  }

  private typeChecks(file: FileView, ext: string, trueType: TrueType | null, report: Report): void {
    if (!trueType) return;
    if (file.detectedMime && this.options.allowedTypes.has(file.detectedMime.toLowerCase())) return;
    const finding = FAMILY_FINDING[trueType.family];
    if (finding) report(finding, SCORES.category[trueType.family as RiskCategory], `content is a ${trueType.label}`, { sha256: file.sha256 });
    const risky = riskyExtension(ext, this.options.extraRiskyExtensions);
    const claims: [string, Family | null][] = [
      [`.${ext}`, ext && !this.options.allowedExtensions.has(ext) ? familyOfExtension(ext, risky?.category ?? null) : null],
      [`declared ${file.declaredType}`, familyOfMime(file.declaredType)],
    ];
    for (const [claim, family] of claims) {
      const kind = mismatchKind(trueType.family, family);
      if (!kind) continue;
      const score = kind === 'dangerous' ? SCORES.typeMismatch.dangerous : kind === 'disguised_document' ? SCORES.typeMismatch.document : SCORES.typeMismatch.archive;
      report('attachments.type_mismatch', score, `${claim} but the content is a ${trueType.label}`, { sha256: file.sha256 });
      break;
    }
    if (trueType.family === 'archive' && file.bytes && archiveFormat(file.bytes) === null && !ext) {
      report('attachments.unscanned_archive', SCORES.category.unscanned_archive, `content is a ${trueType.label} archive this engine cannot open`);
    }
  }

  private memberView(parent: FileView, path: string, bytes: Buffer | null, detectedMime: string | null, sha256: string | null, inContainer = false): FileView {
    return { display: `${parent.display}${PATH_SEPARATOR}${visibleName(path)}`, name: baseName(path), declaredType: '', detectedMime, bytes, sha256, depth: parent.depth + 1, inContainer };
  }

  private async archiveMembers(file: FileView, bytes: Uint8Array, report: Report): Promise<void> {
    const archive = walkArchive(bytes, file.name || 'attachment', this.walkBudget, this.passwords);
    if (!archive) return;
    if (archive.truncated) report('attachments.not_analysed', SCORES.notAnalysed, `more entries than the ${this.options.walk.maxArchiveEntries}-entry budget; the rest were not analysed`);
    const container = archive.format === 'zip' && file.detectedMime !== null && CONTAINER_MIME.test(file.detectedMime);
    const encrypted: string[] = [];
    let opened = 0;
    for (const member of archive.members) {
      this.checkAborted();
      if (member.encrypted) encrypted.push(member.path);
      if (member.decrypted) opened++;
      if (member.unread === 'compression ratio over the limit') {
        report('attachments.archive_bomb', SCORES.archiveBomb, `${member.path} declares ${member.declaredSize} bytes from ${member.compressedSize}`);
      }
      const view = this.memberView(file, member.path, member.bytes, null, member.bytes ? sha256Hex(member.bytes) : null, container);
      await this.analyseFile(view, null);
    }
    this.encryptedArchive(file, encrypted, report, opened);
  }

  private metadataMembers(parent: FileView, members: ArchiveMember[]): void {
    const encrypted: string[] = [];
    const visit = (owner: FileView, list: ArchiveMember[]): void => {
      for (const member of list) {
        if (this.filesLeft-- <= 0) return;
        if (member.encrypted) encrypted.push(member.path);
        const view = this.memberView(owner, member.path, null, member.detectedType, member.sha256);
        const report = this.reporter(view);
        const ext = extensionOf(view.name);
        this.nameChecks(view, ext, report);
        this.typeChecks(view, ext, trueTypeOf(null, member.detectedType), report);
        visit(view, member.members);
      }
    };
    visit(parent, members);
    this.encryptedArchive(parent, encrypted, this.reporter(parent));
  }

  /** A password-protected archive hides its members from every scanner; what the names say decides how bad. */
  private encryptedArchive(file: FileView, encryptedPaths: string[], report: Report, opened = 0): void {
    if (encryptedPaths.length === 0) return;
    let score: number = opened > 0 ? SCORES.encryptedArchive.passwordInMessage : SCORES.encryptedArchive.other;
    let worst = encryptedPaths[0] as string;
    for (const path of encryptedPaths) {
      const ext = extensionOf(path);
      const risky = this.options.allowedExtensions.has(ext) ? null : riskyExtension(ext, this.options.extraRiskyExtensions);
      const dangerous = risky !== null && !['macro_document', 'unscanned_archive', 'uncommon_archive'].includes(risky.category);
      const macro = risky?.category === 'macro_document' || MACRO_CAPABLE_EXTENSIONS.has(ext);
      const candidate = dangerous ? SCORES.encryptedArchive.dangerous : macro ? SCORES.encryptedArchive.macroDocument : SCORES.encryptedArchive.other;
      if (candidate > score) {
        score = candidate;
        worst = path;
      }
    }
    const more = encryptedPaths.length > 1 ? ` (+${encryptedPaths.length - 1} more encrypted)` : '';
    const password = opened > 0 ? `; the password given in the message opens ${opened === encryptedPaths.length ? 'it' : `${opened} of them`} (content analysed)` : '';
    report('attachments.encrypted_archive', score, `encrypted member ${visibleName(worst)}${more}${password}`, { sha256: file.sha256 });
  }
}
