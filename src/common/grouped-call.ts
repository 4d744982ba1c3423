/**
 * Group commit for database round trips. Callers ask for one item each; while a batch is in flight, every new
 * request waits in line, and the whole line goes out as the next batch when a slot frees up. Under light load a
 * request runs alone at once (no timer, no added latency); under heavy load the batches grow by themselves, so
 * the number of statements stops growing with the number of messages.
 *
 * `run` answers a batch with one result per input, in the same order. If it throws, every request in that batch
 * fails with the same error (the callers' retry policy takes over).
 */
export class GroupedCall<I, O> {
  private waiting: { input: I; resolve: (value: O) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;
  private batches = 0;
  private items = 0;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly options: { maxBatch: number; maxInFlight: number },
  ) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) throw new Error('GroupedCall needs positive limits');
  }

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.pump();
    });
  }

  /** Batches sent and items carried so far (the average batch size is what the grouping buys). */
  get stats(): { batches: number; items: number } {
    return { batches: this.batches, items: this.items };
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      this.batches++;
      this.items += batch.length;
      void this.send(batch);
    }
  }

  private async send(batch: typeof this.waiting): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.input));
      if (results.length !== batch.length) {
        throw new Error(`GroupedCall: ${results.length} results for ${batch.length} inputs`);
      }
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }
}
