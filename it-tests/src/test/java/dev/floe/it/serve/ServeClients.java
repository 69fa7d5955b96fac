package dev.floe.it.serve;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Producers in front of {@code floe serve}: client threads that each post JSON arrays of events with
 * unique {@code (do_id, seq)} and an {@code Idempotency-Key} per request, and retry a request (same
 * key, same body) on a connection error, 429 or 503 until it is answered 200, as a Durable Object
 * retrying a send would. The servers they talk to may change at any time ({@link #pointAt}): a
 * restarted server listens on a new port. Every event handed out is remembered with its values and
 * its request, and whether that request was answered 200.
 */
final class ServeClients implements AutoCloseable {
  private static final long BASE_MILLIS = 1_762_000_000_000L;
  /** A retry waits at most this long, whatever Retry-After says, so a test does not idle. */
  private static final long MAX_PAUSE_MILLIS = 500;

  /** One request as first sent; every retry sends the same key and body. */
  record Request(String key, String doId, long firstSeq, int events, byte[] body) {}

  private final int clients;
  private final int eventsPerRequest;
  private final int resendEvery;
  private final Duration requestDeadline;
  private final Duration think;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch aborted = new CountDownLatch(1);
  private final Map<String, List<Object>> events = new ConcurrentHashMap<>();
  private final Map<String, String> requestOfEvent = new ConcurrentHashMap<>();
  private final Map<String, Request> requests = new ConcurrentHashMap<>();
  private final Map<String, Boolean> answered = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
  private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong attempts = new AtomicLong();
  private volatile List<URI> servers = List.of();
  private volatile boolean stopping;

  /**
   * @param resendEvery every so many requests, once answered 200, is sent again to the next server
   *     (same key and body), as a client that lost the answer and retried elsewhere; 0 for never
   * @param requestDeadline how long a request is retried before the client gives up on it
   * @param think how long a client waits after a request is answered before it sends the next
   */
  ServeClients(int clients, int eventsPerRequest, int resendEvery, Duration requestDeadline, Duration think) {
    this.think = think;
    this.clients = clients;
    this.eventsPerRequest = eventsPerRequest;
    this.resendEvery = resendEvery;
    this.requestDeadline = requestDeadline;
  }

  /** Where requests go from now on, spread over these; none while every server is down. */
  void pointAt(URI... uris) {
    servers = List.of(uris);
  }

  void start() {
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread thread = new Thread(() -> run(client), "serve-client-" + c);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Requests answered 200 so far. */
  long answered() {
    return answered.size();
  }

  /**
   * Lets each client finish the request it is on (retrying it until it is answered or its deadline
   * passes) and send no more.
   *
   * @return whether every client finished within {@code timeout}
   */
  boolean finish(Duration timeout) throws InterruptedException {
    stopping = true;
    long until = System.nanoTime() + timeout.toNanos();
    for (Thread thread : threads) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
    }
    return threads.stream().noneMatch(Thread::isAlive);
  }

  @Override
  public void close() {
    stopping = true;
    aborted.countDown();
  }

  private void run(int client) {
    String doId = "serve-c" + client;
    long seq = 0;
    int number = 0;
    while (!stopping && aborted.getCount() > 0) {
      number++;
      Request request = request(doId, client, number, seq + 1);
      seq += request.events();
      boolean ok = send(request, number);
      if (ok && resendEvery > 0 && number % resendEvery == 0) {
        send(request, number + 1);
      }
      if (!think.isZero()) {
        pause(think.toMillis());
      }
    }
  }

  private Request request(String doId, int client, int number, long firstSeq) {
    String key = doId + "-r" + number;
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < eventsPerRequest; i++) {
      long seq = firstSeq + i;
      boolean delete = seq % 10 == 0;
      String itemKey = "k" + (seq % 50);
      String value = delete ? null : "{\"n\":" + seq * 7919 % 1_000_003 + ",\"by\":\"" + doId + "\"}";
      // Spread over a few days, so a roll writes several partitions.
      long timestamp = BASE_MILLIS + seq * 97_000L + client * 3_600_000L;
      String eventKey = doId + "/" + seq;
      events.put(eventKey, Arrays.asList("app", "counter", itemKey, value, delete ? "DELETE" : "PUT", timestamp));
      requestOfEvent.put(eventKey, key);
      body.append(i == 0 ? "" : ",").append("{\"do_id\":\"").append(doId).append("\",\"ns\":\"app\",\"type\":\"counter\"")
          .append(",\"key\":\"").append(itemKey).append("\",\"value\":")
          .append(value == null ? "null" : "\"" + value.replace("\"", "\\\"") + "\"")
          .append(",\"op\":\"").append(delete ? "DELETE" : "PUT").append("\",\"timestamp\":").append(timestamp)
          .append(",\"seq\":").append(seq).append('}');
    }
    Request request = new Request(key, doId, firstSeq, eventsPerRequest,
        body.append(']').toString().getBytes(StandardCharsets.UTF_8));
    requests.put(key, request);
    return request;
  }

  /** Sends until 200; false when the deadline passed or the clients were aborted. */
  private boolean send(Request request, int spread) {
    long deadline = System.nanoTime() + requestDeadline.toNanos();
    int attempt = 0;
    while (System.nanoTime() < deadline && aborted.getCount() > 0) {
      List<URI> now = servers;
      if (now.isEmpty()) {
        count("no server up");
        pause(50);
        continue;
      }
      URI uri = now.get(Math.floorMod(spread + attempt, now.size()));
      attempt++;
      attempts.incrementAndGet();
      HttpRequest post = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(20))
          .header("Content-Type", "application/json")
          .header("Idempotency-Key", request.key())
          .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()))
          .build();
      try {
        HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        count(Integer.toString(status));
        if (status == 200) {
          if (!response.body().contains("\"accepted\":" + request.events())) {
            failures.add(request.key() + ": 200 with " + response.body().strip());
          }
          answered.put(request.key(), true);
          return true;
        }
        if (status != 429 && status != 503) {
          failures.add(request.key() + ": " + status + " " + response.body().strip());
          return false;
        }
        long retryAfter = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
        pause(Math.min(retryAfter * 1000, MAX_PAUSE_MILLIS));
      } catch (ConnectException e) {
        count("connection refused");
        pause(50);
      } catch (IOException e) {
        // Sent, and the answer never came: the server died mid-request (or timed out).
        count("answer lost");
        pause(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
  }

  private void pause(long millis) {
    try {
      aborted.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every event handed out: {@code do_id/seq} to its values (ns, type, key, value, op, timestamp ms). */
  Map<String, List<Object>> events() {
    return Map.copyOf(events);
  }

  /** The request ({@code Idempotency-Key}) each event was sent in. */
  Map<String, String> requestOfEvent() {
    return Map.copyOf(requestOfEvent);
  }

  boolean wasAnswered(String requestKey) {
    return answered.containsKey(requestKey);
  }

  Optional<Request> request(String key) {
    return Optional.ofNullable(requests.get(key));
  }

  int requests() {
    return requests.size();
  }

  long attempts() {
    return attempts.get();
  }

  /** Attempts by outcome: the status code, "connection refused", "answer lost", and waits for a server. */
  Map<String, Long> outcomes() {
    Map<String, Long> copy = new TreeMap<>();
    outcomes.forEach((outcome, count) -> copy.put(outcome, count.get()));
    return copy;
  }

  /** Answers no retry can fix (400 and the like), and 200s that counted the wrong number of events. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  int eventsPerRequest() {
    return eventsPerRequest;
  }
}
