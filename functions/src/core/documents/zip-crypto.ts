import { inflateRawSync } from 'node:zlib';

/**
 * Traditional PKWARE ("ZipCrypto") decryption of zip entries, for archives whose password the
 * message gives ("Password: 123"). Windows Explorer opens exactly this kind of encryption (not
 * AES), which is why malware mails use it. AES-encrypted entries (method 99) are listed but
 * cannot be decrypted here.
 */

const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const METHOD_AES = 99;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crcByte(crc: number, byte: number): number {
  return ((CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8)) >>> 0;
}

class ZipCryptoKeys {
  private k0 = 0x12345678;
  private k1 = 0x23456789;
  private k2 = 0x34567890;

  constructor(password: Buffer) {
    for (const byte of password) this.update(byte);
  }

  private update(byte: number): void {
    this.k0 = crcByte(this.k0, byte);
    this.k1 = (Math.imul((this.k1 + (this.k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
    this.k2 = crcByte(this.k2, this.k1 >>> 24);
  }

  decrypt(data: Uint8Array): Buffer {
    const out = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; i++) {
      const temp = (this.k2 | 2) & 0xffff;
      const plain = (data[i] as number) ^ ((Math.imul(temp, temp ^ 1) >>> 8) & 0xff);
      out[i] = plain;
      this.update(plain);
    }
    return out;
  }
}

export interface EncryptedZipEntry {
  path: string;
  /** AES entries cannot be decrypted here. */
  aes: boolean;
  /**
   * The entry's bytes with this password, or null when the password is wrong (header check or
   * CRC fails) or the output would pass `maxOutput`.
   */
  decrypt(password: string, maxOutput: number): Buffer | null;
}

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = crcByte(crc, byte);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Encrypted entries of a zip, by path; empty when there are none or the directory cannot be read. */
export function encryptedZipEntries(buf: Buffer, maxEntries = 5000): Map<string, EncryptedZipEntry> {
  const entries = new Map<string, EncryptedZipEntry>();
  const eocd = buf.lastIndexOf(END_OF_CENTRAL_DIRECTORY);
  if (eocd < 0 || eocd + 22 > buf.length) return entries;
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  // The end record is authoritative for where the directory ends (bytes may precede the archive).
  let p = eocd - size;
  const shift = p - buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < Math.min(count, maxEntries) && p >= 0 && p + 46 <= eocd; i++) {
    if (buf.readUInt32LE(p) !== CENTRAL_HEADER) break;
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const dosTime = buf.readUInt16LE(p + 12);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42) + shift;
    // eslint-disable-next-line no-control-regex -- control characters in stored names are replaced
    const path = buf.toString(flags & 0x0800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength).replace(/[\u0000-\u001f]/g, '?').slice(0, 1024);
    p += 46 + nameLength + extraLength + commentLength;
    if (!(flags & FLAG_ENCRYPTED)) continue;
    const decrypt = (password: string, maxOutput: number): Buffer | null => {
      if (method === METHOD_AES || (method !== 0 && method !== 8)) return null;
      if (localOffset < 0 || localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LOCAL_HEADER) return null;
      const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
      if (compressedSize < 12 || dataStart + compressedSize > buf.length) return null;
      const keys = new ZipCryptoKeys(Buffer.from(password, 'latin1'));
      const header = keys.decrypt(buf.subarray(dataStart, dataStart + 12));
      // The last header byte repeats the CRC's high byte (or the time's, with a data descriptor).
      const check = flags & FLAG_DATA_DESCRIPTOR ? dosTime >>> 8 : crc >>> 24;
      if (header[11] !== check) return null;
      const plain = keys.decrypt(buf.subarray(dataStart + 12, dataStart + compressedSize));
      try {
        const data = method === 8 ? inflateRawSync(plain, { maxOutputLength: Math.max(1, maxOutput) }) : plain.subarray(0, maxOutput);
        return crc32(data) === crc ? data : null;
      } catch {
        return null;
      }
    };
    entries.set(path, { path, aes: method === METHOD_AES, decrypt });
  }
  return entries;
}
