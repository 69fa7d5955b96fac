package dev.floe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Secret;
import dev.floe.core.config.Settings;
import dev.floe.core.schema.EventSchemas;
import dev.floe.server.FloeServer;
import dev.floe.server.ServeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code floe serve}: a self-hosted Pipelines stream. Runs until SIGTERM (or SIGINT), then stops
 * taking requests, commits what its spool holds and exits 0 (1 when something stays in the spool
 * for the next start).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Accept events over HTTP as a Cloudflare Pipelines stream does (POST a JSON array), spool them durably,"
          + " and commit them to the table in rolls, exactly once per Idempotency-Key.",
      "The bearer token comes from FLOE_SERVE_TOKEN or serve.token-file, never from the command line."
    })
final class ServeCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** The stream name when no definition names one (the built-in event schema). */
  static final String DEFAULT_STREAM = "events";

  @Spec CommandSpec spec;
  @ParentCommand FloeCli root;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--stream", paramLabel = "FILE", description = "A stream definition as Pipelines takes it (repeat for several streams; default: floe's event schema).")
  List<Path> streams = new ArrayList<>();

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
  String bind;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8480; 0 picks a free one).")
  Integer port;

  @Option(names = "--spool-dir", paramLabel = "DIR", description = "The write-ahead spool (default ./floe-serve-spool).")
  String spoolDir;

  @Option(names = "--filter", paramLabel = "EXPR", description = "Keep only events matching this WHERE-style predicate.")
  String filter;

  @Option(names = "--dead-letter-dir", paramLabel = "DIR|S3URI", description = "Where rejected events go (default ./floe-dead-letter).")
  String deadLetterDir;

  @Option(names = "--stacktrace", description = "Print the full stack trace of an error.")
  boolean stacktrace;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> flags = new HashMap<>();
    flags.put(ServeConfig.BIND, bind);
    flags.put(ServeConfig.PORT, port == null ? null : port.toString());
    flags.put(ServeConfig.SPOOL_DIR, spoolDir);
    flags.put(IngestConfig.FILTER, filter);
    flags.put(IngestConfig.DEAD_LETTER_DIR, deadLetterDir);
    Settings settings = configOptions.settings(root.env(), flags);
    ServeConfig config = ServeConfig.from(settings);
    Optional<Secret> token = token(settings);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<OpenCatalog> catalogs = new ArrayList<>();
    FloeServer server;
    try {
      FloeServer.Builder builder = FloeServer.builder(config);
      token.ifPresent(builder::token);
      for (StreamFile stream : streamFiles(settings)) {
        OpenCatalog catalog = OpenCatalog.from(stream.settings());
        catalogs.add(catalog);
        FloeWriter writer = IngestCommand.writer(stream.settings(), IngestCommand.ingestConfig(stream.settings()), catalog);
        builder.stream(stream.name(), writer, stream.authentication() || token.isPresent());
      }
      if (token.isEmpty()) {
        err.println("floe: warning: no bearer token (" + ServeConfig.TOKEN_ENV + " or " + ServeConfig.TOKEN_FILE
            + "): anyone who can reach " + config.bind() + " can write to the table");
        err.flush();
      }
      server = builder.start();
    } catch (RuntimeException e) {
      catalogs.forEach(OpenCatalog::close);
      throw e;
    }
    out.println("Listening on " + server.scheme() + "://" + hostForUrl(server.bind()) + ":" + server.port() + " (spool "
        + config.spoolDirectory() + ")");
    out.flush();
    // SIGTERM and SIGINT are handled on this thread, not in a shutdown hook: hooks run side by
    // side, and Iceberg stops its worker pool in one (a commit then fails with a rejected task),
    // while its S3OutputStream registers a hook on first use, which throws "Shutdown in progress"
    // once the JVM is stopping. The drain runs with everything alive. No hook: one could not
    // commit either, and whatever the JVM is stopped by, what was answered 200 is in the spool.
    CountDownLatch stopRequested = new CountDownLatch(1);
    for (String signal : List.of("TERM", "INT")) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), received -> stopRequested.countDown());
    }
    stopRequested.await();
    return stop(server, config, catalogs, err);
  }

  /** Stops taking requests, commits the spool and closes the catalogs; returns the exit code. */
  private static int stop(FloeServer server, ServeConfig config, List<OpenCatalog> catalogs, PrintWriter err) {
    boolean committed = server.shutdown(Instant.now().plus(config.shutdownTimeout()));
    catalogs.forEach(OpenCatalog::close);
    err.println(committed ? "floe serve: stopped; everything accepted is committed"
        : "floe serve: stopped with " + server.spooledBytes() + " bytes not yet committed in " + config.spoolDirectory()
            + "; the next start commits them");
    err.flush();
    return committed ? ExitCodes.OK : ExitCodes.RETRYABLE;
  }

  /** Each stream with the settings of its writer: its definition file and its table. */
  private List<StreamFile> streamFiles(Settings settings) {
    List<StreamFile> files = new ArrayList<>();
    if (streams.isEmpty()) {
      files.add(new StreamFile(DEFAULT_STREAM, settings, false));
      return files;
    }
    String table = settings.string(IngestConfig.TABLE, IngestConfig.DEFAULT_TABLE).trim();
    for (Path file : streams) {
      String name = EventSchemas.loadDefinition(file).name().orElse(baseName(file));
      Map<String, String> layer = new HashMap<>();
      layer.put(IngestConfig.SCHEMA_FILE, file.toString());
      if (streams.size() > 1) {
        // Several streams, several tables: each named after its stream, in the --table namespace.
        String namespace = table.substring(0, table.lastIndexOf('.'));
        layer.put(IngestConfig.TABLE, namespace + "." + name);
      }
      files.add(new StreamFile(name, settings.withLayer(layer, "--stream " + file), authentication(file)));
    }
    return files;
  }

  private record StreamFile(String name, Settings settings, boolean authentication) {}

  /** A definition's {@code http.authentication}: whether Pipelines would ask for a token. */
  private static boolean authentication(Path file) {
    try {
      JsonNode root = MAPPER.readTree(file.toFile());
      return root.path("http").path("authentication").asBoolean(false);
    } catch (IOException e) {
      throw new InvalidConfigException("Invalid stream definition " + file + ": " + e.getMessage(), e);
    }
  }

  private Optional<Secret> token(Settings settings) {
    String fromEnv = root.env().get(ServeConfig.TOKEN_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(Secret.of(fromEnv.trim()));
    }
    Optional<String> file = settings.string(ServeConfig.TOKEN_FILE);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).trim();
      if (text.isEmpty()) {
        throw new InvalidConfigException("Invalid value for " + ServeConfig.TOKEN_FILE + ": " + file.get() + " is empty");
      }
      return Optional.of(Secret.of(text));
    } catch (IOException e) {
      throw new InvalidConfigException("Invalid value for " + ServeConfig.TOKEN_FILE + ": cannot read " + file.get()
          + " (" + e.getMessage() + ")", e);
    }
  }

  private static String baseName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static String hostForUrl(String bind) {
    return bind.contains(":") ? "[" + bind + "]" : bind;
  }
}
