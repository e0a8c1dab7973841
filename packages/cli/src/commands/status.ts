import type { Context } from '../context';
import { widthOf } from '../io';
import { readDeployment } from '../stack';
import { collectStatus } from '../status/collect';
import { renderStatus } from '../status/render';

export async function status(ctx: Context, options: { json: boolean }): Promise<number> {
  const deployment = await readDeployment(ctx);
  const doc = await collectStatus(ctx, deployment);
  if (options.json) {
    ctx.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    ctx.io.stdout.write(`${renderStatus(doc, ctx.out, widthOf(ctx.io.stdout))}\n`);
  }
  return 0;
}
