/**
 * The load generator's own process (see `openLoopApart` in open-loop.ts): receives one plan, sends its warm-up and
 * then its recorded requests at the plan's rate, sends back the figures and exits.
 */
import { openLoop, OpenLoopPlan, OpenLoopReport } from './open-loop';

process.once('message', (message) => {
  void (async () => {
    const plan = message as OpenLoopPlan;
    if (plan.warmup.length)
      await openLoop({
        url: plan.url,
        rate: plan.rate,
        amount: plan.warmup.length,
        next: (i) => plan.warmup[i],
      });
    const scheduledAt: number[] = [];
    const result = await openLoop({
      url: plan.url,
      rate: plan.rate,
      amount: plan.requests.length,
      next: (i) => plan.requests[i],
      onIssue: (i, at) => {
        scheduledAt[i] = at;
      },
    });
    const report: OpenLoopReport = { ...result, scheduledAt };
    process.send!(report, () => process.exit(0));
  })().catch((err: unknown) => {
    process.stderr.write(`load generator: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
});
