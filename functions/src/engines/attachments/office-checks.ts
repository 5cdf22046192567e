import type { OfficeFacts } from '../../core/documents/office';
import type { RtfFacts } from '../../core/documents/rtf';
import { extensionOf, riskyExtension, type RiskyType } from './names';
import type { Report } from './report';
import { SCORES } from './scores';

const STRONG_CALLS = new Set(['execute', 'download', 'native_api']);
/** Protocol handlers and mhtml: in a relationship target: the Follina family (CVE-2022-30190, CVE-2021-40444). */
const PROTOCOL_HANDLER = /^\s*(?:mhtml:|ms-[a-z-]+:|search-ms:)/i;
/** OLE classes behind RTF exploits and packaged payloads. */
const EXPLOIT_CLASSES = /^(?:equation\.[23]|ole2link|package|htmlfile|scriptlet|msxml2\.saxxmlreader|.*\.scriptlet|otkloadr\.wrassembly)/i;
const ACTIVE_EMBEDDED = /^(?:docm|dotm|xlsm|xltm|xlam|pptm|potm|ppsm|doc|xls|ppt|html?|svg|hta)$/;

function list(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} (+${items.length - max} more)` : shown;
}

function embeddedScore(name: string, extra: ReadonlyMap<string, RiskyType>): number {
  const ext = extensionOf(name);
  const risky = riskyExtension(ext, extra);
  if (risky && risky.category !== 'unscanned_archive' && risky.category !== 'uncommon_archive') return SCORES.embeddedFile.dangerous;
  return ACTIVE_EMBEDDED.test(ext) ? SCORES.embeddedFile.active : SCORES.embeddedFile.other;
}

function macroFindings(facts: OfficeFacts, report: Report, sha256: string | null): void {
  if (!facts.vbaPresent) return;
  const modules = facts.vbaProjects.flatMap((project) => project.modules);
  if (modules.length === 0) {
    // A project without readable source: p-code only ("VBA stomping") or a damaged project.
    report('attachments.vba_macro', SCORES.vba.sourceUnreadable, 'VBA project present, but no module source could be read (possible VBA stomping)', { sha256 });
  } else {
    report('attachments.vba_macro', SCORES.vba.present, `VBA project with ${modules.length} module(s): ${list(modules.map((m) => m.name))}`, { sha256 });
  }
  const autoExec = facts.autoExec.length > 0;
  if (autoExec) report('attachments.vba_autoexec', SCORES.vba.autoExec, `runs on its own: ${list(facts.autoExec)}`, { sha256 });
  if (facts.macroCalls.length > 0) {
    const strong = facts.macroCalls.some((call) => STRONG_CALLS.has(call.category));
    const score = strong ? (autoExec ? SCORES.vba.autoExecStrongCalls : SCORES.vba.strongCalls) : autoExec ? SCORES.vba.autoExecWeakCalls : SCORES.vba.weakCalls;
    report('attachments.vba_suspicious', score, `${list(facts.macroCalls.map((call) => call.keyword), 8)}${autoExec ? ' (in a macro that runs on its own)' : ''}`, { sha256 });
  }
}

/** What became of the passwords the message gives, for an encrypted Office document. */
export interface EncryptionOutcome {
  /** The message text offers at least one password. */
  offered: boolean;
  /** One of them opens the document (checked against the document's password verifier). */
  opened: boolean;
  /** Passwords tried. */
  attempts: number;
  /** Why none could be tried, or why the opened document could not be analysed. */
  problem: string | null;
}

/**
 * A password-protected document hides its content from every scanner. With the password in the
 * same message the protection protects nothing: it exists to get past filters (the Emotet and
 * Qakbot delivery), which is why that case is a finding of its own.
 */
function encryptionFindings(outcome: EncryptionOutcome | undefined, report: Report, sha256: string | null): void {
  if (outcome?.opened) {
    const analysed = outcome.problem ? `content not analysed: ${outcome.problem}` : 'content analysed';
    report('attachments.office_password_in_message', SCORES.officePasswordInMessage, `password-protected, and the password given in the message opens it (${analysed})`, { sha256 });
  } else if (outcome?.offered && outcome.attempts === 0) {
    report('attachments.office_encrypted', SCORES.officeEncryptedPasswordOffered, `password-protected, and the message gives a password that was not tried (${outcome.problem ?? 'password budget of the message spent'})`, { sha256 });
  } else {
    const tried = outcome?.offered ? '; the passwords in the message do not open it' : '';
    report('attachments.office_encrypted', SCORES.officeEncrypted, `password-protected; the content cannot be inspected${tried}`, { sha256 });
  }
}

/** Findings from an Office document's facts; `encryption` is what the message's passwords did to an encrypted one. */
export function officeFindings(facts: OfficeFacts, report: Report, sha256: string | null, extra: ReadonlyMap<string, RiskyType>, encryption?: EncryptionOutcome): void {
  macroFindings(facts, report, sha256);
  if (facts.xlmMacroSheets > 0) report('attachments.xlm_macro', SCORES.xlmMacro, `${facts.xlmMacroSheets} Excel 4.0 macro sheet(s)`, { sha256 });
  if (facts.dde.length > 0) report('attachments.office_dde', SCORES.dde, `DDE: ${list(facts.dde, 2)}`, { sha256 });
  if (facts.encrypted) encryptionFindings(encryption, report, sha256);

  for (const reference of facts.externalReferences) {
    if (!reference.remote) continue;
    const handler = PROTOCOL_HANDLER.test(reference.target);
    const urls = /^https?:/i.test(reference.target) ? [reference.target] : [];
    if (reference.kind === 'template' || reference.kind === 'subdocument') {
      report('attachments.office_template_injection', handler ? SCORES.protocolHandler : SCORES.templateInjection, `${reference.kind} loaded from ${reference.target}`, { sha256, urls });
    } else if (reference.kind === 'ole_object' || reference.kind === 'frame' || handler) {
      report('attachments.office_remote_object', handler ? SCORES.protocolHandler : SCORES.remoteObject, `${reference.kind.replace('_', ' ')} loaded from ${reference.target}`, { sha256, urls });
    } else if (reference.kind === 'hyperlink') {
      report('attachments.office_external_link', SCORES.officeExternalLink, reference.target);
    }
  }
  for (const name of facts.packagedFiles) report('attachments.office_embedded_file', embeddedScore(name, extra), `packaged file "${name}"`, { sha256 });
  const unreadable = facts.problems.find((problem) => problem.startsWith('compound file unreadable'));
  if (unreadable) report('attachments.office_unreadable', SCORES.officeUnreadable, unreadable);
}

export function rtfFindings(facts: RtfFacts, report: Report, sha256: string | null, extra: ReadonlyMap<string, RiskyType>): void {
  for (const object of facts.objects) {
    const exploit = EXPLOIT_CLASSES.test(object.className) || object.autoUpdate;
    const what = `embedded OLE object${object.className ? ` of class ${object.className}` : ''}${object.autoUpdate ? ' that updates itself on open (\\objupdate)' : ''}`;
    report('attachments.rtf_object', exploit ? SCORES.rtf.exploitClass : SCORES.rtf.other, what, { sha256 });
    if (object.packagedFile) report('attachments.office_embedded_file', embeddedScore(object.packagedFile, extra), `packaged file "${object.packagedFile}"`, { sha256 });
  }
}
