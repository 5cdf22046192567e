import { createDecipheriv, createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFString, PDFBool, type PDFContext, type PDFObject } from 'pdf-lib';

/**
 * Decryption of PDFs encrypted with the standard security handler, when the user password is
 * empty (the PDF opens without a prompt; the encryption only hides it from filters) or is one of
 * a few candidates, typically taken from the message itself: "the password to open the PDF is
 * 123" is a common way to get a phishing PDF past scanners. Covers RC4 (V1/V2, R2/R3) and
 * AES-128 (V4/R4 with AESV2 or V2 crypt filters), per ISO 32000-1 §7.6.3 algorithms 1, 2 and 5.
 * AES-256 (V5, R5/R6) is not decrypted.
 */

/** Decrypts one stream's or string's bytes, given the indirect object they belong to. */
export type StreamDecryptor = (objectNumber: number, generation: number, bytes: Uint8Array) => Uint8Array;

const PASSWORD_PADDING = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const AES_SALT = Buffer.from('sAlT', 'latin1');

export interface Decryption {
  decrypt: StreamDecryptor;
  /** The user password that worked: '' for none. */
  password: string;
}

/**
 * The decryptor for the empty user password or the first candidate that matches the document's
 * U value; null when none does or the scheme is not supported. Each try costs 70 MD5/RC4 rounds
 * over a few dozen bytes, so a hundred candidates are nothing.
 */
export function findDecryption(context: PDFContext, candidates: readonly string[]): Decryption | null {
  const encrypt = context.lookup(context.trailerInfo.Encrypt);
  if (!(encrypt instanceof PDFDict)) return null;
  const get = (key: string): PDFObject | undefined => context.lookup(encrypt.get(PDFName.of(key)));
  const filter = get('Filter');
  const version = numberOf(get('V'));
  const revision = numberOf(get('R'));
  if (!(filter instanceof PDFName) || filter.decodeText() !== 'Standard' || ![1, 2, 4].includes(version) || ![2, 3, 4].includes(revision)) return null;

  const method = version === 4 ? cryptFilterMethod(get('CF'), get('StmF'), context) : 'V2';
  if (method === null) return null;
  const keyLength = version === 1 ? 5 : method === 'AESV2' ? 16 : Math.min(16, Math.max(5, (numberOf(get('Length')) || 40) / 8));
  const owner = bytesOf(get('O'));
  const user = bytesOf(get('U'));
  const permissions = numberOf(get('P'));
  const ids = context.lookup(context.trailerInfo.ID);
  const firstId = (ids instanceof PDFArray ? bytesOf(context.lookup(ids.get(0))) : null) ?? new Uint8Array(0);
  const encryptMetadata = get('EncryptMetadata') !== PDFBool.False;
  if (owner === null || user === null || !Number.isFinite(permissions)) return null;

  for (const password of ['', ...candidates]) {
    const key = fileKey(padPassword(password), owner, permissions, firstId, keyLength, revision, encryptMetadata);
    if (!userPasswordMatches(key, user, firstId, revision)) continue;
    const decrypt: StreamDecryptor = (objectNumber, generation, bytes) => {
      const objectKey = objectKeyFor(key, objectNumber, generation, method === 'AESV2');
      return method === 'AESV2' ? aesDecrypt(objectKey, bytes) : rc4(objectKey, bytes);
    };
    return { decrypt, password };
  }
  return null;
}

/** The first 32 bytes of the password (Latin-1, as PDFDocEncoding mostly is) followed by the padding string. */
function padPassword(password: string): Buffer {
  return Buffer.concat([Buffer.from(password, 'latin1').subarray(0, 32), PASSWORD_PADDING]).subarray(0, 32);
}

function numberOf(object: PDFObject | undefined): number {
  return object instanceof PDFNumber ? object.asNumber() : Number.NaN;
}

function bytesOf(object: PDFObject | undefined): Uint8Array | null {
  return object instanceof PDFString || object instanceof PDFHexString ? object.asBytes() : null;
}

