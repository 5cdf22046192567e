import { createDecipheriv, createHash } from 'node:crypto';
import type { CfbFile } from './cfb';

/**
 * Password-protected OOXML documents (MS-OFFCRYPTO): a compound file holding `EncryptionInfo`
 * and `EncryptedPackage` instead of the zip. Malware is mailed this way with the password in the
 * body (Emotet, Qakbot, Dridex waves) because no gateway can look inside. Given the candidate
 * passwords the message offers, this checks whether one of them opens the document (the
 * password verifier, no guessing) and decrypts the package so its content can be analysed like
 * any other document.
 *
 * Supported: Agile encryption (Office 2010 and later, LibreOffice; AES with SHA-1/SHA-2) and
 * Standard encryption (Office 2007; AES with SHA-1). Legacy RC4 / CryptoAPI encryption of
 * .doc/.xls/.ppt files is not decrypted (reported as `legacy`).
 */

export type OfficeEncryptionScheme = 'agile' | 'standard' | 'legacy' | 'unsupported';

export interface OfficeCryptLimits {
  /**
   * Key-derivation rounds accepted. Office and LibreOffice write 100,000 (agile) or 50,000
   * (standard); every round is one hash, done synchronously, so a file asking for more is not
   * attempted rather than allowed to hold the event loop.
   */
  maxSpinCount: number;
  /** Bytes of decrypted package produced. */
  maxPackageBytes: number;
}

export const DEFAULT_OFFICE_CRYPT_LIMITS: OfficeCryptLimits = {
  maxSpinCount: 100_000,
  maxPackageBytes: 32 * 1024 * 1024,
};

export interface OfficeDecryption {
  scheme: OfficeEncryptionScheme;
  /** Index (into the candidates given) of the password that opened the document, null when none did. */
  passwordIndex: number | null;
  /** The decrypted package (an OOXML zip), when a password opened it and it fitted the bounds. */
  package: Buffer | null;
  /** Password derivations spent (each costs up to `maxSpinCount` hashes). */
  attempts: number;
  /** Why nothing was tried or nothing could be decrypted. */
  problem: string | null;
}

interface KeyParams {
  hash: string;
  hashSize: number;
  keyBytes: number;
  blockSize: number;
  salt: Buffer;
}

interface AgileInfo extends KeyParams {
  kind: 'agile';
  spinCount: number;
  encryptedVerifierHashInput: Buffer;
  encryptedVerifierHashValue: Buffer;
  encryptedKeyValue: Buffer;
  /** keyData: parameters of the package encryption itself. */
  data: KeyParams;
}

interface StandardInfo {
  kind: 'standard';
  keyBytes: number;
  salt: Buffer;
  encryptedVerifier: Buffer;
  verifierHashSize: number;
  encryptedVerifierHash: Buffer;
}

interface UnsupportedInfo {
  kind: 'unsupported';
  problem: string;
}

type EncryptionInfo = AgileInfo | StandardInfo | UnsupportedInfo;

const HASHES: Record<string, { name: string; size: number }> = {
  SHA1: { name: 'sha1', size: 20 },
  'SHA-1': { name: 'sha1', size: 20 },
  SHA256: { name: 'sha256', size: 32 },
  SHA384: { name: 'sha384', size: 48 },
  SHA512: { name: 'sha512', size: 64 },
};

/** Block keys of MS-OFFCRYPTO 2.3.4.11-13. */
const BLOCK_VERIFIER_INPUT = Buffer.from('fea7d2763b4b9e79', 'hex');
const BLOCK_VERIFIER_VALUE = Buffer.from('d7aa0f6d3061344e', 'hex');
const BLOCK_KEY_VALUE = Buffer.from('146e0be7abacd0d6', 'hex');
const SEGMENT_BYTES = 4096;

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(tag);
  return match ? (match[1] ?? null) : null;
}

function keyParams(tag: string): KeyParams | string {
  const hash = HASHES[attribute(tag, 'hashAlgorithm') ?? ''];
  if (!hash) return `hash algorithm ${attribute(tag, 'hashAlgorithm') ?? '(none)'}`;
  if (attribute(tag, 'cipherAlgorithm') !== 'AES') return `cipher ${attribute(tag, 'cipherAlgorithm') ?? '(none)'}`;
  if (attribute(tag, 'cipherChaining') !== 'ChainingModeCBC') return `chaining ${attribute(tag, 'cipherChaining') ?? '(none)'}`;
  const keyBits = Number(attribute(tag, 'keyBits'));
  if (![128, 192, 256].includes(keyBits)) return `key size ${keyBits}`;
  const blockSize = Number(attribute(tag, 'blockSize'));
  if (blockSize !== 16) return `block size ${blockSize}`;
  const salt = Buffer.from(attribute(tag, 'saltValue') ?? '', 'base64');
  if (salt.length === 0 || salt.length > 64) return 'salt';
  return { hash: hash.name, hashSize: hash.size, keyBytes: keyBits / 8, blockSize, salt };
}

