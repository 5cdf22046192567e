import type { EngineOutput } from '../../core/engine/types';
import { rankedFindings } from '../../core/engine/findings';
import { severityFor } from '../../core/engine/findings';

/** Every finding the attachments engine can raise, with the title analysts see. */
export const ATTACHMENT_FINDING_TITLES = {
  // What the file is and what its name claims
  'attachments.executable': 'Executable program attached',
  'attachments.script': 'Script file attached',
  'attachments.shortcut': 'Shortcut file attached',
  'attachments.disk_image': 'Disk image attached',
  'attachments.onenote': 'OneNote notebook attached',
  'attachments.help_file': 'Compiled help file attached',
  'attachments.web_query': 'Excel web query or symbolic-link file attached',
  'attachments.uncommon_archive': 'Archive in a format rare in honest mail',
  'attachments.unscanned_archive': 'Archive this engine cannot open',
  'attachments.macro_enabled_name': 'Macro-enabled Office file name',
  'attachments.type_mismatch': 'File content does not match its name or declared type',
  'attachments.double_extension': 'File name hides its real extension behind a document extension',
  'attachments.bidi_name': 'File name contains bidirectional-text control characters',
  'attachments.invisible_name': 'File name contains invisible characters',
  // Archives
  'attachments.encrypted_archive': 'Password-protected archive',
  'attachments.archive_bomb': 'Archive entry inflates far beyond its compressed size',
  'attachments.archive_unreadable': 'Archive is damaged or could not be read completely',
  // Office documents
  'attachments.vba_macro': 'Office document contains VBA macros',
  'attachments.vba_autoexec': 'Macro runs automatically when the document opens or closes',
  'attachments.vba_suspicious': 'Macro code runs programs, downloads, writes files or calls the Windows API',
  'attachments.xlm_macro': 'Excel 4.0 (XLM) macro sheet',
  'attachments.office_dde': 'Office document uses DDE to run commands',
  'attachments.office_template_injection': 'Office document loads a remote template',
  'attachments.office_remote_object': 'Office document loads a remote OLE object or frame',
  'attachments.office_embedded_file': 'Office document wraps an embedded file',
  'attachments.office_encrypted': 'Password-protected Office document',
  'attachments.office_password_in_message': 'Password-protected Office document opened by a password given in the message',
  'attachments.office_external_link': 'Office document links to a website',
  'attachments.office_unreadable': 'Office document could not be read',
  'attachments.rtf_object': 'RTF document embeds an OLE object',
  // PDF
  'attachments.pdf_javascript': 'PDF contains JavaScript',
  'attachments.pdf_launch': 'PDF launches a program or file',
  'attachments.pdf_auto_action': 'PDF performs an action when opened',
  'attachments.pdf_embedded_file': 'PDF carries an embedded file',
  'attachments.pdf_form_submit': 'PDF form submits data to a website',
  'attachments.pdf_link_lure': 'PDF is a large clickable link',
  'attachments.pdf_encrypted': 'Encrypted PDF',
  'attachments.pdf_unparseable': 'PDF could not be parsed',
  // HTML and SVG
  'attachments.html_credential_form': 'HTML attachment asks for a password',
  'attachments.html_form': 'HTML attachment has a form that posts to a website',
  'attachments.html_exfiltration': 'HTML attachment sends data to a messaging or form-collection service',
  'attachments.html_smuggling': 'HTML attachment assembles a file in script (HTML smuggling)',
  'attachments.html_redirect': 'HTML attachment redirects to or frames a website',
  'attachments.html_obfuscated_script': 'HTML attachment hides its content in encoded script',
  'attachments.html_script': 'HTML attachment contains script',
  'attachments.svg_script': 'SVG image contains script or embedded HTML',
  // Calendar invitations
  'attachments.ics_lure': 'Calendar invitation with a lure and a link',
  'attachments.ics_spoofed_organizer': 'Calendar invitation claims an organiser of the organisation but comes from outside',
  'attachments.ics_remote_attachment': 'Calendar invitation from outside attaches a web link',
  // Transparency
  'attachments.not_analysed': 'Attachment content not analysed (over a size or count limit)',
} as const;

export type AttachmentFindingId = keyof typeof ATTACHMENT_FINDING_TITLES;

export { severityFor };

export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Accumulated {
  score: number;
  evidence: string[];
}

/**
 * Collects findings per id (strongest instance, distinct bounded evidence) and IOCs. The engine
 * score combines ids as independent signals (noisy-OR), like the links engine: one strong finding
 * dominates, weak hints stay weak.
 */
export class FindingCollector {
  private readonly byId = new Map<AttachmentFindingId, Accumulated>();
  private readonly sha256 = new Set<string>();
  private readonly urls = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(
    private readonly maxEvidence: number,
    private readonly iocMinScore: number,
    private readonly maxIocs: number,
  ) {}

  add(id: AttachmentFindingId, score: number, evidence: string, ioc: { sha256?: string | null; urls?: string[]; domains?: string[] } = {}): void {
    const entry = this.byId.get(id) ?? { score: 0, evidence: [] };
    entry.score = Math.max(entry.score, score);
    const clipped = clip(evidence);
    if (entry.evidence.length < this.maxEvidence && !entry.evidence.includes(clipped)) entry.evidence.push(clipped);
    this.byId.set(id, entry);
    if (score < this.iocMinScore) return;
    if (ioc.sha256 && this.sha256.size < this.maxIocs) this.sha256.add(ioc.sha256);
    for (const url of ioc.urls ?? []) if (url && this.urls.size < this.maxIocs) this.urls.add(url);
    for (const domain of ioc.domains ?? []) if (domain && this.domains.size < this.maxIocs) this.domains.add(domain);
  }

  has(id: AttachmentFindingId): boolean {
    return this.byId.has(id);
  }

  output(): EngineOutput {
    const findings = rankedFindings(this.byId, (id) => ATTACHMENT_FINDING_TITLES[id], severityFor);
    const remaining = findings.reduce((product, finding) => product * (1 - finding.score / 100), 1);
    return {
      score: Math.min(100, Math.round(100 * (1 - remaining))),
      findings,
      iocs: { sha256: [...this.sha256], urls: [...this.urls], domains: [...this.domains] },
    };
  }
}
