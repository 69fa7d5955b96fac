package dev.floe.server;

import dev.floe.core.config.DataSize;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How {@code floe serve} listens, spools and rolls; each key declared here beside its default.
 *
 * @param bind the address to listen on; loopback unless asked otherwise
 * @param port 0 picks a free one
 * @param spoolDirectory the write-ahead spool, one folder per stream
 * @param rollSize roll (and commit) a stream's spool once it holds this much
 * @param rollInterval roll once the oldest event in the open segment is this old
 * @param rollInactivity roll once no request arrived for this long
 * @param maxRequestBytes a request body above this is refused with 413 (Pipelines: 5 MB)
 * @param maxDecodedBytes a gzip body that inflates above this is refused with 413
 * @param maxSpoolBytes above this much spooled and not yet committed, requests get 429
 * @param tokenFile where the bearer token is read from, when not from {@code FLOE_SERVE_TOKEN}
 * @param shutdownTimeout how long SIGTERM waits for the last commit
 * @param tls the certificate chain and private key (PEM files) to serve HTTPS with, if asked
 * @param warmupEvents generated events each stream's write path is run with before the server
 *     listens (0: none), so the first commit is not made by code the JIT has not compiled yet
 */
public record ServeConfig(
    String bind,
    int port,
    Path spoolDirectory,
    DataSize rollSize,
    Duration rollInterval,
    Duration rollInactivity,
    DataSize maxRequestBytes,
    DataSize maxDecodedBytes,
    DataSize maxSpoolBytes,
    Optional<Path> tokenFile,
    Duration shutdownTimeout,
    Optional<Tls> tls,
    long warmupEvents) {
  public static final String BIND = "serve.bind";
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final String PORT = "serve.port";
  public static final int DEFAULT_PORT = 8480;
  public static final String SPOOL_DIR = "serve.spool-dir";
  public static final String DEFAULT_SPOOL_DIR = "floe-serve-spool";
  public static final String ROLL_SIZE = "serve.roll-size";
  public static final DataSize DEFAULT_ROLL_SIZE = DataSize.parse("100MB");
  public static final String ROLL_INTERVAL = "serve.roll-interval";
  public static final Duration DEFAULT_ROLL_INTERVAL = Duration.ofSeconds(60);
  public static final String ROLL_INACTIVITY = "serve.roll-inactivity";
  public static final Duration DEFAULT_ROLL_INACTIVITY = Duration.ofSeconds(10);
  public static final String MAX_REQUEST_BYTES = "serve.max-request-bytes";
  public static final DataSize DEFAULT_MAX_REQUEST_BYTES = DataSize.parse("5MB");
  public static final String MAX_DECODED_BYTES = "serve.max-decoded-bytes";
  public static final DataSize DEFAULT_MAX_DECODED_BYTES = DataSize.parse("50MB");
  public static final String MAX_SPOOL_BYTES = "serve.max-spool-bytes";
  public static final DataSize DEFAULT_MAX_SPOOL_BYTES = DataSize.parse("2GB");
  public static final String TOKEN_FILE = "serve.token-file";
  /** The environment variable that carries the bearer token (never a flag: it would show in ps). */
  public static final String TOKEN_ENV = "FLOE_SERVE_TOKEN";
  public static final String SHUTDOWN_TIMEOUT = "serve.shutdown-timeout";
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  public static final String TLS_CERT_FILE = "serve.tls-cert-file";
  public static final String TLS_KEY_FILE = "serve.tls-key-file";
  public static final String WARMUP_EVENTS = "serve.warmup-events";
  public static final long DEFAULT_WARMUP_EVENTS = 100_000;

  /** HTTPS: a PEM certificate chain (the server's first) and its PEM PKCS#8 private key. */
  public record Tls(Path certificateChain, Path privateKey) {}

  public ServeConfig {
    if (port < 0 || port > 65535) {
      throw new InvalidConfigException("Invalid value for " + PORT + ": " + port + " (must be 0 to 65535)");
    }
    positive(ROLL_SIZE, rollSize.bytes());
    positive(ROLL_INTERVAL, rollInterval.toMillis());
    positive(ROLL_INACTIVITY, rollInactivity.toMillis());
    positive(MAX_REQUEST_BYTES, maxRequestBytes.bytes());
    positive(MAX_DECODED_BYTES, maxDecodedBytes.bytes());
    positive(MAX_SPOOL_BYTES, maxSpoolBytes.bytes());
    positive(SHUTDOWN_TIMEOUT, shutdownTimeout.toMillis());
    if (warmupEvents < 0) {
      throw new InvalidConfigException("Invalid value for " + WARMUP_EVENTS + ": " + warmupEvents + " (must be 0 or more)");
    }
    if (maxRequestBytes.bytes() > Integer.MAX_VALUE - 16 || maxDecodedBytes.bytes() > Integer.MAX_VALUE - 16) {
      throw new InvalidConfigException("Invalid value for " + MAX_DECODED_BYTES + ": request bodies are held in memory, at most 2GB");
    }
  }

  public static Set<String> keys() {
    return Set.of(BIND, PORT, SPOOL_DIR, ROLL_SIZE, ROLL_INTERVAL, ROLL_INACTIVITY, MAX_REQUEST_BYTES,
        MAX_DECODED_BYTES, MAX_SPOOL_BYTES, TOKEN_FILE, SHUTDOWN_TIMEOUT, TLS_CERT_FILE, TLS_KEY_FILE,
        WARMUP_EVENTS);
  }

  public static ServeConfig defaults() {
    return from(Settings.empty());
  }

  public static ServeConfig from(Settings settings) {
    return new ServeConfig(
        settings.string(BIND, DEFAULT_BIND).trim(),
        settings.integer(PORT, DEFAULT_PORT),
        Path.of(settings.string(SPOOL_DIR, DEFAULT_SPOOL_DIR)),
        settings.size(ROLL_SIZE, DEFAULT_ROLL_SIZE),
        settings.duration(ROLL_INTERVAL, DEFAULT_ROLL_INTERVAL),
        settings.duration(ROLL_INACTIVITY, DEFAULT_ROLL_INACTIVITY),
        settings.size(MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES),
        settings.size(MAX_DECODED_BYTES, DEFAULT_MAX_DECODED_BYTES),
        settings.size(MAX_SPOOL_BYTES, DEFAULT_MAX_SPOOL_BYTES),
        settings.string(TOKEN_FILE).map(Path::of),
        settings.duration(SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT),
        tls(settings),
        settings.longValue(WARMUP_EVENTS, DEFAULT_WARMUP_EVENTS));
  }

  private static Optional<Tls> tls(Settings settings) {
    Optional<String> cert = settings.string(TLS_CERT_FILE);
    Optional<String> key = settings.string(TLS_KEY_FILE);
    if (cert.isPresent() != key.isPresent()) {
      throw new InvalidConfigException("Invalid TLS settings: " + TLS_CERT_FILE + " and " + TLS_KEY_FILE
          + " go together (" + (cert.isPresent() ? TLS_KEY_FILE : TLS_CERT_FILE) + " is not set)");
    }
    return cert.map(c -> new Tls(Path.of(c), Path.of(key.orElseThrow())));
  }

  private static void positive(String key, long value) {
    if (value <= 0) {
      throw new InvalidConfigException("Invalid value for " + key + ": must be positive");
    }
  }
}
