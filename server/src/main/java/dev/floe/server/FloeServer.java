package dev.floe.server;

import dev.floe.core.FloeWriter;
import dev.floe.core.config.Secret;
import dev.floe.core.source.FileLock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code floe serve}: a self-hosted Pipelines stream. Each stream's requests go to its write-ahead
 * spool (fsync'd before the 200) and from there, one roll at a time, through the ordinary write path
 * into its table, exactly once per request with an {@code Idempotency-Key} and per spool segment.
 *
 * <pre>{@code
 * try (FloeServer server = FloeServer.builder(ServeConfig.defaults()).stream("events", writer, false).start()) {
 *   ... server.port() ...
 * }
 * }</pre>
 */
public final class FloeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FloeServer.class);

  private final ServeConfig config;
  private final Map<String, ServedStream> streams;
  private final IngestHandler handler;
  private final Server jetty;
  private final ServerConnector connector;
  private final FileLock lock;
  private final Clock clock;
  private boolean stopped;

  private FloeServer(Builder builder, FileLock lock) {
    this.config = builder.config;
    this.clock = builder.clock;
    this.lock = lock;
    ServeMetrics metrics = new ServeMetrics();
    Map<String, ServedStream> served = new LinkedHashMap<>();
    for (StreamSpec spec : builder.streams) {
      served.put(spec.name(), new ServedStream(spec.name(), spec.writer(), spec.requiresToken(), config, metrics, clock));
    }
    this.streams = Map.copyOf(served);
    this.handler = new IngestHandler(served, config, builder.token, metrics, clock);
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("floe-serve-http");
    this.jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    if (config.tls().isPresent()) {
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStore(PemKeyStore.load(config.tls().get()));
      tls.setKeyStorePassword("");
      http.setSecureScheme("https");
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // Clients on an IP address send no SNI name to check.
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      this.connector = new ServerConnector(jetty, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    }
    connector.setHost(config.bind());
    connector.setPort(config.port());
    jetty.addConnector(connector);
    jetty.setHandler(handler);
  }

  public static Builder builder(ServeConfig config) {
    return new Builder(config);
  }

  /** The port it listens on (the one picked, when the config asked for 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** For tests that start a shutdown by hand. */
  IngestHandler handler() {
    return handler;
  }

  public String bind() {
    return config.bind();
  }

  /** {@code https} when it serves TLS, else {@code http}. */
  public String scheme() {
    return config.tls().isPresent() ? "https" : "http";
  }

  /** Bytes accepted and not yet committed, over every stream. */
  public long spooledBytes() {
    return streams.values().stream().mapToLong(ServedStream::spooledBytes).sum();
  }

  /**
   * Stops taking requests (they get 503), waits for those in flight, rolls every spool and commits
   * what it holds, until {@code deadline}.
   *
   * @return whether everything accepted is in the tables; what is not stays in the spool for the
   *     next start
   */
  public synchronized boolean shutdown(Instant deadline) {
    if (stopped) {
      return spooledBytes() == 0;
    }
    stopped = true;
    handler.drain();
    while (handler.inFlight() > 0 && clock.instant().isBefore(deadline)) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    boolean all = true;
    for (ServedStream stream : streams.values()) {
      all &= stream.drain(deadline);
    }
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("Cannot stop the HTTP server cleanly: {}", e.toString());
    }
    lock.close();
    if (all) {
      LOG.info("floe serve stopped: everything accepted is committed");
    } else {
      LOG.warn("floe serve stopped with {} bytes not yet committed in {}: the next start commits them",
          spooledBytes(), config.spoolDirectory());
    }
    return all;
  }

  @Override
  public void close() {
    shutdown(clock.instant().plus(config.shutdownTimeout()));
  }

  private record StreamSpec(String name, FloeWriter writer, boolean requiresToken) {}

  public static final class Builder {
    private final ServeConfig config;
    private final List<StreamSpec> streams = new ArrayList<>();
    private Optional<Secret> token = Optional.empty();
    private Clock clock = Clock.systemUTC();

    private Builder(ServeConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * A stream served at {@code POST /v1/streams/{name}} (and at {@code POST /} when it is the only
     * one), committed by {@code writer} to its table.
     *
     * @param requiresToken whether requests must carry the bearer token
     */
    public Builder stream(String name, FloeWriter writer, boolean requiresToken) {
      if (!name.matches("[A-Za-z0-9_.-]{1,128}")) {
        throw new dev.floe.core.config.InvalidConfigException(
            "Invalid stream name " + name + ": letters, digits, '_', '-' and '.' only, at most 128");
      }
      if (streams.stream().anyMatch(s -> s.name().equals(name))) {
        throw new dev.floe.core.config.InvalidConfigException("Invalid streams: " + name + " is given twice");
      }
      streams.add(new StreamSpec(name, Objects.requireNonNull(writer, "writer"), requiresToken));
      return this;
    }

    /** The bearer token that requests to a stream requiring one must carry. */
    public Builder token(Secret secret) {
      this.token = Optional.of(secret);
      return this;
    }

    public Builder clock(Clock custom) {
      this.clock = Objects.requireNonNull(custom, "clock");
      return this;
    }

    /**
     * Locks the spool (one server per spool folder), recovers each stream's spool, loads or creates
     * each table, starts committing, and listens.
     *
     * @throws dev.floe.core.source.SourceBusyException another server has this spool
     */
    public FloeServer start() {
      if (streams.isEmpty()) {
        throw new dev.floe.core.config.InvalidConfigException("Invalid serve: no stream to serve");
      }
      if (token.isEmpty() && streams.stream().anyMatch(StreamSpec::requiresToken)) {
        throw new dev.floe.core.config.InvalidConfigException("Invalid serve: a stream requires a bearer token (http."
            + "authentication) but none is set: set " + ServeConfig.TOKEN_ENV + " or " + ServeConfig.TOKEN_FILE);
      }
      requireLoopbackOrAsked(config.bind());
      Path spool = config.spoolDirectory();
      try {
        Files.createDirectories(spool);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("Cannot create the spool " + spool + ": " + e.getMessage(), e);
      }
      FileLock lock = FileLock.acquire(spool.resolve(".lock"), "spool " + spool);
      FloeServer server;
      try {
        server = new FloeServer(this, lock);
        for (ServedStream stream : server.streams.values()) {
          stream.start();
        }
        server.jetty.start();
      } catch (Exception e) {
        lock.close();
        if (e instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException("Cannot start floe serve on " + config.bind() + ":" + config.port() + ": "
            + e.getMessage(), e);
      }
      LOG.info("floe serve listening on {}:{} for streams {}", config.bind(), server.port(), server.streams.keySet());
      return server;
    }

    private static void requireLoopbackOrAsked(String bind) {
      try {
        InetAddress.getByName(bind);
      } catch (UnknownHostException e) {
        throw new dev.floe.core.config.InvalidConfigException("Invalid value for " + ServeConfig.BIND + ": " + bind
            + " is not an address of this machine");
      }
    }
  }
}
