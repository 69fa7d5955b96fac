/**
 * A stream with the shape of a Cloudflare Pipelines binding (`env.STREAM.send(records)`) that posts
 * to `floe serve` instead, so switching a Worker to floe is one line:
 *
 *     const stream = env.STREAM;        // Pipelines
 *     const stream = floeStream(env);   // floe serve
 *
 * Each `send` is one `POST` of the records as a JSON array, with an `Idempotency-Key` that stays
 * the same across its retries: floe commits a batch whose answer was lost once, however often it
 * is retried within the table's dedupe window.
 */

/** What `env.STREAM` offers: `Pipeline` of `cloudflare:pipelines` has this shape. */
export interface Stream {
  send(records: object[]): Promise<void>;
}

/** The Worker's vars and secrets that point it at a `floe serve`. */
export interface FloeStreamEnv {
  /** The stream's endpoint: `http://host:port/`, or `.../v1/streams/{name}` on a server of several. */
  FLOE_URL: string;
  /** The bearer token, as a secret (`wrangler secret put FLOE_TOKEN`); unset when auth is off. */
  FLOE_TOKEN?: string;
}

export interface FloeStreamOptions {
  /** Attempts per `send`, the first included (default 6). */
  maxAttempts?: number;
  /** The first back-off after a network error or a 5xx without `Retry-After` (default 200 ms). */
  baseDelayMs?: number;
  /** The longest wait between attempts, `Retry-After` included (default 30 s). */
  maxDelayMs?: number;
  /** How long one attempt may take before it counts as a network error (default 30 s). */
  timeoutMs?: number;
  /**
   * The key of a batch: it must be the same whenever the same records are sent again. By default
   * `<do_id>:<first seq>-<last seq>` for floe's event shape, else the SHA-256 of the body.
   */
  idempotencyKey?: (records: object[], body: string) => string | Promise<string>;
}

/** A `send` that failed; `retryable` tells whether sending the same batch later may succeed. */
export class FloeStreamError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "FloeStreamError";
  }
}

export function floeStream(env: FloeStreamEnv, options: FloeStreamOptions = {}): Stream {
  if (!env.FLOE_URL) {
    throw new Error("Invalid floe stream: FLOE_URL is not set");
  }
  const url = env.FLOE_URL;
  const maxAttempts = options.maxAttempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const keyOf = options.idempotencyKey ?? defaultKey;

  return {
    async send(records: object[]): Promise<void> {
      if (records.length === 0) {
        return;
      }
      const body = JSON.stringify(records);
      const headers: Record<string, string> = {
        "Content-Type": "application/json",
        "Idempotency-Key": await keyOf(records, body),
      };
      if (env.FLOE_TOKEN) {
        headers["Authorization"] = `Bearer ${env.FLOE_TOKEN}`;
      }
      let last = "";
      for (let attempt = 1; ; attempt++) {
        let delay: number;
        try {
          const response = await fetch(url, {
            method: "POST",
            headers,
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (response.ok) {
            await warnOnRejects(response, headers["Idempotency-Key"]);
            return;
          }
          const reason = await reasonOf(response);
          if (response.status !== 429 && response.status < 500) {
            // 400, 401, 413, 415: the same request would get the same answer.
            throw new FloeStreamError(
              `Cannot send ${records.length} records to ${url}: ${response.status} ${reason}`,
              response.status,
              false,
              attempt,
            );
          }
          last = `${response.status} ${reason}`;
          delay = retryAfterMs(response.headers.get("Retry-After")) ?? backoff(attempt, baseDelayMs);
        } catch (e) {
          if (e instanceof FloeStreamError) {
            throw e;
          }
          // A network error or a timeout: floe may have the batch; the same key makes a retry safe.
          last = e instanceof Error ? e.message : String(e);
          delay = backoff(attempt, baseDelayMs);
        }
        if (attempt >= maxAttempts) {
          throw new FloeStreamError(
            `Cannot send ${records.length} records to ${url} in ${attempt} attempts: ${last}`,
            undefined,
            true,
            attempt,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(delay, maxDelayMs)));
      }
    },
  };
}

async function defaultKey(records: object[], body: string): Promise<string> {
  const first = records[0] as { do_id?: unknown; seq?: unknown };
  const lastRecord = records[records.length - 1] as { do_id?: unknown; seq?: unknown };
  const oneObject = records.every((r) => (r as { do_id?: unknown }).do_id === first.do_id);
  if (typeof first.do_id === "string" && oneObject && Number.isInteger(first.seq) && Number.isInteger(lastRecord.seq)) {
    return `${first.do_id}:${first.seq}-${lastRecord.seq}`;
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Full jitter: a random wait up to base * 2^(attempt-1), so many objects do not retry in step. */
function backoff(attempt: number, baseDelayMs: number): number {
  return Math.random() * baseDelayMs * 2 ** (attempt - 1);
}

/** `Retry-After` as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === "") {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim()) * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The server's reason: the `error` or `message` of a JSON answer, else its text (shortened). */
async function reasonOf(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim();
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown };
    const reason = json.error ?? json.message;
    if (typeof reason === "string") {
      return reason;
    }
  } catch {
    // not JSON: the text itself
  }
  return text.length > 500 ? `${text.slice(0, 500)}...` : text || response.statusText;
}

/** floe dead-letters invalid events and counts them; Pipelines would drop them without a word. */
async function warnOnRejects(response: Response, key: string): Promise<void> {
  const answer = (await response.json().catch(() => ({}))) as { rejected?: unknown };
  if (typeof answer.rejected === "number" && answer.rejected > 0) {
    console.warn(`floe rejected ${answer.rejected} records of batch ${key}: see floe's dead letters`);
  }
}
