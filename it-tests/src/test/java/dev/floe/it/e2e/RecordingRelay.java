package dev.floe.it.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * An HTTP relay on 127.0.0.1 in front of a real server: every request is forwarded unchanged
 * (method, path, query, headers, body) and the server's answer is returned unchanged, while the
 * request line and headers are recorded. It neither understands nor imitates the protocol it
 * carries, so a test sees exactly what a client sent over the wire. {@link #startTls} makes it
 * terminate TLS, to put an HTTPS endpoint in front of a server that only speaks HTTP.
 */
final class RecordingRelay implements AutoCloseable {
  /** Headers the JDK's HTTP client sets itself (or forbids setting): hop-by-hop and framing. */
  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "content-length", "expect", "host", "keep-alive", "te", "trailer",
          "transfer-encoding", "upgrade");

  /** One request as the relay received it, with the status the server answered. */
  record Request(String method, String path, Map<String, List<String>> headers, int status) {
    List<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public String toString() {
      return method + " " + path + " -> " + status;
    }
  }

  private final URI upstream;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private RecordingRelay(URI upstream, HttpServer server, ExecutorService executor) {
    this.upstream = upstream;
    this.server = server;
    this.executor = executor;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** Starts relaying to {@code upstream} (scheme, host and port; the path is taken per request). */
  static RecordingRelay start(URI upstream) {
    try {
      return start(upstream, HttpServer.create(loopback(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start a relay on 127.0.0.1", e);
    }
  }

  /**
   * Starts relaying HTTPS requests to {@code upstream}, presenting the certificate of {@code tls}
   * to clients.
   */
  static RecordingRelay startTls(URI upstream, SSLContext tls) {
    try {
      HttpsServer server = HttpsServer.create(loopback(), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      return start(upstream, server);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start a TLS relay on 127.0.0.1", e);
    }
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  private static RecordingRelay start(URI upstream, HttpServer server) {
    ExecutorService executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "recording-relay");
              thread.setDaemon(true);
              return thread;
            });
    RecordingRelay relay = new RecordingRelay(upstream, server, executor);
    server.createContext("/", relay::relay);
    server.setExecutor(executor);
    server.start();
    return relay;
  }

  /** This relay's address with the upstream's path, to give a client instead of the upstream's. */
  URI uri() {
    InetSocketAddress address = server.getAddress();
    String scheme = server instanceof HttpsServer ? "https" : "http";
    // The IP literal, not "localhost": the test certificates are issued for 127.0.0.1.
    String host = address.getAddress().getHostAddress();
    return URI.create(scheme + "://" + host + ":" + address.getPort() + upstream.getRawPath());
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      URI requested = exchange.getRequestURI();
      String pathAndQuery =
          requested.getRawPath() + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery());
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create(upstream.getScheme() + "://" + upstream.getRawAuthority() + pathAndQuery))
              .timeout(Duration.ofSeconds(60))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      Map<String, List<String>> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(value -> request.header(name, value));
                }
              });
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while relaying " + exchange.getRequestMethod() + " " + pathAndQuery, e);
      } catch (IOException e) {
        requests.add(new Request(exchange.getRequestMethod(), pathAndQuery, headers, 502));
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      requests.add(new Request(exchange.getRequestMethod(), pathAndQuery, headers, response.statusCode()));
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] answer = response.body();
      boolean noBody =
          answer.length == 0
              || exchange.getRequestMethod().equals("HEAD")
              || response.statusCode() == 204
              || response.statusCode() == 304;
      exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : answer.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
