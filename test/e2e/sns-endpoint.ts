/**
 * An HTTP/S subscriber for SNS tests: records every POST, accepts subscription confirmations,
 * answers notifications with the status `statusFor` picks, and hands requests out in arrival
 * order (`next`) or by type (`first`).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const typeOf = (r: Received): string => String(r.headers["x-amz-sns-message-type"]);

export class SubscriberEndpoint {
  /** Every request, in arrival order. */
  readonly received: Received[] = [];
  /** The status of a notification; `attempt` counts the deliveries of its message to its path (1 = the first). */
  statusFor: (r: Received, attempt: number) => number = () => 200;
  private readonly handedOut = new Set<Received>();
  private readonly waiting: Array<{ matches: (r: Received) => boolean; resolve: (r: Received) => void }> = [];
  private readonly server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const item: Received = { path: req.url ?? "/", headers: req.headers, body };
      const id = req.headers["x-amz-sns-message-id"];
      const attempt = this.received.filter((r) => r.path === item.path && r.headers["x-amz-sns-message-id"] === id).length + 1;
      this.received.push(item);
      res.statusCode = typeOf(item) === "SubscriptionConfirmation" ? 200 : this.statusFor(item, attempt);
      res.end("");
      const index = this.waiting.findIndex((w) => w.matches(item));
      const waiter = index === -1 ? undefined : this.waiting.splice(index, 1)[0];
      if (waiter) {
        this.handedOut.add(item);
        waiter.resolve(item);
      }
    });
  });

  /** Listens on a free port of 127.0.0.1; resolves with `http://127.0.0.1:<port>`. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The next request (to `path`, when given) not handed out yet, now or when it comes. */
  next(path?: string): Promise<Received> {
    const matches = (r: Received): boolean => path === undefined || r.path === path;
    const seen = this.received.find((r) => !this.handedOut.has(r) && matches(r));
    if (seen !== undefined) {
      this.handedOut.add(seen);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.waiting.push({ matches, resolve }));
  }

  /**
   * The first request of `type` to `path` (handed out or not), now or when it comes; it counts
   * as handed out either way, so `next` does not answer it again.
   */
  first(path: string, type: string): Promise<Received> {
    const matches = (r: Received): boolean => r.path === path && typeOf(r) === type;
    const seen = this.received.find(matches);
    if (seen !== undefined) {
      this.handedOut.add(seen);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.waiting.push({ matches, resolve }));
  }

  notifications(path: string): Received[] {
    return this.received.filter((r) => r.path === path && typeOf(r) === "Notification");
  }
}
