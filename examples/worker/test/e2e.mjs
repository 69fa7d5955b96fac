#!/usr/bin/env node
// Runs the example Worker in workerd (through miniflare) against a running `floe serve`: drives
// --objects Durable Objects, each with --requests change requests (two at a time, so flushes
// overlap), and writes every event the objects recorded to --out, one JSON object a line. A
// relay between the Worker and floe loses the answer to some first attempts (floe has the batch,
// the Worker retries it) and refuses others with 503 and Retry-After, so the table holding each
// event once shows that retries reuse the Idempotency-Key and floe commits a key once.
//
//   FLOE_TOKEN=... node test/e2e.mjs --url http://127.0.0.1:PORT/ --out events.ndjson
//
// Prints one JSON summary line on stdout; exits 1 with the reason on stderr if a check fails.
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: process.env.FLOE_URL },
    out: { type: "string" },
    objects: { type: "string", default: "4" },
    requests: { type: "string", default: "12" },
    seed: { type: "string", default: "15" },
    "no-faults": { type: "boolean", default: false },
  },
});
if (!args.url) {
  fail("Invalid arguments: --url (the floe serve endpoint) is required");
}
const objects = Number(args.objects);
const requestsPerObject = Number(args.requests);
const random = mulberry32(Number(args.seed));
const token = process.env.FLOE_TOKEN;

const relay = await startRelay(new URL(args.url), !args["no-faults"]);
const config = readWrangler();
const { outputFiles } = await build({
  entryPoints: [join(root, config.main)],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  external: ["cloudflare:*"],
  write: false,
});
const binding = config.durable_objects.bindings[0];
const mf = new Miniflare({
  modules: [{ type: "ESModule", path: "index.js", contents: outputFiles[0].text }],
  compatibilityDate: config.compatibility_date,
  durableObjects: { [binding.name]: { className: binding.class_name, useSQLite: true } },
  bindings: { FLOE_URL: relay.url, ...(token ? { FLOE_TOKEN: token } : {}) },
});

try {
  const started = Date.now();
  const perObject = await Promise.all(
    Array.from({ length: objects }, (_, i) => driveObject(`object-${i}`)),
  );
  const events = perObject.flat();
  for (let i = 0; i < objects; i++) {
    await checkObject(`object-${i}`, perObject[i]);
  }
  if (args.out) {
    writeFileSync(args.out, events.map((e) => JSON.stringify(e) + "\n").join(""));
  }
  if (relay.problems.length > 0) {
    fail(`Invalid requests from the Worker: ${relay.problems.slice(0, 3).join("; ")}`);
  }
  console.log(JSON.stringify({
    objects,
    requests: objects * requestsPerObject,
    events: events.length,
    ...relay.counts,
    keys: relay.keys.size,
    ms: Date.now() - started,
  }));
} finally {
  await mf.dispose();
  relay.server.close();
}

/** Sends this object's change requests two at a time; returns the events it recorded. */
async function driveObject(name) {
  const events = [];
  for (let r = 0; r < requestsPerObject; r += 2) {
    const pair = [r, r + 1].filter((n) => n < requestsPerObject).map(async (n) => {
      const changes = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, c) => change(name, n, c));
      const response = await mf.dispatchFetch(`http://worker/objects/${name}/changes`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(changes),
      });
      const text = await response.text();
      if (response.status !== 200) {
        fail(`Cannot apply changes to ${name} (request ${n}): ${response.status} ${text}`);
      }
      const applied = JSON.parse(text);
      if (!applied.sent || applied.events.length !== changes.length) {
        fail(`Cannot apply changes to ${name} (request ${n}): ${text}`);
      }
      return applied.events;
    });
    for (const recorded of await Promise.all(pair)) {
      events.push(...recorded);
    }
  }
  return events;
}

function change(name, request, index) {
  const key = `key-${Math.floor(random() * 6)}`;
  if (random() < 0.25) {
    return { op: "DELETE", key };
  }
  const values = [
    { object: name, request, index, note: "caf\u00e9 \u2713 \"quoted\" \\ \u{1F600}", tags: ["a", "b"] },
    { nested: { list: [1, 2.5, -3], empty: {} }, flag: request % 2 === 0 },
    null,
    request * 1000 + index,
    `plain text ${request}`,
  ];
  return { op: "PUT", key, value: values[Math.floor(random() * values.length)] };
}

