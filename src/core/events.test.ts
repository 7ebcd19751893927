import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openState } from "../state/database.js";
import { createEventBus, type EventEnvelope, type NimbusEvent } from "./events.js";

// Test-only event types, declared the way a service declares its own.
declare module "./events.js" {
  interface NimbusEventMap {
    "nimbus-test:Ping": { n: number };
    "nimbus-test:Pong": { text: string };
  }
}

const scope = { account: "000000000000", region: "us-east-1" };

function collectingBus() {
  const errors: Array<{ error: unknown; event: EventEnvelope }> = [];
  const bus = createEventBus({ onError: (error, event) => errors.push({ error, event }) });
  return { bus, errors };
}

describe("event bus", () => {
  test("publish delivers after the current call stack, with detail and scope", async () => {
    const { bus } = collectingBus();
    const got: Array<NimbusEvent<"nimbus-test:Ping">> = [];
    bus.subscribe("nimbus-test:Ping", (event) => {
      got.push(event);
    });
    bus.publish("nimbus-test:Ping", { n: 1 }, scope);
    assert.equal(got.length, 0, "not delivered synchronously");
    await bus.idle();
    assert.deepEqual(got, [{ type: "nimbus-test:Ping", detail: { n: 1 }, scope }]);
  });

  test("listeners get only their type; subscribeAll gets everything; unsubscribe stops delivery", async () => {
    const { bus } = collectingBus();
    const pings: number[] = [];
    const all: string[] = [];
    const unsubscribe = bus.subscribe("nimbus-test:Ping", (event) => {
      pings.push(event.detail.n);
    });
    const unsubscribeAll = bus.subscribeAll((event) => {
      all.push(event.type);
    });
    bus.publish("nimbus-test:Ping", { n: 1 }, scope);
    bus.publish("nimbus-test:Pong", { text: "x" }, scope);
    await bus.idle();
    unsubscribe();
    unsubscribeAll();
    bus.publish("nimbus-test:Ping", { n: 2 }, scope);
    await bus.idle();
    assert.deepEqual(pings, [1]);
    assert.deepEqual(all, ["nimbus-test:Ping", "nimbus-test:Pong"]);
  });

  test("a unit of work delivers on commit, in emit order, and nothing before", async () => {
    const { bus } = collectingBus();
    const got: string[] = [];
    bus.subscribe("nimbus-test:Ping", (event) => {
      got.push(`ping ${event.detail.n} ${event.scope.region}`);
    });
    bus.subscribe("nimbus-test:Pong", (event) => {
      got.push(`pong ${event.detail.text}`);
    });
    const uow = bus.unitOfWork();
    uow.emit("nimbus-test:Ping", { n: 1 }, scope);
    uow.emit("nimbus-test:Pong", { text: "a" }, scope);
    uow.emit("nimbus-test:Ping", { n: 2 }, { account: "111111111111", region: "eu-west-1" });
    assert.equal(uow.size, 3);
    await bus.idle();
    assert.deepEqual(got, [], "buffered events are not delivered before commit");
    uow.commit();
    assert.equal(uow.state, "committed");
    assert.equal(uow.size, 0);
    assert.deepEqual(got, [], "commit delivers asynchronously");
    await bus.idle();
    assert.deepEqual(got, ["ping 1 us-east-1", "pong a", "ping 2 eu-west-1"]);
    uow.commit();
    uow.discard();
    await bus.idle();
    assert.equal(got.length, 3, "commit again and discard after commit change nothing");
    assert.throws(() => uow.emit("nimbus-test:Ping", { n: 3 }, scope), {
      message: "UnitOfWork.emit(nimbus-test:Ping) after the unit of work was committed",
    });
  });

  test("a discarded unit of work delivers nothing and cannot be committed", async () => {
    const { bus } = collectingBus();
    let delivered = 0;
    bus.subscribeAll(() => {
      delivered++;
    });
    const uow = bus.unitOfWork();
    uow.emit("nimbus-test:Ping", { n: 1 }, scope);
    uow.discard();
    assert.equal(uow.state, "discarded");
    assert.throws(() => uow.commit(), { message: "UnitOfWork.commit after discard: its events were dropped" });
    assert.throws(() => uow.emit("nimbus-test:Ping", { n: 2 }, scope), {
      message: "UnitOfWork.emit(nimbus-test:Ping) after the unit of work was discarded",
    });
    await bus.idle();
    assert.equal(delivered, 0);
  });

  test("listeners never run inside the emitting transaction and see its committed rows", async () => {
    const state = openState({ inMemory: true });
    try {
      state.migrate("evt", [
        "CREATE TABLE evt_things (account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (account_id, region, name))",
      ]);
      const { bus } = collectingBus();
      const seen: Array<{ inTransaction: boolean; rows: number }> = [];
      bus.subscribe("nimbus-test:Pong", () => {
        seen.push({
          inTransaction: state.db.inTransaction,
          rows: (state.db.prepare("SELECT count(*) AS n FROM evt_things").get() as { n: number }).n,
        });
      });
      const uow = bus.unitOfWork();
      state.transaction(() => {
        state.db.prepare("INSERT INTO evt_things VALUES (?, ?, ?)").run(scope.account, scope.region, "a");
        uow.emit("nimbus-test:Pong", { text: "a" }, scope);
        // Even a commit called (wrongly) inside the transaction delivers only after it.
        uow.commit();
      });
      await bus.idle();
      assert.deepEqual(seen, [{ inTransaction: false, rows: 1 }]);
    } finally {
      state.close();
    }
  });

  test("withUnitOfWork commits on return and discards on throw, sync and async", async () => {
    const { bus } = collectingBus();
    const got: number[] = [];
    bus.subscribe("nimbus-test:Ping", (event) => {
      got.push(event.detail.n);
    });
    const value = bus.withUnitOfWork((uow) => {
      uow.emit("nimbus-test:Ping", { n: 1 }, scope);
      return "ok";
    });
    assert.equal(value, "ok");
    assert.throws(
      () =>
        bus.withUnitOfWork((uow) => {
          uow.emit("nimbus-test:Ping", { n: 2 }, scope);
          throw new Error("operation failed");
        }),
      { message: "operation failed" },
    );
    const asyncValue = await bus.withUnitOfWork(async (uow) => {
      await Promise.resolve();
      uow.emit("nimbus-test:Ping", { n: 3 }, scope);
      return 42;
    });
    assert.equal(asyncValue, 42);
    await assert.rejects(
      bus.withUnitOfWork(async (uow) => {
        uow.emit("nimbus-test:Ping", { n: 4 }, scope);
        await Promise.resolve();
        throw new Error("async failure");
      }),
      { message: "async failure" },
    );
    const discardedInside = bus.withUnitOfWork((uow) => {
      uow.emit("nimbus-test:Ping", { n: 5 }, scope);
      uow.discard();
      return "kept going";
    });
    assert.equal(discardedInside, "kept going");
    await bus.idle();
    assert.deepEqual(got, [1, 3]);
  });

  test("a failing listener is reported and the others still get the event", async () => {
    const { bus, errors } = collectingBus();
    const got: string[] = [];
    bus.subscribe("nimbus-test:Ping", () => {
      throw new Error("sync listener failed");
    });
    bus.subscribe("nimbus-test:Ping", async () => {
      await Promise.resolve();
      throw new Error("async listener failed");
    });
    bus.subscribe("nimbus-test:Ping", (event) => {
      got.push(`third ${event.detail.n}`);
    });
    bus.publish("nimbus-test:Ping", { n: 7 }, scope);
    await bus.idle();
    assert.deepEqual(got, ["third 7"]);
    assert.deepEqual(
      errors.map((e) => [(e.error as Error).message, e.event.type, e.event.detail]),
      [
        ["sync listener failed", "nimbus-test:Ping", { n: 7 }],
        ["async listener failed", "nimbus-test:Ping", { n: 7 }],
      ],
    );
  });

  test("a broken onError hook does not stop delivery", async () => {
    const bus = createEventBus({
      onError: () => {
        throw new Error("hook broken");
      },
    });
    const got: number[] = [];
    bus.subscribe("nimbus-test:Ping", () => {
      throw new Error("listener broken");
    });
    bus.subscribe("nimbus-test:Ping", (event) => {
      got.push(event.detail.n);
    });
    bus.publish("nimbus-test:Ping", { n: 1 }, scope);
    await bus.idle();
    assert.deepEqual(got, [1]);
  });

  test("idle waits for async listeners and for the events they publish in turn", async () => {
    const { bus } = collectingBus();
    const log: string[] = [];
    bus.subscribe("nimbus-test:Ping", async (event) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      log.push(`ping ${event.detail.n}`);
      bus.publish("nimbus-test:Pong", { text: `reply ${event.detail.n}` }, event.scope);
    });
    bus.subscribe("nimbus-test:Pong", async (event) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      log.push(event.detail.text);
    });
    bus.publish("nimbus-test:Ping", { n: 1 }, scope);
    await bus.idle();
    assert.deepEqual(log, ["ping 1", "reply 1"]);
    await bus.idle();
  });

  test("the scope is copied when the event is emitted", async () => {
    const { bus } = collectingBus();
    const regions: string[] = [];
    bus.subscribe("nimbus-test:Ping", (event) => {
      regions.push(event.scope.region);
    });
    const mutable = { account: "000000000000", region: "us-east-1" };
    const uow = bus.unitOfWork();
    uow.emit("nimbus-test:Ping", { n: 1 }, mutable);
    mutable.region = "ap-south-1";
    uow.commit();
    await bus.idle();
    assert.deepEqual(regions, ["us-east-1"]);
  });
});
