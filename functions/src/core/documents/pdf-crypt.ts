import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNumber, PDFString, type PDFContext, type PDFObject } from 'pdf-lib';

/**
 * Decryption of strings in PDFs protected by the Standard security handler (ISO 32000-1 7.6.3,
 * ISO 32000-2 7.6.4) when the user password is known: empty (the file opens without a prompt and
 * is encrypted only so that scanners cannot read its link targets) or given in the message
 * ("password: 123"), the usual trick to get a PDF past mail filters. With the file key derived
 * here, the URIs of link actions (attachments engine) and the image streams holding QR codes (QR
 * engine) become readable again.
 */

export type StringCipher = 'rc4' | 'aes128' | 'aes256' | 'none';

export interface StandardEncryption {
  /** /V: algorithm version. */
  version: number;
  /** /R: handler revision (2-6). */
  revision: number;
  /**
   * File key length in bytes for revisions 2-4, clamped to 5-16 here. The reader of the encryption
   * dictionary decides it: /Length / 8, and 5 for R2 as ISO 32000-1 Algorithm 2 says.
   */
  keyLength: number;
  owner: Uint8Array;
  user: Uint8Array;
  /** /UE (R5-6). */
  userKey: Uint8Array;
  permissions: number;
  /** First element of the trailer /ID. */
  fileId: Uint8Array;
  encryptMetadata: boolean;
  stringCipher: StringCipher;
}

/** Padding string of Algorithm 2 (7.6.3.3). */
const PADDING = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function md5(...parts: Uint8Array[]): Buffer {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** RC4 (not offered by OpenSSL 3 without the legacy provider, so done here; it is 15 lines). */
export function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 0xff;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + (s[i] as number)) & 0xff;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
    out[n] = (data[n] as number) ^ (s[((s[i] as number) + (s[j] as number)) & 0xff] as number);
  }
  return out;
}

function int32le(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32LE(value | 0, 0);
  return out;
}

/** Algorithm 2: file key from a user password, revisions 2-4. */
function legacyFileKey(encryption: StandardEncryption, password: Buffer): Buffer {
  const padded = Buffer.concat([password.subarray(0, 32), PADDING]).subarray(0, 32);
  const parts: Uint8Array[] = [padded, encryption.owner.subarray(0, 32), int32le(encryption.permissions), encryption.fileId];
  if (encryption.revision >= 4 && !encryption.encryptMetadata) parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  let key = md5(...parts);
  const length = Math.min(16, Math.max(5, encryption.keyLength));
  if (encryption.revision >= 3) for (let i = 0; i < 50; i++) key = md5(key.subarray(0, length));
  return key.subarray(0, length);
}

/** Algorithms 4 and 5: the key is right when it reproduces /U (the first 16 bytes for R3+). */
function legacyKeyMatches(key: Buffer, encryption: StandardEncryption): boolean {
  if (encryption.revision === 2) return rc4(key, PADDING).equals(Buffer.from(encryption.user.subarray(0, 32)));
  let value = rc4(key, md5(PADDING, encryption.fileId));
  for (let i = 1; i <= 19; i++) {
    const derived = Buffer.from(key.map((byte) => byte ^ i));
    value = rc4(derived, value);
  }
  return value.equals(Buffer.from(encryption.user.subarray(0, 16)));
}

/** Algorithm 2.B (ISO 32000-2): the revision-6 hash of a user password (no user key data). */
function hardenedHash(password: Buffer, salt: Uint8Array): Buffer {
  let k = createHash('sha256').update(password).update(salt).digest();
  for (let round = 0; ; round++) {
    const k1 = Buffer.concat(Array.from({ length: 64 }, () => Buffer.concat([password, k])));
    const cipher = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32));
    cipher.setAutoPadding(false);
    const e = Buffer.concat([cipher.update(k1), cipher.final()]);
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += e[i] as number;
    k = createHash(['sha256', 'sha384', 'sha512'][sum % 3] as string).update(e).digest();
    if (round >= 63 && (e[e.length - 1] as number) <= round - 31) return k.subarray(0, 32);
    if (round > 2000) return k.subarray(0, 32); // cannot happen with a sound hash; bound anyway
  }
}

