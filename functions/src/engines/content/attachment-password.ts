import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import { clip } from './text';
import type { MessageView } from './view';

/** "Password: 1234", "Senha de acesso ao PDF: 123", "Passwort = abc" (the word, a short label, a value). */
const PASSWORD_GIVEN =
  /\b(?:password|passcode|passwd|senha|contrase(?:ñ|n)a|clave|passwort|kennwort|mot de passe|wachtwoord|parola d'ordine)\b[^\n:=]{0,30}[:=]\s*["'“]?[\p{L}\p{N}@#$%&*!._-]{3,24}/iu;
/** Files that can be encrypted so that scanners cannot look inside. */
const ENCRYPTABLE = /\.(?:pdf|zip|rar|7z|docx?|xlsx?|pptx?|one|iso|img)$/i;
const ENCRYPTABLE_TYPE = /pdf|zip|rar|7z|compressed|msword|officedocument|ms-excel|octet-stream/;

/**
 * The mail hands over the password of an attached PDF, archive or document: encrypting the file
 * keeps antivirus and URL scanners out, and the password in the body lets the reader in anyway.
 */
export function analyseAttachmentPassword(view: MessageView): Scored | null {
  const file = view.subject.attachments.find(
    (attachment) => attachment.disposition === 'attachment' && (ENCRYPTABLE.test(attachment.filename) || ENCRYPTABLE_TYPE.test(attachment.declaredType)),
  );
  if (file === undefined) return null;
  const given = PASSWORD_GIVEN.exec(`${view.subject.subject}\n${view.bodyText.slice(0, 5000)}`);
  if (given === null) return null;
  return { score: S.attachmentPassword, evidence: [`"${clip(given[0], 60)}" for ${clip(file.filename || file.declaredType, 60)}`] };
}
