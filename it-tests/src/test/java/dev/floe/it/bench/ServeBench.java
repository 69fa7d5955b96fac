package dev.floe.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.config.Settings;
import dev.floe.it.servers.ServerLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;

/**
 * {@code floe serve} over loopback, in two modes. {@link #atGoalRate} is open-loop: {@code
 * bench.serve.clients} (64) client threads together send {@code bench.serve.rate} (50,000) events
 * per second, each on its own schedule, and a request's latency counts from when it was due, not
 * from when a client behind schedule got to send it (no coordinated omission): this is the issue's
 * goal, p99 to 200 at 50,000 events/s. {@link #flatOut} is closed-loop: each client sends the next
 * request as soon as the answer comes, so it measures the saturation throughput, and its latency is
 * queueing (clients / throughput, by Little's law), not service time.
 *
 * <p>Each request holds {@code bench.serve.events} (100) events of about {@code
 * bench.serve.event-bytes} (1 KB); {@code bench.serve.seconds} (30) are measured after a {@code
 * bench.serve.warmup} (10 s) that is not counted. One server, started by {@code bin/floe serve} as
 * a user starts it ({@code bench.serve.java-opts} replaces {@code FLOE_JAVA_OPTS}), on the embedded
 * catalog (a local warehouse), rolling every {@code bench.serve.roll-interval} (5 s). Requests carry
 * an {@code Idempotency-Key} (one batch per request) when {@code bench.serve.keys=true}, else none
 * (one batch per spool segment, as Pipelines' clients send). Reports requests/s, events/s accepted
 * and committed, latency to 200 (p50, p99, p99.9, measured by the clients, which share the
 * machine's cores with the server), the server's CPU per event (from /proc), its peak RSS, commits
 * per minute, and what the spool holds when the load stops (whether commits keep up); after SIGTERM
 * the table must hold every accepted event. Not a test and not in CI: {@code mvn -B -pl it-tests
 * -am verify -Pbench -Dit.test=ServeBench -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dit.test=ServeBench#atGoalRate} for one mode).
 */
class ServeBench {
  private static final Pattern LISTENING = Pattern.compile("Listening on (http://127\\.0\\.0\\.1:\\d+)");

  @Test
  void atGoalRate() throws Exception {
    run(Long.getLong("bench.serve.rate", 50_000));
  }

  @Test
  void flatOut() throws Exception {
    run(0);
  }