/** Algorithm 2.A: file key for revisions 5 and 6, null when the password does not reproduce /U. */
function aes256FileKey(encryption: StandardEncryption, password: Buffer): Buffer | null {
  const user = Buffer.from(encryption.user);
  if (user.length < 48 || encryption.userKey.length < 32) return null;
  const secret = password.subarray(0, 127);
  const hash = (salt: Uint8Array): Buffer =>
    encryption.revision >= 6 ? hardenedHash(secret, salt) : createHash('sha256').update(secret).update(salt).digest();
  if (!hash(user.subarray(32, 40)).equals(user.subarray(0, 32))) return null;
  const intermediate = hash(user.subarray(40, 48));
  const decipher = createDecipheriv('aes-256-cbc', intermediate, Buffer.alloc(16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(encryption.userKey.subarray(0, 32)), decipher.final()]);
}

/**
 * The file key when `password` is the user password ('' for documents that open without a
 * prompt); null when it is not (or the handler is not one this understands). Revisions 2-4 take
 * the password as Latin-1 bytes, 5-6 as UTF-8 (without SASLprep, which ASCII passwords do not need).
 */
export function userPasswordKey(encryption: StandardEncryption, password = ''): Buffer | null {
  try {
    if (encryption.revision >= 5) return aes256FileKey(encryption, Buffer.from(password, 'utf8'));
    if (encryption.revision < 2) return null;
    const key = legacyFileKey(encryption, Buffer.from(password, 'latin1'));
    return legacyKeyMatches(key, encryption) ? key : null;
  } catch {
    return null;
  }
}

/**
 * The first password that opens the document: '' (no prompt) first, then `candidates` in order.
 * Costs one key derivation per candidate, so the caller bounds how many it offers.
 */
export function findUserPassword(encryption: StandardEncryption, candidates: readonly string[]): { key: Buffer; password: string } | null {
  for (const password of ['', ...candidates]) {
    const key = userPasswordKey(encryption, password);
    if (key) return { key, password };
  }
  return null;
}

/** Algorithm 1: the key of one indirect object's strings and streams (AES-256 uses the file key itself). */
function objectKey(fileKey: Buffer, cipher: 'rc4' | 'aes128', objectNumber: number, generation: number): Buffer {
  const suffix = Buffer.from([objectNumber & 0xff, (objectNumber >> 8) & 0xff, (objectNumber >> 16) & 0xff, generation & 0xff, (generation >> 8) & 0xff]);
  return md5(fileKey, suffix, cipher === 'aes128' ? Buffer.from('sAlT', 'latin1') : Buffer.alloc(0)).subarray(0, Math.min(fileKey.length + 5, 16));
}

/** Decrypts one string of indirect object `objectNumber generation` (Algorithm 1, and AES-256 without per-object keys). */
export function decryptString(fileKey: Buffer, cipher: StringCipher, objectNumber: number, generation: number, data: Uint8Array): Buffer {
  if (cipher === 'none') return Buffer.from(data);
  const key = cipher === 'aes256' ? fileKey : objectKey(fileKey, cipher, objectNumber, generation);
  if (cipher === 'rc4') return rc4(key, data);
  if (data.length < 32 || data.length % 16 !== 0) return Buffer.alloc(0);
  try {
    const decipher = createDecipheriv(cipher === 'aes256' ? 'aes-256-cbc' : 'aes-128-cbc', key, data.subarray(0, 16));
    return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
  } catch {
    return Buffer.alloc(0);
  }
}

/** Decrypts one stream's or string's bytes, given the indirect object they belong to. */
export type StreamDecryptor = (objectNumber: number, generation: number, bytes: Uint8Array) => Uint8Array;

export interface Decryption {
  decrypt: StreamDecryptor;
  /** The user password that worked: '' for none. */
  password: string;
}

