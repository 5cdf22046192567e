import { ClamdProtocolError, ClamdReplyError, parseScanReply } from '../../functions/src/clamd';

describe('parseScanReply', () => {
  it('reads a clean stream', () => {
    expect(parseScanReply('stream: OK\0')).toEqual({ infected: false });
    expect(parseScanReply('stream: OK\n')).toEqual({ infected: false });
  });

  it('reads a detection with its signature name, dots and suffix kept', () => {
    expect(parseScanReply('stream: Win.Test.EICAR_HDB-1 FOUND\0')).toEqual({ infected: true, signature: 'Win.Test.EICAR_HDB-1' });
    expect(parseScanReply('stream: Strata.Test.Eicar.UNOFFICIAL FOUND')).toEqual({ infected: true, signature: 'Strata.Test.Eicar.UNOFFICIAL' });
    expect(parseScanReply('1: stream: Heuristics.Encrypted.Zip FOUND\0')).toEqual({ infected: true, signature: 'Heuristics.Encrypted.Zip' });
  });

  it('throws a typed error on error replies, marking the size limit', () => {
    const sizeLimit = (() => {
      try {
        parseScanReply('INSTREAM size limit exceeded. ERROR\0');
      } catch (error) {
        return error;
      }
    })() as ClamdReplyError;
    expect(sizeLimit).toBeInstanceOf(ClamdReplyError);
    expect(sizeLimit.sizeLimitExceeded).toBe(true);
    expect(sizeLimit.reply).toBe('INSTREAM size limit exceeded. ERROR');
    const other = (() => {
      try {
        parseScanReply('stream: Can\'t allocate memory ERROR\0');
      } catch (error) {
        return error;
      }
    })() as ClamdReplyError;
    expect(other).toBeInstanceOf(ClamdReplyError);
    expect(other.sizeLimitExceeded).toBe(false);
    expect(() => parseScanReply('UNKNOWN COMMAND ERROR')).toThrow(ClamdReplyError);
  });

  it('never reads an unexpected reply as clean', () => {
    for (const reply of ['', 'OK', 'PONG', 'stream:', 'stream: FOUND', 'stream: ok', 'hello world']) {
      expect(() => parseScanReply(reply)).toThrow(ClamdProtocolError);
    }
  });
});