  /** One run: {@code rate} events per second in all, or flat out when 0. */
  private void run(long rate) throws Exception {
    int clients = Integer.getInteger("bench.serve.clients", 64);
    int perRequest = Integer.getInteger("bench.serve.events", 100);
    int eventBytes = Integer.getInteger("bench.serve.event-bytes", 1000);
    Duration measured = Duration.ofSeconds(Integer.getInteger("bench.serve.seconds", 30));
    Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.serve.warmup", 10));
    String rollInterval = System.getProperty("bench.serve.roll-interval", "5s");
    boolean keys = Boolean.getBoolean("bench.serve.keys");
    // socket: a kept-alive connection per client thread (LoopbackPoster, cheap as wrk); jdk: java.net.http.HttpClient.
    String clientKind = System.getProperty("bench.serve.client", "socket");
    if (!clientKind.equals("socket") && !clientKind.equals("jdk")) {
      throw new IllegalArgumentException("bench.serve.client must be socket or jdk, not " + clientKind);
    }
    String javaOpts = System.getProperty("bench.serve.java-opts");
    // Another file system for the spool (e.g. /dev/shm, where fsync returns at once): tells the disk's share.
    String spoolParent = System.getProperty("bench.serve.spool-dir");
    Path launcher = Path.of(System.getProperty("floe.bench.launcher", "../bin/floe")).toAbsolutePath().normalize();
    Path dir = ServerLayout.fromSystemProperties().serversDir().getParent().resolve("bench-serve")
        .resolve(UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(dir);
    Path warehouse = dir.resolve("warehouse");
    String table = "bench_serve.events";
    // Each client's requests are due every `interval` ns, the clients' schedules spread evenly.
    long interval = rate > 0 ? Math.round(1e9 * clients * perRequest / rate) : 0;

    Path spool = (spoolParent == null ? dir : Path.of(spoolParent).resolve(dir.getFileName())).resolve("spool");
    prepare(launcher, dir);
    List<String> command = new ArrayList<>(List.of(launcher.toString(), "serve", "--port", "0",
        "--spool-dir", spool.toString(), "-D", "serve.roll-interval=" + rollInterval));
    // More settings for the server, "key=value;key=value" (e.g. serve.warmup-events=0).
    for (String setting : System.getProperty("bench.serve.settings", "").split(";")) {
      if (!setting.isBlank()) {
        command.addAll(List.of("-D", setting.trim()));
      }
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("serve.out").toFile())
        .redirectError(dir.resolve("serve.err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().keySet().removeIf(key -> key.startsWith("FLOE_") || key.startsWith("AWS_"));
    builder.environment().putAll(Map.of("FLOE_WAREHOUSE", warehouse.toString(), "FLOE_TABLE", table,
        "FLOE_DEAD_LETTER_DIR", dir.resolve("dead-letters").toString()));
    if (javaOpts != null) {
      builder.environment().put("FLOE_JAVA_OPTS", javaOpts);
    }
    Process server = builder.start();
    try {
      URI uri = awaitListening(server, dir.resolve("serve.out"));
      byte[][] bodies = new byte[clients][];
      for (int c = 0; c < clients; c++) {
        bodies[c] = body(c, perRequest, eventBytes);
      }
      long[][] latencies = new long[clients][];
      int[] counts = new int[clients];
      Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
      AtomicLong accepted = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      AtomicLong late = new AtomicLong();
      // The slowest answer to a request due in each second of the run: where the stalls are.
      AtomicLongArray worstBySecond = new AtomicLongArray((int) (warmup.toSeconds() + measured.toSeconds() + 1));
      HttpClient[] http = new HttpClient[Math.max(1, clients / 8)];
      for (int i = 0; i < http.length; i++) {
        http[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
      }
      long start = System.nanoTime();
      long measureFrom = start + warmup.toNanos();
      long end = measureFrom + measured.toNanos();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        latencies[c] = new long[1 << 16];
        Thread thread = new Thread(() -> {
          HttpClient shared = http[client % http.length];
          LoopbackPoster poster = clientKind.equals("socket") ? new LoopbackPoster(uri, 30_000) : null;
          long n = 0;
          long due = start + (interval * client) / clients;
          while (true) {
            long scheduled;
            if (interval > 0) {
              scheduled = due;
              due += interval;
              long wait = scheduled - System.nanoTime();
              if (wait > 0) {
                LockSupport.parkNanos(wait);
              } else if (wait < -1_000_000 && scheduled >= measureFrom) {
                late.incrementAndGet();
              }
            } else {
              scheduled = System.nanoTime();
            }
            if (scheduled >= end) {
              if (poster != null) {
                poster.close();
              }
              return;
            }
            String key = keys ? "bench-c" + client + "-r" + (n++) : null;
            try {
              int status;
              if (poster != null) {
                status = poster.post(bodies[client], key);
              } else {
                HttpRequest.Builder post = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[client]));
                if (key != null) {
                  post.header("Idempotency-Key", key);
                }
                status = shared.send(post.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
              }
              long took = System.nanoTime() - scheduled;
              worstBySecond.accumulateAndGet((int) ((scheduled - start) / 1_000_000_000L), took, Math::max);
              statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
              if (status == 200) {
                accepted.addAndGet(perRequest);
                if (scheduled >= measureFrom) {
                  if (counts[client] == latencies[client].length) {
                    latencies[client] = Arrays.copyOf(latencies[client], counts[client] * 2);
                  }
                  latencies[client][counts[client]++] = took;
                }
              }
            } catch (IOException e) {
              errors.incrementAndGet();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        }, "bench-client-" + c);
        threads.add(thread);
      }
      threads.forEach(Thread::start);
      TimeUnit.NANOSECONDS.sleep(measureFrom - System.nanoTime());
      double serverCpuBefore = ProcStats.cpuSeconds(server.pid());
      double clientCpuBefore = ProcStats.cpuSeconds(ProcessHandle.current().pid());
      long acceptedBefore = accepted.get();
      Instant windowFrom = Instant.now();
      String loadBefore = ProcStats.loadAverage();
      TimeUnit.NANOSECONDS.sleep(end - System.nanoTime());
      double serverCpu = ProcStats.cpuSeconds(server.pid()) - serverCpuBefore;
      double clientCpu = ProcStats.cpuSeconds(ProcessHandle.current().pid()) - clientCpuBefore;
      long acceptedInWindow = accepted.get() - acceptedBefore;
      Instant windowTo = Instant.now();
      String loadAfter = ProcStats.loadAverage();
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
      }
      // What commits had not caught up with when the load stopped.
      Map<String, Double> atStop = metrics(http[0], uri);
      long peakRss = ProcStats.peakRssBytes(server.pid());
      long stopAsked = System.nanoTime();
      server.destroy();
      assertThat(server.waitFor(5, TimeUnit.MINUTES)).as("floe serve exited after SIGTERM").isTrue();
      Duration drain = Duration.ofNanos(System.nanoTime() - stopAsked);
      assertThat(server.exitValue()).as("exit code; see %s", dir.resolve("serve.err")).isZero();

      long[] all = merge(latencies, counts);
      Arrays.sort(all);
      double seconds = measured.toMillis() / 1000.0;
      long requestsInWindow = all.length;
      long committedInWindow = 0;
      long commitsInWindow = 0;
      long rows;
      try (AutoCloseable closer = catalogCloser(warehouse)) {
        Catalog catalog = (Catalog) closer;
        Table loaded = catalog.loadTable(TableIdentifier.parse(table));
        rows = Long.parseLong(loaded.currentSnapshot().summary().getOrDefault("total-records", "0"));
        for (Snapshot snapshot : loaded.snapshots()) {
          Instant at = Instant.ofEpochMilli(snapshot.timestampMillis());
          if (!at.isBefore(windowFrom) && !at.isAfter(windowTo)) {
            commitsInWindow++;
            committedInWindow += Long.parseLong(snapshot.summary().getOrDefault("added-records", "0"));
          }
        }
      }
      assertThat(rows).as("rows after SIGTERM = events answered 200").isEqualTo(accepted.get());
      // The machine line only: no REST catalog or S3 server runs here.
      List<String> report = new ArrayList<>(BenchReport.machine().subList(0, 1));
      report.add("java " + System.getProperty("java.version") + "; the clients run in the test JVM on the same cores;"
          + " server CPU s is floe serve's process, all threads, over the measured window"
          + (javaOpts == null ? "" : "; FLOE_JAVA_OPTS=" + javaOpts));
      report.add(String.format("floe serve (bin/floe, embedded catalog, local warehouse), roll interval %s%s; %d clients"
          + " (%s, one thread each, in the test JVM on the same cores), %s; %d events of %,d bytes per"
          + " request (%,d bytes), %s; %d s measured after %d s warm-up", rollInterval,
          System.getProperty("bench.serve.settings", "").isBlank() ? "" : ", " + System.getProperty("bench.serve.settings"),
          clients,
          clientKind.equals("socket") ? "LoopbackPoster" : "java.net.http.HttpClient",
          rate > 0 ? String.format("open loop at %,d events/s (latency from when each request was due)", rate)
              : "flat out (closed loop: the next request when the answer comes)",
          perRequest, bodies[0].length / perRequest, bodies[0].length, keys ? "an Idempotency-Key each" : "no Idempotency-Key",
          measured.toSeconds(), warmup.toSeconds()));
      report.add("| requests/s | events/s accepted | events/s committed | p50 ms | p99 ms | p99.9 ms | max ms"
          + " | server CPU s | server CPU us/event | server cores busy | clients' CPU s | server peak RSS MB"
          + " | commits/min | load avg before -> after |");
      report.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
      report.add(String.format("| %,.0f | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f | %.0f"
          + " | %.0f | %s -> %s |",
          requestsInWindow / seconds, acceptedInWindow / seconds, committedInWindow / seconds,
          millis(all, 0.50), millis(all, 0.99), millis(all, 0.999), all.length == 0 ? 0 : all[all.length - 1] / 1e6,
          serverCpu, serverCpu * 1e6 / Math.max(1, acceptedInWindow), serverCpu / seconds, clientCpu, peakRss / 1e6,
          commitsInWindow * 60 / seconds, loadBefore, loadAfter));
      report.add(String.format("when the load stopped: %,.0f events accepted, %,.0f committed, %,.1f MB in the spool,"
          + " its oldest event %.1f s old%s", atStop.getOrDefault("floe_serve_events_accepted_total", 0.0),
          atStop.getOrDefault("floe_serve_events_committed_total", 0.0),
          atStop.getOrDefault("floe_serve_spool_bytes", 0.0) / 1e6,
          atStop.getOrDefault("floe_serve_spool_oldest_age_seconds", 0.0),
          rate > 0 ? String.format("; %,d requests sent over 1 ms late (a client behind its schedule)", late.get()) : ""));
      double syncs = atStop.getOrDefault("floe_serve_spool_syncs_total", 0.0);
      report.add(String.format("spool%s: %,.0f fsyncs (group commits), %.1f requests each, mean %.2f ms, slowest %,.0f ms",
          spoolParent == null ? "" : " in " + spoolParent, syncs,
          atStop.getOrDefault("floe_serve_requests_total", 0.0) / Math.max(1, syncs),
          atStop.getOrDefault("floe_serve_spool_sync_seconds_total", 0.0) * 1000 / Math.max(1, syncs),
          atStop.getOrDefault("floe_serve_spool_sync_seconds_max", 0.0) * 1000));
      StringBuilder stalls = new StringBuilder();
      for (int second = (int) warmup.toSeconds(); second < worstBySecond.length(); second++) {
        if (worstBySecond.get(second) > 100_000_000L) {
          stalls.append(String.format(" %d s: %,d ms;", second, worstBySecond.get(second) / 1_000_000));
        }
      }
      report.add("seconds of the run (warm-up from 0) whose slowest answer took over 100 ms:"
          + (stalls.length() == 0 ? " none" : stalls));
      report.add(String.format("answers by status %s, %d connection errors; after SIGTERM (drain %.1f s): %,d rows"
          + " = %,d events answered 200", new TreeMap<>(statuses), errors.get(), drain.toMillis() / 1000.0, rows,
          accepted.get()));
      BenchReport.print(report, dir.getParent().getParent().resolve("bench-results.txt"));
    } finally {
      server.destroyForcibly();
    }
  }

  /** The server's own metrics, summed over streams: name to value. */
  private static Map<String, Double> metrics(HttpClient http, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri.resolve("/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    Map<String, Double> values = new TreeMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, brace > 0 ? brace : space);
      values.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
    }
    return values;
  }

  private static AutoCloseable catalogCloser(Path warehouse) {
    Catalog catalog = CatalogFactory.create(CatalogConfig.from(Settings.of(Map.of("warehouse", warehouse.toString()),
        "bench")));
    if (catalog instanceof AutoCloseable closeable) {
      return closeable;
    }
    throw new IllegalStateException("Cannot close catalog " + catalog);
  }

  private static double millis(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }

  private static long[] merge(long[][] parts, int[] counts) {
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i], 0, all, at, counts[i]);
      at += counts[i];
    }
    return all;
  }

