import * as CFB from 'cfb';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Password-protected OOXML documents built the way Office writes them (MS-OFFCRYPTO Agile and
 * Standard encryption): the encryption side of what core/documents/office-crypt.ts decrypts,
 * written independently from the spec so a mistake on either side fails the tests.
 */

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16LE(value);
  return out;
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0);
  return out;
}

function sha(algorithm: string, ...parts: Buffer[]): Buffer {
  const h = createHash(algorithm);
  for (const part of parts) h.update(part);
  return h.digest();
}

function padTo16(data: Buffer): Buffer {
  return data.length % 16 === 0 ? data : Buffer.concat([data, Buffer.alloc(16 - (data.length % 16))]);
}

function aes(mode: 'cbc' | 'ecb', key: Buffer, iv: Buffer | null, data: Buffer): Buffer {
  const cipher = createCipheriv(`aes-${key.length * 8}-${mode}`, key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padTo16(data)), cipher.final()]);
}

function iterated(algorithm: string, salt: Buffer, password: string, spinCount: number): Buffer {
  let h = sha(algorithm, salt, Buffer.from(password, 'utf16le'));
  for (let i = 0; i < spinCount; i++) h = sha(algorithm, u32(i), h);
  return h;
}

function container(info: Buffer, encryptedPackage: Buffer): Buffer {
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, 'EncryptionInfo', info);
  CFB.utils.cfb_add(cfb, 'EncryptedPackage', encryptedPackage);
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}

function sizePrefix(size: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(size));
  return out;
}

export interface AgileSpec {
  spinCount?: number;
  /** Written into EncryptionInfo instead of the real spin count (to test the bound). */
  declaredSpinCount?: number;
}

/** Agile encryption (Office 2010+): AES-256-CBC, SHA-512, 4096-byte segments. */
export function agileEncryptedOffice(plainPackage: Buffer, password: string, spec: AgileSpec = {}): Buffer {
  const spinCount = spec.spinCount ?? 1000;
  const keySalt = randomBytes(16);
  const dataSalt = randomBytes(16);
  const packageKey = randomBytes(32);
  const h = iterated('sha512', keySalt, password, spinCount);
  const derive = (block: string): Buffer => sha('sha512', h, Buffer.from(block, 'hex')).subarray(0, 32);
  const verifierInput = randomBytes(16);
  const encryptedVerifierHashInput = aes('cbc', derive('fea7d2763b4b9e79'), keySalt, verifierInput);
  const encryptedVerifierHashValue = aes('cbc', derive('d7aa0f6d3061344e'), keySalt, sha('sha512', verifierInput));
  const encryptedKeyValue = aes('cbc', derive('146e0be7abacd0d6'), keySalt, packageKey);
  const params = 'saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"';
  const xml =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">' +
    `<keyData ${params} saltValue="${dataSalt.toString('base64')}"/>` +
    '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">' +
    `<p:encryptedKey spinCount="${spec.declaredSpinCount ?? spinCount}" ${params} saltValue="${keySalt.toString('base64')}" encryptedVerifierHashInput="${encryptedVerifierHashInput.toString('base64')}" encryptedVerifierHashValue="${encryptedVerifierHashValue.toString('base64')}" encryptedKeyValue="${encryptedKeyValue.toString('base64')}"/>` +
    '</keyEncryptor></keyEncryptors></encryption>';
  const segments: Buffer[] = [];
  for (let offset = 0, index = 0; offset < plainPackage.length; offset += 4096, index++) {
    const iv = sha('sha512', dataSalt, u32(index)).subarray(0, 16);
    segments.push(aes('cbc', packageKey, iv, plainPackage.subarray(offset, offset + 4096)));
  }
  const info = Buffer.concat([u16(4), u16(4), u32(0x40), Buffer.from(xml, 'utf8')]);
  return container(info, Buffer.concat([sizePrefix(plainPackage.length), ...segments]));
}

/** Standard encryption (Office 2007): AES-128-ECB, SHA-1 with 50,000 rounds, CryptoAPI key derivation. */
export function standardEncryptedOffice(plainPackage: Buffer, password: string): Buffer {
  const salt = randomBytes(16);
  const hFinal = sha('sha1', iterated('sha1', salt, password, 50_000), u32(0));
  const x1 = sha('sha1', Buffer.from(Buffer.alloc(64, 0x36).map((b, i) => b ^ (hFinal[i] ?? 0))));
  const x2 = sha('sha1', Buffer.from(Buffer.alloc(64, 0x5c).map((b, i) => b ^ (hFinal[i] ?? 0))));
  const key = Buffer.concat([x1, x2]).subarray(0, 16);
  const verifier = randomBytes(16);
  const cspName = Buffer.from('Microsoft Enhanced RSA and AES Cryptographic Provider\0', 'utf16le');
  // EncryptionHeader: flags, sizeExtra, algId AES-128, algIdHash SHA-1, keySize, providerType, reserved ×2, CSP name.
  const header = Buffer.concat([u32(0x24), u32(0), u32(0x660e), u32(0x8004), u32(128), u32(0x18), u32(0), u32(0), cspName]);
  const encryptionVerifier = Buffer.concat([u32(16), salt, aes('ecb', key, null, verifier), u32(20), aes('ecb', key, null, sha('sha1', verifier))]);
  const info = Buffer.concat([u16(3), u16(2), u32(0x24), u32(header.length), header, encryptionVerifier]);
  return container(info, Buffer.concat([sizePrefix(plainPackage.length), aes('ecb', key, null, plainPackage)]));
}
