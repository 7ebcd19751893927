/**
 * Child process for crash-restart.test.ts: what `nimbus start --data-dir <dir>` runs (its
 * options, then startNimbus on the persistent data dir: crash recovery and the resumption of
 * services included), with one difference: a manual clock, moved by the parent over stdin, as
 * the other e2e tests move time for SQS visibility timeouts instead of sleeping. (The system
 * clock would also let the 5-minute deduplication window and DynamoDB's 24-hour stream
 * retention run out between the rounds.)
 *
 *   node crash-fixture.js <dataDir> <clockMs>
 *
 * Prints `ready <port>` once listening; then for each `advance <ms>` line on stdin moves the
 * clock (running what fell due) and prints `advanced <clockMs>`. Exits when stdin closes, so
 * a parent that dies does not leave it running; the test ends it with SIGKILL.
 */
import { createInterface } from "node:readline";
import { startOptions } from "../../src/cli/main.js";
import { ManualClock } from "../../src/core/manual-clock.js";
import { startNimbus } from "../../src/server/server.js";

async function main(dataDir: string, clockMs: number): Promise<void> {
  const clock = new ManualClock(clockMs);
  // The flags `nimbus start` would get, and no NIMBUS_* variable of the test's environment.
  const options = startOptions({ port: "0", host: "127.0.0.1", hostname: "127.0.0.1", "data-dir": dataDir, "log-level": "silent" }, {});
  const nimbus = await startNimbus({ ...{}, ...options, clock });
  process.stdout.write(`ready ${nimbus.port}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    const advance = /^advance (\d+)$/.exec(line);
    if (advance === null) throw new Error(`crash-fixture: unknown command ${JSON.stringify(line)}`);
    await nimbus.scheduler.advance(Number(advance[1]));
    process.stdout.write(`advanced ${clock.now()}\n`);
  }
  await nimbus.close();
}

const [dataDir, clockMs] = process.argv.slice(2);
if (dataDir === undefined || clockMs === undefined || !/^\d+$/.test(clockMs)) {
  process.stderr.write("usage: crash-fixture <dataDir> <clockMs>\n");
  process.exit(2);
}
main(dataDir, Number(clockMs)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
