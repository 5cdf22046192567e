/**
 * Passwords a message gives its reader for an encrypted attachment ("Password: 123",
 * "Senha de acesso: 1234", "the password is invoice2024"). Malware and phishing send encrypted
 * PDFs and archives with the password in the body precisely because filters cannot open them;
 * trying the few candidates the text offers lets the content be inspected after all.
 */

const KEYWORD =
  /\b(?:password|passwort|passcode|pass ?word|pwd|pw|kennwort|senha(?: de acesso)?|contrase(?:ñ|n)a|clave|mot de passe|wachtwoord|has(?:ł|l)o|parola|lösenord|losenord|adgangskode|salasana|пароль|şifre|sifre|kata sandi|mật khẩu)\b/giu;
/** After the keyword: an optional "is", "do arquivo", ":" or "=", then the token. */
const AFTER = /^[^\S\r\n]{0,3}(?:(?:is|ist|est|es|é|e|do arquivo|del archivo|for (?:the )?(?:file|document|attachment|archive|pdf|zip))[^\S\r\n]{1,3})?[:=：-]?[^\S\r\n]{0,3}(?:["'«“]([^"'»”\r\n]{1,40})["'»”]|([^\s"'»”<>]{1,40}))/iu;
const FILLER = /^(?:is|ist|est|for|the|de|do|da|of|to|and|und|et)$/i;

/** Up to `max` distinct candidate passwords from the message text, in order of appearance. */
export function passwordCandidates(text: string, max = 5): string[] {
  const out: string[] = [];
  const head = text.slice(0, 200_000);
  const add = (token: string | undefined): void => {
    if (token && out.length < max && !out.includes(token) && !FILLER.test(token)) out.push(token);
  };
  for (const match of head.matchAll(KEYWORD)) {
    const after = AFTER.exec(head.slice(match.index + match[0].length, match.index + match[0].length + 80));
    if (after?.[1]) add(after[1]); // quoted: exactly as written
    else if (after?.[2]) {
      // Unquoted: a sentence may end right after it ("Password: 1234."); try without the punctuation first.
      add(after[2].replace(/[.,;:!?)\]]+$/u, ''));
      add(after[2]);
    }
    if (out.length >= max) break;
  }
  return out;
}