/** The object sent all it recorded, once, in seq order, and its state is the fold of its events. */
async function checkObject(name, events) {
  const response = await mf.dispatchFetch(`http://worker/objects/${name}`);
  const read = await response.json();
  if (read.pending !== 0) {
    fail(`Invalid state of ${name}: ${read.pending} events still in its outbox`);
  }
  const seqs = events.map((e) => e.seq).sort((a, b) => a - b);
  if (seqs.some((seq, i) => seq !== i + 1) || events.some((e) => e.do_id !== read.id)) {
    fail(`Invalid events of ${name}: seqs ${seqs.join(",")} for ${read.id}`);
  }
  const state = {};
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.op === "PUT") {
      state[e.key] = JSON.parse(e.value);
    } else {
      delete state[e.key];
    }
  }
  if (JSON.stringify(sorted(state)) !== JSON.stringify(sorted(read.state))) {
    fail(`Invalid state of ${name}: ${JSON.stringify(read.state)}, its events say ${JSON.stringify(state)}`);
  }
}

/**
 * A relay on 127.0.0.1 in front of floe serve. Of the first attempts of its batches (told apart by
 * Idempotency-Key), every 4th from the 2nd on is forwarded and its answer dropped, every 4th from
 * the 4th on is answered 503 without forwarding; retries pass through.
 */
async function startRelay(upstream, faults) {
  const keys = new Map();
  const counts = { posts: 0, forwarded: 0, lostAnswers: 0, refused: 0, rejected: 0 };
  const problems = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) {
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    counts.posts++;
    const key = req.headers["idempotency-key"];
    checkShape(req, body, problems);
    const first = !keys.has(key);
    const ordinal = first ? keys.size + 1 : keys.get(key);
    keys.set(key, ordinal);
    if (faults && first && ordinal % 4 === 0) {
      counts.refused++;
      res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "1" });
      res.end(JSON.stringify({ success: false, error: "relay: refused a first attempt" }));
      return;
    }
    try {
      const headers = {};
      for (const name of ["content-type", "content-encoding", "idempotency-key", "authorization"]) {
        if (req.headers[name] !== undefined) {
          headers[name] = req.headers[name];
        }
      }
      const answer = await fetch(new URL(req.url, upstream), { method: req.method, headers, body });
      const text = await answer.text();
      counts.forwarded++;
      if (answer.ok) {
        // Events floe dead-lettered: the Worker's events are all valid, so this stays 0.
        counts.rejected += JSON.parse(text).rejected ?? 0;
      }
      if (faults && first && ordinal % 4 === 2) {
        counts.lostAnswers++;
        req.socket.destroy();
        return;
      }
      const out = { "Content-Type": answer.headers.get("content-type") ?? "application/json" };
      if (answer.headers.get("retry-after")) {
        out["Retry-After"] = answer.headers.get("retry-after");
      }
      res.writeHead(answer.status, out);
      res.end(text);
    } catch (e) {
      problems.push(`cannot reach floe serve at ${upstream}: ${e.message}`);
      res.writeHead(502).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}${upstream.pathname}`;
  return { server, url, keys, counts, problems };
}

/** What floe serve is promised: a POST of a JSON array, keyed, with the token when there is one. */
function checkShape(req, body, problems) {
  const key = req.headers["idempotency-key"];
  if (req.method !== "POST" || !req.headers["content-type"]?.startsWith("application/json")) {
    problems.push(`${req.method} with Content-Type ${req.headers["content-type"]}`);
  }
  if (token && req.headers.authorization !== `Bearer ${token}`) {
    problems.push(`batch ${key} without the bearer token`);
  }
  let records;
  try {
    records = JSON.parse(body.toString("utf8"));
  } catch {
    problems.push(`batch ${key}: the body is not JSON`);
    return;
  }
  if (!Array.isArray(records) || records.length === 0) {
    problems.push(`batch ${key}: the body is not a non-empty JSON array`);
    return;
  }
  const expected = `${records[0].do_id}:${records[0].seq}-${records[records.length - 1].seq}`;
  if (key !== expected) {
    problems.push(`batch with Idempotency-Key ${key}, not ${expected}`);
  }
}

/** wrangler.jsonc, whose comments are whole lines: the test runs what would be deployed. */
function readWrangler() {
  const text = readFileSync(join(root, "wrangler.jsonc"), "utf8");
  return JSON.parse(text.split("\n").filter((line) => !line.trim().startsWith("//")).join("\n"));
}

function sorted(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
