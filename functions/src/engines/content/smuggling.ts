import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import type { MessageView } from './view';

/** Script calls that build a file in the browser and hand it to the user. */
const ASSEMBLY = [
  { pattern: /new\s+Blob\s*\(/, label: 'new Blob(' },
  { pattern: /createObjectURL\s*\(/, label: 'URL.createObjectURL(' },
  { pattern: /msSaveOrOpenBlob|msSaveBlob/, label: 'msSaveOrOpenBlob' },
  { pattern: /\.download\s*=|setAttribute\s*\(\s*['"]download['"]/, label: 'download attribute set by script' },
];
/** Script calls that decode a hidden payload. */
const DECODING = [
  { pattern: /\batob\s*\(/, label: 'atob(' },
  { pattern: /fromCharCode\s*\(/, label: 'String.fromCharCode(' },
  { pattern: /\bunescape\s*\(/, label: 'unescape(' },
  { pattern: /Uint8Array\s*\(/, label: 'Uint8Array(' },
];
/** A base64 run at least this long inside a script is an embedded file. */
const MIN_BASE64_RUN = 4000;

/**
 * HTML smuggling in the body: script that decodes an embedded payload (atob, fromCharCode, a
 * long base64 string) and assembles it into a file (Blob, createObjectURL, msSaveOrOpenBlob).
 * Both halves together are the technique; one alone is only weakly suspicious.
 */
export function analyseSmuggling(view: MessageView): Scored | null {
  const script = view.html?.script ?? '';
  if (script === '') return null;
  const assembly = ASSEMBLY.filter((item) => item.pattern.test(script)).map((item) => item.label);
  const decoding = DECODING.filter((item) => item.pattern.test(script)).map((item) => item.label);
  const base64Run = longestBase64Run(script);
  if (base64Run >= MIN_BASE64_RUN) decoding.push(`${base64Run}-character base64 string`);
  if (assembly.length === 0 && decoding.length === 0) return null;
  const score = assembly.length > 0 && decoding.length > 0 ? S.htmlSmugglingStrong : S.htmlSmugglingWeak;
  return { score, evidence: [...assembly, ...decoding].slice(0, 6) };
}

/** Linear scan (a regex for "4000 base64 characters" backtracks quadratically on near misses). */
function longestBase64Run(text: string): number {
  let longest = 0;
  let run = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const base64 =
      (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 43 || code === 47 || code === 61;
    if (base64) {
      run++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  return longest;
}
