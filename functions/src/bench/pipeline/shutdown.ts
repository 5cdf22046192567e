/**
 * Everything the benchmark started, stopped in reverse order exactly once: at the end, on an
 * error, or on SIGINT/SIGTERM while a run is under way. Each step gets a time limit, so a
 * client stuck on an emulator that is already gone cannot keep the emulators (started in their
 * own process groups, so they outlive us) from being stopped.
 */
export class ShutdownStack {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];
  private finished: Promise<void> | undefined;

  constructor(private readonly stepTimeoutMs = 20_000) {}

  /** Registers a step; the returned function runs it now (once) and forgets it. */
  push(name: string, run: () => Promise<void> | void): () => Promise<void> {
    const step = { name, run };
    this.steps.push(step);
    let done: Promise<void> | undefined;
    return () => {
      const index = this.steps.indexOf(step);
      if (index >= 0) this.steps.splice(index, 1);
      done ??= this.runStep(step);
      return done;
    };
  }

  /** Runs every registered step, newest first; later calls get the same promise. */
  runAll(): Promise<void> {
    this.finished ??= (async () => {
      while (this.steps.length > 0) await this.runStep(this.steps.pop() as (typeof this.steps)[number]);
    })();
    return this.finished;
  }

  private async runStep(step: { name: string; run: () => Promise<void> | void }): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), this.stepTimeoutMs);
      timer.unref();
    });
    try {
      const outcome = await Promise.race([Promise.resolve(step.run()).then(() => 'done' as const), expired]);
      if (outcome === 'expired') console.error(`shutdown: ${step.name} did not finish within ${this.stepTimeoutMs} ms; going on`);
    } catch (error) {
      console.error(`shutdown: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