/**
 * Stream decryption for a pdf-lib document encrypted with RC4 (V1/V2, R2/R3) or AES-128 (V4/R4
 * with an AESV2 or V2 stream crypt filter), with the empty user password or the first of
 * `candidates` that opens it; null when none does or the scheme is not one of these (AES-256 is
 * not decrypted here). The stream filter's cipher also serves the strings read alongside images.
 * Each try costs 70 MD5/RC4 rounds over a few dozen bytes; the caller bounds the candidates.
 */
export function findDecryption(context: PDFContext, candidates: readonly string[]): Decryption | null {
  const encrypt = context.lookup(context.trailerInfo.Encrypt);
  if (!(encrypt instanceof PDFDict)) return null;
  const get = (key: string): PDFObject | undefined => context.lookup(encrypt.get(PDFName.of(key)));
  const filter = get('Filter');
  const version = finiteOrNaN(get('V'));
  const revision = finiteOrNaN(get('R'));
  if (!(filter instanceof PDFName) || filter.decodeText() !== 'Standard' || ![1, 2, 4].includes(version) || ![2, 3, 4].includes(revision)) return null;

  const method = version === 4 ? streamFilterMethod(get('CF'), get('StmF'), context) : 'V2';
  if (method === null) return null;
  const owner = stringBytes(get('O'));
  const user = stringBytes(get('U'));
  const permissions = finiteOrNaN(get('P'));
  const ids = context.lookup(context.trailerInfo.ID);
  const fileId = (ids instanceof PDFArray ? stringBytes(context.lookup(ids.get(0))) : null) ?? new Uint8Array(0);
  if (owner === null || user === null || !Number.isFinite(permissions)) return null;
  const cipher = method === 'AESV2' ? 'aes128' : 'rc4';
  const encryption: StandardEncryption = {
    version,
    revision,
    // This reader keeps /Length for R2 too (only V1 forces 5 bytes): files that open in the QR engine keep opening.
    keyLength: version === 1 ? 5 : cipher === 'aes128' ? 16 : Math.min(16, Math.max(5, (finiteOrNaN(get('Length')) || 40) / 8)),
    owner,
    user,
    userKey: new Uint8Array(0),
    permissions,
    fileId,
    encryptMetadata: get('EncryptMetadata') !== PDFBool.False,
    stringCipher: cipher,
  };
  const found = findUserPassword(encryption, candidates);
  if (found === null) return null;
  const { key, password } = found;
  const decrypt: StreamDecryptor = (objectNumber, generation, bytes) =>
    cipher === 'aes128' ? aes128Lenient(objectKey(key, cipher, objectNumber, generation), bytes) : rc4(objectKey(key, cipher, objectNumber, generation), bytes);
  return { decrypt, password };
}

function finiteOrNaN(object: PDFObject | undefined): number {
  return object instanceof PDFNumber ? object.asNumber() : Number.NaN;
}

function stringBytes(object: PDFObject | undefined): Uint8Array | null {
  return object instanceof PDFString || object instanceof PDFHexString ? object.asBytes() : null;
}

/** The stream crypt filter's method for V4: AESV2 or V2 (RC4); null for anything else. */
function streamFilterMethod(filters: PDFObject | undefined, streamFilter: PDFObject | undefined, context: PDFContext): 'AESV2' | 'V2' | null {
  if (!(streamFilter instanceof PDFName) || !(filters instanceof PDFDict)) return null;
  const filter = context.lookup(filters.get(streamFilter));
  if (!(filter instanceof PDFDict)) return null;
  const method = context.lookup(filter.get(PDFName.of('CFM')));
  const name = method instanceof PDFName ? method.decodeText() : '';
  return name === 'AESV2' || name === 'V2' ? name : null;
}

/**
 * AES-128-CBC with the IV in the first 16 bytes. Unlike strings, a stream with bad padding keeps
 * what decrypted: an image's samples are still worth a look.
 */
function aes128Lenient(key: Buffer, bytes: Uint8Array): Uint8Array {
  if (bytes.length < 32 || bytes.length % 16 !== 0) return new Uint8Array(0);
  const decipher = createDecipheriv('aes-128-cbc', key, bytes.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]);
  const padding = plain[plain.length - 1] as number;
  return padding >= 1 && padding <= 16 ? plain.subarray(0, plain.length - padding) : plain;
}