/** The stream crypt filter's method for V4: AESV2 or V2 (RC4); null for anything else. */
function cryptFilterMethod(filters: PDFObject | undefined, streamFilter: PDFObject | undefined, context: PDFContext): 'AESV2' | 'V2' | null {
  if (!(streamFilter instanceof PDFName) || !(filters instanceof PDFDict)) return null;
  const filter = context.lookup(filters.get(streamFilter));
  if (!(filter instanceof PDFDict)) return null;
  const method = context.lookup(filter.get(PDFName.of('CFM')));
  const name = method instanceof PDFName ? method.decodeText() : '';
  return name === 'AESV2' || name === 'V2' ? name : null;
}

/** Algorithm 2: the file key from a padded user password. */
function fileKey(
  paddedPassword: Buffer,
  owner: Uint8Array,
  permissions: number,
  firstId: Uint8Array,
  length: number,
  revision: number,
  encryptMetadata: boolean,
): Buffer {
  const permissionBytes = Buffer.alloc(4);
  permissionBytes.writeInt32LE(permissions | 0);
  const hash = createHash('md5').update(paddedPassword).update(owner.subarray(0, 32)).update(permissionBytes).update(firstId);
  if (revision >= 4 && !encryptMetadata) hash.update(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  let digest = hash.digest();
  if (revision >= 3) for (let round = 0; round < 50; round++) digest = createHash('md5').update(digest.subarray(0, length)).digest();
  return digest.subarray(0, length);
}

/** Algorithms 4 and 5: does the key reproduce the document's U value? */
function userPasswordMatches(key: Buffer, user: Uint8Array, firstId: Uint8Array, revision: number): boolean {
  if (revision === 2) return Buffer.from(rc4(key, PASSWORD_PADDING)).equals(Buffer.from(user.subarray(0, 32)));
  let value: Uint8Array = rc4(key, createHash('md5').update(PASSWORD_PADDING).update(firstId).digest());
  for (let round = 1; round <= 19; round++) {
    value = rc4(
      key.map((byte) => byte ^ round),
      value,
    );
  }
  return Buffer.from(value.subarray(0, 16)).equals(Buffer.from(user.subarray(0, 16)));
}

/** Algorithm 1: the key of one object's streams and strings. */
function objectKeyFor(key: Buffer, objectNumber: number, generation: number, aes: boolean): Buffer {
  const suffix = Buffer.from([objectNumber & 0xff, (objectNumber >> 8) & 0xff, (objectNumber >> 16) & 0xff, generation & 0xff, (generation >> 8) & 0xff]);
  const hash = createHash('md5').update(key).update(suffix);
  if (aes) hash.update(AES_SALT);
  return hash.digest().subarray(0, Math.min(key.length + 5, 16));
}

/** AES-128-CBC with the IV in the first 16 bytes; a bad padding keeps what decrypted. */
function aesDecrypt(key: Buffer, bytes: Uint8Array): Uint8Array {
  if (bytes.length < 32 || bytes.length % 16 !== 0) return new Uint8Array(0);
  const decipher = createDecipheriv('aes-128-cbc', key, bytes.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]);
  const padding = plain[plain.length - 1] as number;
  return padding >= 1 && padding <= 16 ? plain.subarray(0, plain.length - padding) : plain;
}

/** RC4 (OpenSSL 3 ships it only in the legacy provider, so it is done here; it is tiny). */
export function rc4(key: Uint8Array, bytes: Uint8Array): Uint8Array {
  const state = new Uint8Array(256);
  for (let index = 0; index < 256; index++) state[index] = index;
  for (let index = 0, swap = 0; index < 256; index++) {
    swap = (swap + (state[index] as number) + (key[index % key.length] as number)) & 0xff;
    [state[index], state[swap]] = [state[swap] as number, state[index] as number];
  }
  const out = new Uint8Array(bytes.length);
  for (let index = 0, i = 0, j = 0; index < bytes.length; index++) {
    i = (i + 1) & 0xff;
    j = (j + (state[i] as number)) & 0xff;
    [state[i], state[j]] = [state[j] as number, state[i] as number];
    out[index] = (bytes[index] as number) ^ (state[((state[i] as number) + (state[j] as number)) & 0xff] as number);
  }
  return out;
}
