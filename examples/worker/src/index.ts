/**
 * A Durable Object that keeps key-value state and records every change as a floe event, and a
 * fetch handler that routes requests to the objects:
 *
 *     POST /objects/{name}/changes   [{"op":"PUT","key":"a","value":{...}}, {"op":"DELETE","key":"b"}]
 *     GET  /objects/{name}           {"id": ..., "state": {...}, "pending": 0}
 *
 * A change and its event are written to the object's storage together (an outbox), then sent;
 * an event leaves the outbox only once the stream took it. A batch is fixed before its first
 * attempt and resent as it was, so its Idempotency-Key (`<do_id>:<first>-<last>`) names the same
 * events on every try, across requests and restarts of the object alike.
 */
import { DurableObject } from "cloudflare:workers";
import { floeStream, type FloeStreamEnv, type Stream } from "./floe-stream";

export interface Env extends FloeStreamEnv {
  OBJECTS: DurableObjectNamespace<StateObject>;
}

/** One event of floe's built-in schema. */
export interface StateEvent {
  do_id: string;
  ns: string;
  type: string;
  key: string;
  value: string | null;
  op: "PUT" | "DELETE";
  timestamp: number;
  seq: number;
}

export type Change = { op: "PUT"; key: string; value: unknown } | { op: "DELETE"; key: string };

/** The answer to a change request. */
export interface Applied {
  events: StateEvent[];
  /** Whether the stream took them; if not, the object keeps them and retries on its alarm. */
  sent: boolean;
  error?: string;
}

const MAX_CHANGES = 100;
const MAX_BATCH = 100;
// 100 events of at most 32 KB stay under floe's (and Pipelines') 5 MB request limit.
const MAX_VALUE_CHARS = 32 * 1024;
// Set with every change: if the object stops while it holds unsent events, the alarm sends them.
const RETRY_DELAY_MS = 10_000;

const OUTBOX = "outbox:";
const STATE = "state:";
const INFLIGHT = "inflight";

