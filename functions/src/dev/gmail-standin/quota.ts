/**
 * Gmail's per-user rate limit: units spent by one mailbox in any 60-second window. A rejected
 * call spends nothing, so a client that backs off recovers once the window slides past.
 */
export class PerUserQuota {
  private readonly spent = new Map<string, { at: number; units: number }[]>();

  constructor(
    private readonly unitsPerMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Spends `units` for `mailbox` at time `now`; false (and nothing spent) when over the limit. */
  tryCharge(mailbox: string, units: number, now: number): boolean {
    const entries = this.window(mailbox, now);
    const used = entries.reduce((sum, entry) => sum + entry.units, 0);
    if (used + units > this.unitsPerMinute) return false;
    entries.push({ at: now, units });
    return true;
  }

  usedInWindow(mailbox: string, now: number): number {
    return this.window(mailbox, now).reduce((sum, entry) => sum + entry.units, 0);
  }

  private window(mailbox: string, now: number): { at: number; units: number }[] {
    let entries = this.spent.get(mailbox);
    if (!entries) {
      entries = [];
      this.spent.set(mailbox, entries);
    }
    while (entries.length > 0 && (entries[0] as { at: number }).at <= now - this.windowMs) entries.shift();
    return entries;
  }
}
