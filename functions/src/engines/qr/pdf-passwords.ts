import type { ScanSubject } from '../../core/subject/types';

/** Candidate passwords tried on an encrypted PDF, at most. */
export const MAX_PASSWORD_CANDIDATES = 64;
/** Characters of subject and text searched for candidates. */
const MAX_TEXT_CHARS = 20_000;

/**
 * The word for "password" (or PIN / code) in the languages phishing mail is most often written
 * in, followed by the password itself: "Password: 1234", "Senha de acesso: 123", "Kennwort - ab12".
 */
const AFTER_PASSWORD_WORD =
  /(?:pass\s?words?|passcode|pwd|pin|code|senha(?:\s+(?:de\s+acesso|do\s+pdf))?|contrase[ñn]a|clave|kennwort|passwort|mot\s+de\s+passe|parola|wachtwoord|has[łl]o|l[öo]senord|passord|adgangskode|salasana|heslo|jelsz[óo]|şifre|пароль|密码|パスワード)(?:\s+(?:is|ist|est|é|es|to\s+open(?:\s+the\s+(?:pdf|file|document|attachment))?|(?:de|para|to)\s+\S{1,12})(?=\s))?\s*[:=：\-–]?\s*["'“«]?([^\s"'”»<>]{1,32})/giu;
const WORD = /[\p{L}\p{N}!#$%&*+.@_-]{3,16}/gu;

/**
 * Passwords to try on an encrypted PDF attachment, from the message a recipient was asked to
 * read: first whatever follows a word for "password" (in a dozen languages), then every other
 * short word of the subject and text, up to MAX_PASSWORD_CANDIDATES. Trying is cheap and wrong
 * guesses cost nothing; the point is the PDFs whose password is in the mail so that scanners
 * cannot look inside.
 */
export function passwordCandidates(subject: ScanSubject): string[] {
  const text = `${subject.subject}\n${subject.text}`.slice(0, MAX_TEXT_CHARS);
  const candidates = new Set<string>();
  const add = (candidate: string): void => {
    if (candidates.size < MAX_PASSWORD_CANDIDATES && candidate !== '') candidates.add(candidate);
  };
  for (const match of text.matchAll(AFTER_PASSWORD_WORD)) {
    const raw = match[1] as string;
    add(raw);
    add(raw.replace(/[.,;:!?)\]]+$/, ''));
  }
  for (const match of text.matchAll(WORD)) add(match[0].replace(/[.,;:!?]+$/, ''));
  return [...candidates];
}
