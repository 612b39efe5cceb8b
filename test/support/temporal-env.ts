/**
 * Temporal test environments for test files.
 *
 *   const env = await createTimeSkippingEnv();   // time-skipping Java test server, one per call
 *   const env = await createDevServerEnv();      // the run's shared dev server (TEMPORAL_ADDRESS)
 *   ...
 *   await env.teardown();
 *
 * The time-skipping server is the binary found by global-setup (TEMPORAL_TEST_SERVER_PATH,
 * normally .tools/pip/bin/temporal-test-server). When that is unknown, or fails to start,
 * the SDK's default (download from GitHub) is used instead.
 */
import {
  TestWorkflowEnvironment,
  type ExistingServerTestWorkflowEnvironmentOptions,
  type TimeSkippingTestWorkflowEnvironmentOptions,
} from '@temporalio/testing';

/** Path of the time-skipping test server binary, if known. */
export function testServerPath(): string | undefined {
  return process.env.TEMPORAL_TEST_SERVER_PATH || undefined;
}

export async function createTimeSkippingEnv(
  options: TimeSkippingTestWorkflowEnvironmentOptions = {},
): Promise<TestWorkflowEnvironment> {
  const path = testServerPath();
  if (!path || options.server?.executable) return TestWorkflowEnvironment.createTimeSkipping(options);
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({
      ...options,
      server: { ...options.server, executable: { type: 'existing-path', path } },
    });
  } catch (err) {
    process.stderr.write(
      `[test] ${path} failed to start (${(err as Error).message}); falling back to the SDK's test-server download\n`,
    );
    return TestWorkflowEnvironment.createTimeSkipping(options);
  }
}

/**
 * An environment on the run's shared Temporal dev server (real time, no time skipping).
 * Use a unique task queue per test; workflows are not cleaned up between tests.
 */
export async function createDevServerEnv(
  options: ExistingServerTestWorkflowEnvironmentOptions = {},
): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('TEMPORAL_ADDRESS is not set: run the tests through jest (global setup starts the server)');
  return TestWorkflowEnvironment.createFromExistingServer({
    address,
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
    ...options,
  });
}
