package dev.floe.cli;

import com.github.luben.zstd.ZstdOutputStream;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.generate.EventGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code floe generate}: reproducible synthetic events for demos, tests and benchmarks. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Write realistic synthetic state-change events as NDJSON.")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--count", required = true, paramLabel = "N", description = "How many events.")
  long count;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}): the same seed gives the same bytes.")
  long seed;

  @Option(names = "--objects", paramLabel = "N", defaultValue = "1000", description = "Number of Durable Objects (default ${DEFAULT-VALUE}).")
  int objects;

  @Option(names = "--days", paramLabel = "D", defaultValue = "5", description = "Days the timestamps span (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--value-bytes", paramLabel = "B", defaultValue = "1000", description = "Approximate size of each JSON value (default ${DEFAULT-VALUE}).")
  int valueBytes;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output file (.gz: gzip, .zst: zstd); default standard output.")
  Path output;

  @Option(names = "--stacktrace", description = "Print the full stack trace of an error.")
  boolean stacktrace;

  @Override
  public Integer call() throws IOException {
    if (count < 0) {
      throw new InvalidConfigException("Invalid --count: " + count);
    }
    EventGenerator generator =
        new EventGenerator(seed, objects, EventGenerator.DEFAULT_START, Duration.ofDays(days), 0.03, valueBytes);
    try (OutputStream out = open()) {
      generator.write(count, out);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return ExitCodes.OK;
  }

  private OutputStream open() throws IOException {
    if (output == null) {
      return new BufferedOutputStream(new NonClosingOutputStream(System.out), 1 << 16);
    }
    if (output.getParent() != null) {
      Files.createDirectories(output.getParent());
    }
    OutputStream file = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16);
    String name = output.getFileName().toString();
    if (name.endsWith(".gz")) {
      return new GZIPOutputStream(file, 1 << 16);
    }
    return name.endsWith(".zst") ? new ZstdOutputStream(file) : file;
  }

  /** Standard output stays open for whoever else writes to it. */
  private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
    NonClosingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
