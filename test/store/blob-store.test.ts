import { createHash } from 'node:crypto';
import { StrataError } from '../../functions/src/core/errors';
import { assertBlobKey, blobKeyOf, isBlobKey, ownedCopy, verifyBlobContent } from '../../functions/src/store/blob-store';
import {
  BlobIntegrityError,
  BlobStoreAccessError,
  InvalidBlobKeyError,
  withAccessErrors,
} from '../../functions/src/store/blob-store-errors';

describe('blob keys', () => {
  it('is the lowercase hex SHA-256 of the bytes', () => {
    const bytes = Buffer.from('hello');
    expect(blobKeyOf(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it.each([
    ['a'.repeat(64), true],
    ['A'.repeat(64), false],
    ['a'.repeat(63), false],
    ['a'.repeat(65), false],
    [`${'a'.repeat(63)}g`, false],
    [`../${'a'.repeat(61)}`, false],
    [42, false],
  ])('isBlobKey(%j) is %s', (key, expected) => {
    expect(isBlobKey(key)).toBe(expected);
  });

  it('assertBlobKey raises InvalidBlobKeyError naming the store and the key', () => {
    expect(() => assertBlobKey('blobs/../scans', 'test store')).toThrow(InvalidBlobKeyError);
    expect(() => assertBlobKey('blobs/../scans', 'test store')).toThrow(/^test store: "blobs\/\.\.\/scans" is not a blob key/);
  });

  it('ownedCopy copies exactly the view', () => {
    const backing = Buffer.from('0123456789');
    const copy = ownedCopy(backing.subarray(2, 5));
    backing.fill(0);
    expect(copy.toString()).toBe('234');
  });
});

describe('verifyBlobContent', () => {
  const bytes = Buffer.from('content');
  const key = blobKeyOf(bytes);

  it('accepts bytes that hash to their key and match the recorded size', () => {
    expect(() => verifyBlobContent('s', key, bytes, bytes.length)).not.toThrow();
  });

  it('reports a hash mismatch with the actual hash', () => {
    const failure = captureError(() => verifyBlobContent('s', key, Buffer.from('contenT')));
    expect(failure).toBeInstanceOf(BlobIntegrityError);
    expect(failure).toMatchObject({ code: 'blob.integrity', key, store: 's', context: { actualSha256: blobKeyOf(Buffer.from('contenT')) } });
  });

  it('reports a size mismatch before hashing', () => {
    expect(() => verifyBlobContent('s', key, bytes, 99)).toThrow(`s: blob ${key} is corrupt: read 7 bytes, manifest says 99`);
  });
});

describe('withAccessErrors', () => {
  it('wraps backend errors with the store, operation, key and the cause', async () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const failure = await withAccessErrors('gs://b/', 'get', 'k', () => Promise.reject(cause)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BlobStoreAccessError);
    expect(failure).toBeInstanceOf(StrataError);
    expect(failure).toMatchObject({ code: 'blob.access', operation: 'get', store: 'gs://b/', cause });
    expect((failure as Error).message).toBe('gs://b/: get k failed: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('adds a numeric status code the message lacks', async () => {
    const cause = Object.assign(new Error('Precondition failed'), { code: 412 });
    const failure = await withAccessErrors('s', 'put', 'k', () => Promise.reject(cause)).catch((error: unknown) => error);
    expect((failure as Error).message).toBe('s: put k failed: Precondition failed (code 412)');
  });

  it('lets the stores’ own typed errors through unchanged', async () => {
    const integrity = new BlobIntegrityError('s', 'k', 'bad');
    await expect(withAccessErrors('s', 'get', 'k', () => Promise.reject(integrity))).rejects.toBe(integrity);
  });
});

function captureError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