function agileInfo(xml: string): AgileInfo | UnsupportedInfo {
  const keyData = /<(?:\w+:)?keyData\b[^>]*>/.exec(xml);
  const encryptedKey = /<(?:\w+:)?encryptedKey\b[^>]*\bspinCount\b[^>]*>/.exec(xml);
  if (!keyData || !encryptedKey) return { kind: 'unsupported', problem: 'agile encryption without a password key encryptor' };
  const data = keyParams(keyData[0]);
  const key = keyParams(encryptedKey[0]);
  if (typeof data === 'string' || typeof key === 'string') return { kind: 'unsupported', problem: `agile encryption with an unsupported ${typeof data === 'string' ? data : key}` };
  const b64 = (name: string): Buffer => Buffer.from(attribute(encryptedKey[0], name) ?? '', 'base64');
  return {
    kind: 'agile',
    ...key,
    spinCount: Number(attribute(encryptedKey[0], 'spinCount')),
    encryptedVerifierHashInput: b64('encryptedVerifierHashInput'),
    encryptedVerifierHashValue: b64('encryptedVerifierHashValue'),
    encryptedKeyValue: b64('encryptedKeyValue'),
    data,
  };
}

/** EncryptionHeader + EncryptionVerifier of Standard encryption (MS-OFFCRYPTO 2.3.4.5-2.3.4.6). */
function standardInfo(info: Buffer): StandardInfo | UnsupportedInfo {
  if (info.length < 12) return { kind: 'unsupported', problem: 'truncated EncryptionInfo' };
  const headerSize = info.readUInt32LE(8);
  const header = info.subarray(12, 12 + headerSize);
  const verifier = info.subarray(12 + headerSize);
  if (header.length < 32 || verifier.length < 4 + 16 + 16 + 4 + 32) return { kind: 'unsupported', problem: 'truncated EncryptionInfo' };
  const algId = header.readUInt32LE(8);
  if (algId !== 0x660e && algId !== 0x660f && algId !== 0x6610) return { kind: 'unsupported', problem: `standard encryption with algorithm 0x${algId.toString(16)} (RC4 or other)` };
  const saltSize = verifier.readUInt32LE(0);
  if (saltSize !== 16) return { kind: 'unsupported', problem: 'standard encryption with an unusual salt' };
  return {
    kind: 'standard',
    keyBytes: header.readUInt32LE(16) / 8,
    salt: verifier.subarray(4, 20),
    encryptedVerifier: verifier.subarray(20, 36),
    verifierHashSize: verifier.readUInt32LE(36),
    encryptedVerifierHash: verifier.subarray(40, 72),
  };
}

function readEncryptionInfo(info: Buffer): EncryptionInfo {
  if (info.length < 8) return { kind: 'unsupported', problem: 'truncated EncryptionInfo' };
  const major = info.readUInt16LE(0);
  const minor = info.readUInt16LE(2);
  if (major === 4 && minor === 4) return agileInfo(info.subarray(8, 8 + 64 * 1024).toString('utf8'));
  if ((major === 2 || major === 3 || major === 4) && minor === 2) return standardInfo(info);
  return { kind: 'unsupported', problem: `EncryptionInfo version ${major}.${minor} (not Agile or Standard encryption)` };
}

function hash(algorithm: string, ...parts: Buffer[]): Buffer {
  const h = createHash(algorithm);
  for (const part of parts) h.update(part);
  return h.digest();
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0);
  return out;
}

/** H(salt + password), then `spinCount` rounds of H(iterator + H) (MS-OFFCRYPTO 2.3.4.7 / 2.3.4.11). */
function spunHash(algorithm: string, salt: Buffer, password: string, spinCount: number): Buffer {
  let h = hash(algorithm, salt, Buffer.from(password, 'utf16le'));
  const iterator = Buffer.alloc(4);
  for (let i = 0; i < spinCount; i++) {
    iterator.writeUInt32LE(i);
    h = hash(algorithm, iterator, h);
  }
  return h;
}

/** Truncated to `length`, or padded with 0x36 (MS-OFFCRYPTO 2.3.4.11). */
function fit(bytes: Buffer, length: number, pad = 0x36): Buffer {
  if (bytes.length >= length) return bytes.subarray(0, length);
  return Buffer.concat([bytes, Buffer.alloc(length - bytes.length, pad)]);
}

function aesCbc(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  decipher.setAutoPadding(false);
  const whole = data.subarray(0, data.length - (data.length % 16));
  return Buffer.concat([decipher.update(whole), decipher.final()]);
}

function aesEcb(key: Buffer, data: Buffer): Buffer {
  const decipher = createDecipheriv(`aes-${key.length * 8}-ecb`, key, null);
  decipher.setAutoPadding(false);
  const whole = data.subarray(0, data.length - (data.length % 16));
  return Buffer.concat([decipher.update(whole), decipher.final()]);
}