  /** One client's request: {@code events} events of about {@code eventBytes} each, timestamps of now. */
  private static byte[] body(int client, int events, int eventBytes) {
    long now = System.currentTimeMillis();
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < events; i++) {
      String head = "{\"do_id\":\"bench-do-" + client + "\",\"ns\":\"app\",\"type\":\"counter\",\"key\":\"k" + (i % 50)
          + "\",\"op\":\"PUT\",\"timestamp\":" + (now + i) + ",\"seq\":" + (i + 1) + ",\"value\":\"";
      int pad = Math.max(0, eventBytes - head.length() - 2);
      StringBuilder value = new StringBuilder(pad);
      for (int p = 0; p < pad; p++) {
        value.append((char) ('a' + (p * 7 + i + client) % 26));
      }
      body.append(i == 0 ? "" : ",").append(head).append(value).append("\"}");
    }
    return body.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static URI awaitListening(Process server, Path out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && server.isAlive()) {
      Matcher listening = LISTENING.matcher(Files.exists(out) ? Files.readString(out) : "");
      if (listening.find()) {
        return URI.create(listening.group(1) + "/");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new IllegalStateException("floe serve did not listen; see " + out.resolveSibling("serve.err"));
  }

  /** Lets {@code bin/floe} build its jar and class-data-sharing archive if it has to, untimed. */
  private static void prepare(Path launcher, Path dir) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true)
        .redirectOutput(dir.resolve("floe-prepare.out").toFile()).start();
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/floe --version failed; see " + dir.resolve("floe-prepare.out"));
    }
  }
}
