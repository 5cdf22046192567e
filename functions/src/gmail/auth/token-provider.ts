/** Hands out an OAuth access token that acts as `mailbox` (its own token under domain-wide delegation). */
export interface AccessTokenProvider {
  getToken(mailbox: string): Promise<string>;
  /**
   * Gmail refused `token` for `mailbox` with 401 (revoked, rotated key, clock skew): drop it so
   * the next getToken issues a new one. A provider without a cache need not implement it.
   */
  invalidate?(mailbox: string, token: string): void;
}

export interface IssuedToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Obtains a fresh token for one mailbox, uncached. */
export type TokenIssuer = (mailbox: string) => Promise<IssuedToken>;

export interface TokenCacheOptions {
  /** A token is replaced this long before it expires, so no call starts with a dying token. */
  refreshMarginMs?: number;
  /** Beyond this many mailboxes the least recently issued entries are dropped. */
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Per-mailbox token cache in front of a TokenIssuer. Tokens are reused until `refreshMarginMs`
 * before expiry (about 55 minutes of a one-hour token), and concurrent requests for the same
 * mailbox share one issuance: a burst of notifications for one user costs one signJwt and one
 * token exchange, not one per message. Failures are not cached.
 */
export class CachedTokenProvider implements AccessTokenProvider {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly pending = new Map<string, Promise<IssuedToken>>();
  private readonly refreshMarginMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly issue: TokenIssuer,
    options: TokenCacheOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  async getToken(mailbox: string): Promise<string> {
    // Gmail addresses are case-insensitive; one cache entry per user, whatever the spelling.
    const key = mailbox.trim().toLowerCase();
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - this.refreshMarginMs > this.now()) return cached.accessToken;

    let inFlight = this.pending.get(key);
    if (!inFlight) {
      inFlight = this.issueAndStore(key);
      this.pending.set(key, inFlight);
    }
    return (await inFlight).accessToken;
  }

  /** Drops a mailbox's token, e.g. after the mailbox's delegation was revoked. */
  forget(mailbox: string): void {
    this.tokens.delete(mailbox.trim().toLowerCase());
  }

  /** Drops the mailbox's token only if it is still `token`: a newer one issued meanwhile stays. */
  invalidate(mailbox: string, token: string): void {
    const key = mailbox.trim().toLowerCase();
    if (this.tokens.get(key)?.accessToken === token) this.tokens.delete(key);
  }

  private async issueAndStore(key: string): Promise<IssuedToken> {
    try {
      const token = await this.issue(key);
      this.tokens.delete(key);
      this.tokens.set(key, token);
      this.evictOverflow();
      return token;
    } finally {
      this.pending.delete(key);
    }
  }

  private evictOverflow(): void {
    // Map iteration is insertion order and issueAndStore re-inserts, so the first keys are the oldest.
    for (const key of this.tokens.keys()) {
      if (this.tokens.size <= this.maxEntries) return;
      this.tokens.delete(key);
    }
  }
}