export class StateObject extends DurableObject<Env> {
  private readonly stream: Stream;
  private seq = 0;
  private flushes: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // With Pipelines this line is `this.stream = env.STREAM;`.
    this.stream = floeStream(env);
    ctx.blockConcurrencyWhile(async () => {
      this.seq = (await ctx.storage.get<number>("seq")) ?? 0;
    });
  }

  /** Applies the changes, records one event each, and sends them before answering. */
  async apply(changes: Change[]): Promise<Applied> {
    const problem = validate(changes);
    if (problem) {
      throw new Error(`Invalid changes: ${problem}`);
    }
    const now = Date.now();
    const doId = this.ctx.id.toString();
    const events = changes.map((change): StateEvent => ({
      do_id: doId,
      ns: "example",
      type: "kv",
      key: change.key,
      value: change.op === "PUT" ? JSON.stringify(change.value ?? null) : null,
      op: change.op,
      timestamp: now,
      seq: ++this.seq,
    }));
    // No await between these writes: the storage commits them as one atomic batch, with the
    // alarm that sends the events should this object stop before it has.
    const storage = this.ctx.storage;
    const writes: Record<string, unknown> = { seq: this.seq };
    const last = new Map<string, Change>();
    for (const [i, change] of changes.entries()) {
      writes[outboxKey(events[i].seq)] = events[i];
      last.set(change.key, change);
    }
    const deletes: string[] = [];
    for (const [key, change] of last) {
      if (change.op === "PUT") {
        writes[STATE + key] = change.value ?? null;
      } else {
        deletes.push(STATE + key);
      }
    }
    if (deletes.length > 0) {
      storage.delete(deletes);
    }
    storage.put(writes);
    storage.setAlarm(now + RETRY_DELAY_MS);

    try {
      // Resolves once a pass that started after these writes emptied the outbox.
      await this.flush();
      return { events, sent: true };
    } catch (e) {
      // The events are safe in the outbox; the alarm sends them later under the same keys.
      return { events, sent: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  async read(): Promise<{ id: string; state: Record<string, unknown>; pending: number }> {
    const state: Record<string, unknown> = {};
    for (const [k, v] of await this.ctx.storage.list({ prefix: STATE })) {
      state[k.slice(STATE.length)] = v;
    }
    return { id: this.ctx.id.toString(), state, pending: await this.pending() };
  }

  async alarm(): Promise<void> {
    try {
      await this.flush();
    } finally {
      if ((await this.pending()) > 0) {
        await this.ctx.storage.setAlarm(Date.now() + RETRY_DELAY_MS);
      }
    }
  }

  /**
   * Sends the outbox, one batch at a time. Sending awaits the network, during which the object
   * takes other requests, so flushes are chained: each starts when the one before it ended.
   */
  private flush(): Promise<void> {
    const next = this.flushes.then(
      () => this.sendOutbox(),
      () => this.sendOutbox(),
    );
    this.flushes = next;
    return next;
  }

  private async sendOutbox(): Promise<void> {
    const storage = this.ctx.storage;
    for (;;) {
      let batch = await storage.get<{ first: number; last: number }>(INFLIGHT);
      if (batch === undefined) {
        const head = await storage.list<StateEvent>({ prefix: OUTBOX, limit: MAX_BATCH });
        if (head.size === 0) {
          return;
        }
        const seqs = [...head.values()].map((e) => e.seq);
        batch = { first: seqs[0], last: seqs[seqs.length - 1] };
        // Fixed before the first attempt: a retry sends exactly these events under the same key.
        await storage.put(INFLIGHT, batch);
      }
      const events = await storage.list<StateEvent>({
        start: outboxKey(batch.first),
        end: outboxKey(batch.last + 1),
      });
      await this.stream.send([...events.values()]);
      await storage.delete([...events.keys(), INFLIGHT]);
    }
  }

  private async pending(): Promise<number> {
    return (await this.ctx.storage.list({ prefix: OUTBOX })).size;
  }
}

function outboxKey(seq: number): string {
  // Zero-padded, so the storage's lexicographic order is seq order.
  return OUTBOX + String(seq).padStart(16, "0");
}

function validate(changes: unknown): string | undefined {
  if (!Array.isArray(changes) || changes.length === 0 || changes.length > MAX_CHANGES) {
    return `expected an array of 1 to ${MAX_CHANGES} changes`;
  }
  for (const [i, c] of changes.entries()) {
    const change = c as { op?: unknown; key?: unknown; value?: unknown };
    if (typeof change !== "object" || change === null || typeof change.key !== "string" || change.key === "") {
      return `change ${i} has no key`;
    }
    if (change.op !== "PUT" && change.op !== "DELETE") {
      return `change ${i}: op must be PUT or DELETE, not ${JSON.stringify(change.op)}`;
    }
    if (change.op === "PUT" && JSON.stringify(change.value ?? null).length > MAX_VALUE_CHARS) {
      return `change ${i}: the value of ${change.key} is longer than ${MAX_VALUE_CHARS} characters as JSON`;
    }
  }
  return undefined;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const match = new URL(request.url).pathname.match(/^\/objects\/([^/]+)(\/changes)?$/);
    if (!match) {
      return Response.json({ error: "Not found: use /objects/{name} or /objects/{name}/changes" }, { status: 404 });
    }
    const object = env.OBJECTS.get(env.OBJECTS.idFromName(decodeURIComponent(match[1])));
    if (match[2] === undefined) {
      return request.method === "GET"
        ? Response.json(await object.read())
        : Response.json({ error: "Use GET" }, { status: 405, headers: { Allow: "GET" } });
    }
    if (request.method !== "POST") {
      return Response.json({ error: "Use POST" }, { status: 405, headers: { Allow: "POST" } });
    }
    let changes: Change[];
    try {
      changes = await request.json();
    } catch {
      return Response.json({ error: "Invalid body: not JSON" }, { status: 400 });
    }
    const problem = validate(changes);
    if (problem) {
      return Response.json({ error: `Invalid changes: ${problem}` }, { status: 400 });
    }
    const applied = await object.apply(changes);
    // 202: recorded in the object, not yet in the stream (the object retries on its alarm).
    return Response.json(applied, { status: applied.sent ? 200 : 202 });
  },
} satisfies ExportedHandler<Env>;
