import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { build, type Plugin } from 'esbuild';

/** Bundles the workflows once per run, so each of the hundred worker restarts skips webpack. */
export async function writeWorkflowBundle(file: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(file, code);
}

/** Each module keeps its own folder as __dirname (migrations, policy packs), wherever the bundle is written. */
const keepDirname: Plugin = {
  name: 'keep-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll('__dirname', JSON.stringify(path.dirname(args.path))),
      loader: 'ts',
    }));
  },
};

/**
 * Bundles chaos/worker.ts and the product code it runs into one file (packages stay in node_modules): a worker
 * start then costs about half the CPU of loading ~300 TypeScript modules through tsx, on a machine where the
 * hundred restarts are the run's main cost.
 */
export async function writeWorkerBundle(file: string): Promise<void> {
  await build({
    entryPoints: [path.join(__dirname, 'worker.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [keepDirname],
    logLevel: 'error',
  });
}
