/**
 * For migration tests: a state in memory whose service has only the migrations before the one
 * that mentions `marker`, as a data dir written by an older Nimbus. The test writes rows in
 * that schema, then opens the service's store, which applies the rest; it closes the state.
 */
import { openState, type StateLayer } from "./database.js";

export function stateBeforeMigration(service: string, migrations: readonly string[], marker: string): StateLayer {
  const index = migrations.findIndex((m) => m.includes(marker));
  if (index < 0) throw new Error(`stateBeforeMigration: no ${service} migration mentions ${marker}`);
  const state = openState({ inMemory: true });
  state.migrate(service, migrations.slice(0, index));
  return state;
}
