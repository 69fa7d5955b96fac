package dev.floe.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.floe.core.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code floe serve}: Pipelines' ingest protocol on {@code POST /} (the only
 * stream) and {@code POST /v1/streams/{name}}, and {@code /healthz}, {@code /readyz},
 * {@code /metrics}. A request is answered 200 only once its events are fsync'd in the stream's
 * spool.
 */
final class IngestHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final String STREAMS_PATH = "/v1/streams/";
  /** What a JSON body may be labelled: a Worker's {@code fetch} with a string body sends text/plain. */
  private static final java.util.Set<String> JSON_TYPES = java.util.Set.of("application/json", "text/plain");
  /** How long a request waits for its fsync before it is answered 503 (the disk is stuck). */
  private static final long SPOOL_WAIT_SECONDS = 30;

  private final Map<String, ServedStream> streams;
  private final ServeConfig config;
  private final Optional<byte[]> tokenDigest;
  private final ServeMetrics metrics;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  IngestHandler(Map<String, ServedStream> streams, ServeConfig config, Optional<Secret> token, ServeMetrics metrics,
      Clock clock) {
    this.streams = streams;
    this.config = config;
    this.tokenDigest = token.map(secret -> sha256(secret.reveal().getBytes(StandardCharsets.UTF_8)));
    this.metrics = metrics;
    this.clock = clock;
  }

  /** From now on every ingest request is answered 503: the server is shutting down. */
  void drain() {
    draining = true;
  }

  int inFlight() {
    return inFlight.get();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    switch (path) {
      case "/healthz" -> {
        return operational(method, request, response, callback, 200, "text/plain; charset=utf-8", "ok\n");
      }
      case "/readyz" -> {
        Optional<String> problem = notReady();
        return operational(method, request, response, callback, problem.isEmpty() ? 200 : 503, "text/plain; charset=utf-8",
            problem.map(p -> p + "\n").orElse("ready\n"));
      }
      case "/metrics" -> {
        return operational(method, request, response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
            metrics.render(name -> Optional.ofNullable(streams.get(name)), clock.instant()));
      }
      default -> { }
    }
    ServedStream stream = route(path);
    if (stream == null) {
      String known = streams.size() == 1 ? "POST /" : "POST " + STREAMS_PATH + "{" + String.join("|", streams.keySet()) + "}";
      return refuse(null, request, response, callback, 404, "No stream at " + path + " (this server takes " + known + ")");
    }
    if (!"POST".equals(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      return refuse(stream, request, response, callback, 405, "Method " + method + " is not allowed: send events with POST");
    }
    inFlight.incrementAndGet();
    try {
      return ingest(stream, request, response, callback);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private boolean ingest(ServedStream stream, Request request, Response response, Callback callback) {
    if (stream.requiresToken() && !authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      return refuse(stream, request, response, callback, 401, "Missing or wrong bearer token");
    }
    if (draining) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
      return refuse(stream, request, response, callback, 503, "Shutting down: send this request again (to another replica)");
    }
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType != null && !JSON_TYPES.contains(mediaType(contentType))) {
      return refuse(stream, request, response, callback, 415, "Unsupported Content-Type " + contentType + ": send application/json");
    }
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
    if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
      return refuse(stream, request, response, callback, 415, "Unsupported Content-Encoding " + encoding + ": send gzip or none");
    }
    long limit = config.maxRequestBytes().bytes();
    if (request.getLength() > limit) {
      // Not read: the connection closes after the answer, and the client is told so.
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      return error(stream, response, callback, 413, "Invalid request: the body is " + request.getLength()
          + " bytes, over the limit of " + limit + " (" + ServeConfig.MAX_REQUEST_BYTES + ")");
    }
    Optional<String> problem = stream.commitProblem();
    if (problem.isPresent()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(stream.retryAfterSeconds()));
      return refuse(stream, request, response, callback, 503, problem.get() + "; send this request again later");
    }
    if (stream.spooledBytes() >= config.maxSpoolBytes().bytes()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
      return refuse(stream, request, response, callback, 429, "The spool of stream " + stream.name() + " is full ("
          + ServeConfig.MAX_SPOOL_BYTES + " " + config.maxSpoolBytes() + "): send this request again later");
    }
    Optional<String> key = Optional.ofNullable(request.getHeaders().get("Idempotency-Key")).map(String::trim)
        .filter(k -> !k.isEmpty());
    if (key.isPresent() && key.get().getBytes(StandardCharsets.UTF_8).length > Segment.MAX_KEY_BYTES) {
      return refuse(stream, request, response, callback, 400, "Invalid Idempotency-Key: over " + Segment.MAX_KEY_BYTES + " bytes");
    }
    byte[] body;
    RequestBody.Lines ndjson;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = RequestBody.read(in, limit, "the body", request.getLength());
      byte[] json = gzip ? RequestBody.gunzip(body, config.maxDecodedBytes().bytes()) : body;
      ndjson = RequestBody.toNdjson(json);
    } catch (RequestBody.TooLargeException e) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      return error(stream, response, callback, 413, e.getMessage());
    } catch (RequestBody.BadRequestException e) {
      return error(stream, response, callback, 400, e.getMessage());
    } catch (IOException e) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      return error(stream, response, callback, 400, "Invalid request: cannot read the body (" + e.getMessage() + ")");
    }
    ServedStream.Counts counts = stream.count(ndjson);
    if (ndjson.length() > 0) {
      try {
        stream.append(key, ndjson).get(SPOOL_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        LOG.error("Stream {}: a request of {} bytes was not spooled: {}", stream.name(), body.length, cause.toString());
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
        return error(stream, response, callback, 503, "Cannot spool the request: " + cause.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
        return error(stream, response, callback, 503, "Interrupted while spooling the request");
      }
    }
    stream.metricsAccepted(counts, body.length);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("success", true);
    answer.put("accepted", counts.accepted());
    answer.put("rejected", counts.rejected());
    return send(stream, response, callback, 200, "application/json", json(answer));
  }

  private Optional<String> notReady() {
    if (draining) {
      return Optional.of("shutting down");
    }
    for (ServedStream stream : streams.values()) {
      if (stream.commitProblem().isPresent()) {
        return stream.commitProblem();
      }
      if (stream.spooledBytes() >= config.maxSpoolBytes().bytes()) {
        return Optional.of("the spool of stream " + stream.name() + " is full");
      }
    }
    return Optional.empty();
  }

  private ServedStream route(String path) {
    if (path.equals("/") || path.isEmpty()) {
      return streams.size() == 1 ? streams.values().iterator().next() : null;
    }
    if (path.startsWith(STREAMS_PATH)) {
      return streams.get(path.substring(STREAMS_PATH.length()));
    }
    return null;
  }

  private boolean authorized(String header) {
    if (tokenDigest.isEmpty() || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    // Digests of equal length, compared in constant time: neither the token's length nor a prefix leaks.
    byte[] given = sha256(header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    return MessageDigest.isEqual(given, tokenDigest.get());
  }

  private boolean operational(
      String method, Request request, Response response, Callback callback, int status, String type, String body) {
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      return refuse(null, request, response, callback, 405, "Method " + method + " is not allowed here: use GET");
    }
    return send(null, response, callback, status, type, body);
  }

  /**
   * An error answer given before the body is read. The body is read and discarded first (at most
   * {@code serve.max-request-bytes}): Jetty would otherwise close the connection after the answer
   * without saying so in it, and a client that sent its headers before its body, then sends its
   * next request (or its retry after {@code Retry-After}) on the same kept-alive connection, gets a
   * broken connection instead of an answer. A body that cannot be read whole closes the connection,
   * and the answer says {@code Connection: close}.
   */
  private boolean refuse(
      ServedStream stream, Request request, Response response, Callback callback, int status, String reason) {
    if (!discardBody(request, config.maxRequestBytes().bytes())) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    return error(stream, response, callback, status, reason);
  }

  /** Reads what is left of {@code request}'s body and drops it; false if it holds more than {@code limit} bytes or fails. */
  private static boolean discardBody(Request request, long limit) {
    if (request.getLength() > limit) {
      return false;
    }
    byte[] scratch = new byte[8192];
    long read = 0;
    try (InputStream in = Content.Source.asInputStream(request)) {
      for (int n = in.read(scratch); n >= 0; n = in.read(scratch)) {
        read += n;
        if (read > limit) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean error(ServedStream stream, Response response, Callback callback, int status, String reason) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("success", false);
    answer.put("error", reason);
    return send(stream, response, callback, status, "application/json", json(answer));
  }

  private boolean send(ServedStream stream, Response response, Callback callback, int status, String type, String body) {
    if (stream != null) {
      stream.metricsAnswered(status);
    } else {
      metrics.unrouted(status);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
  }

  private static String json(Map<String, Object> fields) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      generator.writeStartObject();
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        generator.writeFieldName(field.getKey());
        Object value = field.getValue();
        if (value instanceof Boolean b) {
          generator.writeBoolean(b);
        } else if (value instanceof Long n) {
          generator.writeNumber(n);
        } else {
          generator.writeString(String.valueOf(value));
        }
      }
      generator.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write a JSON answer", e);
    }
    return out.toString() + "\n";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot compute SHA-256: the JVM lacks it", e);
    }
  }
}