/** The package key when `password` is the document's password, else null. */
function agileKey(info: AgileInfo, password: string): Buffer | null {
  const h = spunHash(info.hash, info.salt, password, info.spinCount);
  const derive = (block: Buffer): Buffer => fit(hash(info.hash, h, block), info.keyBytes);
  const iv = fit(info.salt, info.blockSize);
  try {
    const input = aesCbc(derive(BLOCK_VERIFIER_INPUT), iv, info.encryptedVerifierHashInput).subarray(0, info.salt.length);
    const expected = aesCbc(derive(BLOCK_VERIFIER_VALUE), iv, info.encryptedVerifierHashValue).subarray(0, info.hashSize);
    if (expected.length !== info.hashSize || !hash(info.hash, input).equals(expected)) return null;
    const key = aesCbc(derive(BLOCK_KEY_VALUE), iv, info.encryptedKeyValue).subarray(0, info.data.keyBytes);
    return key.length === info.data.keyBytes ? key : null;
  } catch {
    return null; // malformed verifier fields: treated as "this password does not open it"
  }
}

/** Standard encryption: SHA-1, 50,000 rounds, key from the CryptoAPI derivation (MS-OFFCRYPTO 2.3.4.7). */
function standardKey(info: StandardInfo, password: string): Buffer | null {
  const h = hash('sha1', spunHash('sha1', info.salt, password, 50_000), u32(0));
  const x1 = hash('sha1', Buffer.from(Buffer.alloc(64, 0x36).map((b, i) => b ^ (h[i] ?? 0))));
  const x2 = hash('sha1', Buffer.from(Buffer.alloc(64, 0x5c).map((b, i) => b ^ (h[i] ?? 0))));
  const key = Buffer.concat([x1, x2]).subarray(0, info.keyBytes);
  try {
    const verifier = aesEcb(key, info.encryptedVerifier);
    const verifierHash = aesEcb(key, info.encryptedVerifierHash).subarray(0, info.verifierHashSize);
    return hash('sha1', verifier).equals(verifierHash) ? key : null;
  } catch {
    return null;
  }
}

function decryptAgilePackage(info: AgileInfo, key: Buffer, stream: Buffer, size: number): Buffer {
  const body = stream.subarray(8);
  const segments: Buffer[] = [];
  let produced = 0;
  for (let index = 0; produced < size && index * SEGMENT_BYTES < body.length; index++) {
    const iv = fit(hash(info.data.hash, info.data.salt, u32(index)), info.data.blockSize);
    const segment = aesCbc(key, iv, body.subarray(index * SEGMENT_BYTES, (index + 1) * SEGMENT_BYTES));
    segments.push(segment);
    produced += segment.length;
  }
  return Buffer.concat(segments).subarray(0, size);
}

/**
 * Tries the candidate passwords (at most `maxAttempts` of them) on an encrypted OOXML document
 * and decrypts its package with the one that opens it. Legacy encryption of .doc/.xls files
 * (no `EncryptionInfo` stream) is reported as scheme `legacy` without attempts.
 */
export function decryptOffice(
  cfb: CfbFile,
  passwords: readonly string[],
  maxAttempts: number,
  limits: OfficeCryptLimits = DEFAULT_OFFICE_CRYPT_LIMITS,
): OfficeDecryption {
  const result = (scheme: OfficeEncryptionScheme, problem: string | null, attempts = 0): OfficeDecryption => ({ scheme, passwordIndex: null, package: null, attempts, problem });
  const infoEntry = cfb.find('EncryptionInfo');
  const packageEntry = cfb.find('EncryptedPackage');
  if (!infoEntry || !packageEntry) return result('legacy', 'legacy (RC4/CryptoAPI) encryption of a binary Office file is not decrypted');
  const info = readEncryptionInfo(cfb.read(infoEntry, 256 * 1024));
  if (info.kind === 'unsupported') return result('unsupported', info.problem);
  if (info.kind === 'agile' && !(info.spinCount >= 0 && info.spinCount <= limits.maxSpinCount)) {
    return result('agile', `key derivation asks for ${info.spinCount} rounds (over the ${limits.maxSpinCount} bound)`);
  }
  let attempts = 0;
  for (const [index, password] of passwords.entries()) {
    if (attempts >= maxAttempts) break;
    attempts++;
    const key = info.kind === 'agile' ? agileKey(info, password) : standardKey(info, password);
    if (!key) continue;
    const stream = cfb.read(packageEntry, limits.maxPackageBytes + 8);
    const size = stream.length >= 8 ? Number(stream.readBigUInt64LE(0)) : 0;
    const opened = { scheme: info.kind, passwordIndex: index, attempts, package: null, problem: null };
    if (size > limits.maxPackageBytes || size > stream.length - 8) return { ...opened, problem: `decrypted package of ${size} bytes is over a bound or truncated; not analysed` };
    const decrypted = info.kind === 'agile' ? decryptAgilePackage(info, key, stream, size) : aesEcb(key, stream.subarray(8)).subarray(0, size);
    return { ...opened, package: decrypted };
  }
  return result(info.kind, null, attempts);
}
