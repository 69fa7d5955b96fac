package dev.floe.it.faults;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real HTTP/1.1 relay on 127.0.0.1 in front of a real server (s3proxy, the REST catalog): it reads
 * each request whole, asks its {@link FaultPolicy} what to do, and forwards the exact bytes the
 * client sent (so SigV4 signatures, which cover the Host header, still verify) or injects a {@link
 * Fault}: an error answered in the server's own format, a reset mid-answer, a latency spike, a
 * time-out, or an answer lost after the server acted on the request. It counts what it injected.
 *
 * <p>Each request is forwarded on a fresh connection to the server, so that a stale pooled
 * connection can never make the relay itself lose or repeat a request.
 */
public final class FaultProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
  private static final String LOOPBACK = "127.0.0.1";
  /** How long a time-out or held answer lasts at most, should the client never give up. */
  private static final Duration HOLD_LIMIT = Duration.ofSeconds(60);

  /** How the server being fronted words its errors. */
  public enum Flavor {
    S3,
    REST
  }

  /** Told of every request once handled, before its answer is passed on; status -1 when the client gets none. */
  interface Observer {
    void exchanged(ProxiedRequest request, Fault fault, int status);
  }

  private final String name;
  private final Flavor flavor;
  private final String upstreamHost;
  private final int upstreamPort;
  private final ServerSocket listener;
  private final ExecutorService workers;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);
  private final AtomicLong requests = new AtomicLong();
  private final List<Observer> observers = new CopyOnWriteArrayList<>();
  private volatile FaultPolicy policy = FaultPolicy.NONE;
  private volatile Duration delay = Duration.ofMillis(500);

  private FaultProxy(String name, Flavor flavor, URI upstream, ServerSocket listener) {
    this.name = name;
    this.flavor = flavor;
    this.upstreamHost = upstream.getHost();
    this.upstreamPort = upstream.getPort();
    this.listener = listener;
    for (Fault fault : Fault.values()) {
      counts.put(fault, new AtomicLong());
    }
    this.workers =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "fault-proxy-" + name);
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts a relay to {@code upstream} (an http:// URI on this machine) on a free loopback port. */
  public static FaultProxy start(String name, Flavor flavor, URI upstream) {
    if (!InetAddressCheck.isLoopback(upstream.getHost())) {
      throw new IllegalArgumentException("Invalid upstream " + upstream + ": loopback only");
    }
    try {
      ServerSocket listener = new ServerSocket(0, 128, InetAddress.getByName(LOOPBACK));
      FaultProxy proxy = new FaultProxy(name, flavor, upstream, listener);
      proxy.workers.execute(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start fault proxy " + name, e);
    }
  }

  public URI uri() {
    return URI.create("http://" + LOOPBACK + ":" + listener.getLocalPort());
  }

  public void policy(FaultPolicy newPolicy) {
    this.policy = newPolicy;
  }

  /** The latency a {@link Fault#DELAY} adds. */
  void delay(Duration spike) {
    this.delay = spike;
  }

  void observe(Observer observer) {
    observers.add(observer);
  }

  long requests() {
    return requests.get();
  }

  public long injected(Fault fault) {
    return counts.get(fault).get();
  }

  /** Faults injected so far (PASS left out), in declaration order. */
  Map<Fault, Long> injected() {
    Map<Fault, Long> injected = new EnumMap<>(Fault.class);
    counts.forEach(
        (fault, count) -> {
          if (fault != Fault.PASS && count.get() > 0) {
            injected.put(fault, count.get());
          }
        });
    return injected;
  }

  long injectedTotal() {
    return injected().values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public String toString() {
    return name + " proxy " + uri() + " -> " + upstreamHost + ":" + upstreamPort;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        sockets.add(client);
        workers.execute(() -> serve(client));
      } catch (IOException e) {
        if (!listener.isClosed()) {
          LOG.warn("{}: accept failed: {}", name, e.toString());
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      while (true) {
        HttpExchange.Message head = HttpExchange.readHead(in);
        if (head == null) {
          return;
        }
        String expect = head.header("Expect");
        if (expect != null && expect.toLowerCase(Locale.ROOT).contains("100-continue")) {
          // The relay wants the whole request before it decides; the server's own 100 is skipped.
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
        boolean hasBody =
            head.header("Content-Length") != null || head.header("Transfer-Encoding") != null;
        ProxiedRequest request = ProxiedRequest.of(HttpExchange.withBody(head, in, hasBody));
        requests.incrementAndGet();
        Fault fault = policy.decide(request);
        counts.get(fault).incrementAndGet();
        if (!handle(request, fault, client, out)) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away, or close() closed the socket
    } finally {
      sockets.remove(client);
    }
  }

  /** Handles one request; false when the client connection must end. */
  private boolean handle(ProxiedRequest request, Fault fault, Socket client, OutputStream out)
      throws IOException {
    switch (fault) {
      case INTERNAL_ERROR -> {
        return answer(request, fault, out, 500, "InternalError", "We encountered an internal error.");
      }
      case SLOW_DOWN -> {
        return answer(request, fault, out, 503, "SlowDown", "Please reduce your request rate.");
      }
      case ACCESS_DENIED -> {
        return answer(request, fault, out, 403, "AccessDenied", "Access Denied");
      }
      case TOO_MANY_REQUESTS -> {
        return answer(request, fault, out, 429, "TooManyRequests", "Reduce your request rate.");
      }
      case TIMEOUT -> {
        notify(request, fault, -1);
        hold(client);
        return false;
      }
      case DELAY -> {
        if (await(delay)) {
          return false;
        }
      }
      default -> {
        // forwarded below
      }
    }
    HttpExchange.Message response = forward(request);
    switch (fault) {
      case RESET_MID_BODY -> {
        byte[] bytes = response.bytes();
        int cut = response.body().length > 1 ? response.head().length + response.body().length / 2 : bytes.length / 2;
        notify(request, fault, response.status());
        out.write(bytes, 0, cut);
        out.flush();
        reset(client);
        return false;
      }
      case DROP_ANSWER -> {
        notify(request, fault, -1);
        reset(client);
        return false;
      }
      case HOLD_ANSWER -> {
        notify(request, fault, -1);
        hold(client);
        return false;
      }
      case LOSE_ANSWER_INVITE_RETRY -> {
        return answer(request, fault, out, 503, "SlowDown", "Service busy; retry.");
      }
      case BAD_GATEWAY_AFTER -> {
        return answer(request, fault, out, 502, "BadGateway", "Upstream answer lost.");
      }
      default -> {
        // Recorded before the answer goes back: a client that has its answer finds it recorded.
        notify(request, fault, response.status());
        out.write(response.bytes());
        out.flush();
        return !response.closes();
      }
    }
  }

  private HttpExchange.Message forward(ProxiedRequest request) throws IOException {
    try (Socket upstream = new Socket(upstreamHost, upstreamPort)) {
      sockets.add(upstream);
      upstream.setTcpNoDelay(true);
      OutputStream out = upstream.getOutputStream();
      out.write(request.message().bytes());
      out.flush();
      InputStream in = new BufferedInputStream(upstream.getInputStream());
      while (true) {
        HttpExchange.Message head = HttpExchange.readHead(in);
        if (head == null) {
          throw new SocketException(name + ": server closed without answering " + request.target());
        }
        int status = head.status();
        if (status >= 100 && status < 200) {
          continue; // an interim answer (100 Continue): the relay sent its own
        }
        boolean hasBody = !request.method().equals("HEAD") && status != 204 && status != 304;
        return HttpExchange.withBody(head, in, hasBody);
      }
    } finally {
      sockets.removeIf(Socket::isClosed);
    }
  }

  private boolean answer(
      ProxiedRequest request, Fault fault, OutputStream out, int status, String code, String message)
      throws IOException {
    String body;
    String type;
    if (flavor == Flavor.S3) {
      type = "application/xml";
      body =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
              + code
              + "</Code><Message>"
              + message
              + "</Message><RequestId>floe-fault-"
              + requests.get()
              + "</RequestId></Error>";
    } else {
      type = "application/json";
      body =
          "{\"error\":{\"message\":\""
              + message
              + " (injected by the fault proxy)\",\"type\":\""
              + code
              + "Exception\",\"code\":"
              + status
              + "}}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + code
            + "\r\nContent-Type: "
            + type
            + "\r\nContent-Length: "
            + bytes.length
            + (status == 503 || status == 429 ? "\r\nRetry-After: 1" : "")
            + "\r\n\r\n";
    notify(request, fault, status);
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
    return true;
  }

  private void notify(ProxiedRequest request, Fault fault, int status) {
    for (Observer observer : observers) {
      observer.exchanged(request, fault, status);
    }
  }

  /** Waits until the client closes its end (its time-out), the proxy closes, or the limit. */
  private static void hold(Socket client) {
    try {
      client.setSoTimeout((int) HOLD_LIMIT.toMillis());
      while (client.getInputStream().read() >= 0) {
        // a client that keeps talking is ignored until it gives up
      }
    } catch (IOException e) {
      // time-out, or the proxy closed
    }
  }

  /** Waits out a latency spike; true when the proxy closed meanwhile. */
  private boolean await(Duration duration) {
    try {
      return closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /** Closes with a TCP reset (linger 0), as a crashed peer or a middlebox would. */
  private static void reset(Socket client) {
    try {
      client.setSoLinger(true, 0);
      client.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    workers.shutdownNow();
  }

  /** Loopback check by spelling and literal address, without a name lookup. */
  private static final class InetAddressCheck {
    static boolean isLoopback(String host) {
      if (host == null) {
        return false;
      }
      if (host.equals("localhost")) {
        return true;
      }
      try {
        return host.matches("[0-9.]+") && InetAddress.getByName(host).isLoopbackAddress();
      } catch (IOException e) {
        return false;
      }
    }
  }
}
