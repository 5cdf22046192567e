import { severityFor } from '../../core/engine/findings';

/** Every finding the clamav engine can raise, with the title analysts see. */
export const CLAMAV_FINDING_TITLES = {
  'clamav.infected': 'ClamAV signature match (malware)',
  'clamav.pua': 'ClamAV: potentially unwanted application',
  'clamav.heuristic_phishing': 'ClamAV phishing heuristic: link text and link target disagree',
  'clamav.heuristic_macro': 'ClamAV heuristic: Office document with VBA macros',
  'clamav.heuristic_encrypted': 'ClamAV heuristic: encrypted archive or document that could not be scanned inside',
  'clamav.heuristic_broken': 'ClamAV heuristic: malformed executable or media file',
  'clamav.heuristic_limits': 'ClamAV heuristic: scan limits exceeded inside a file',
  'clamav.heuristic_other': 'ClamAV heuristic alert',
  'clamav.not_scanned': 'Part of the message not scanned by ClamAV',
} as const;

export type ClamavFindingId = keyof typeof CLAMAV_FINDING_TITLES;

/**
 * Scores per finding. Only a real signature match reaches high/critical: the shipped policy makes
 * `clamav.*` at severity high or above decisive (malicious), and ClamAV's heuristics are hints
 * (every password-protected zip, every macro workbook), not confirmed malware.
 */
export const CLAMAV_SCORES: Readonly<Record<ClamavFindingId, number>> = {
  'clamav.infected': 100,
  'clamav.pua': 40,
  'clamav.heuristic_phishing': 40,
  'clamav.heuristic_macro': 40,
  'clamav.heuristic_encrypted': 35,
  'clamav.heuristic_broken': 20,
  'clamav.heuristic_other': 20,
  'clamav.heuristic_limits': 10,
  'clamav.not_scanned': 10,
};

export { severityFor };

/**
 * Which finding a detection name is. Names from local databases carry `.UNOFFICIAL`; the
 * official ones are `Platform.Category.Name-ID-Rev` (`Win.Trojan.Agent-123-0`), heuristics
 * `Heuristics.*`, potentially unwanted applications `PUA.*` (only with DetectPUA).
 */
export function classifySignature(signature: string): ClamavFindingId {
  const name = signature.replace(/\.UNOFFICIAL$/, '');
  if (/^PUA\./i.test(name)) return 'clamav.pua';
  if (!/^Heuristics?\./i.test(name)) return 'clamav.infected';
  if (/^Heuristics?\.Phishing\./i.test(name)) return 'clamav.heuristic_phishing';
  if (/^Heuristics?\.(?:OLE2\.ContainsMacros|.*Macro)/i.test(name)) return 'clamav.heuristic_macro';
  if (/^Heuristics?\.Encrypted\./i.test(name)) return 'clamav.heuristic_encrypted';
  if (/^Heuristics?\.Broken\./i.test(name)) return 'clamav.heuristic_broken';
  if (/^Heuristics?\.Limits\./i.test(name)) return 'clamav.heuristic_limits';
  return 'clamav.heuristic_other';
}
