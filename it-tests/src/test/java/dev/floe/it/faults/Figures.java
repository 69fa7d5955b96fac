package dev.floe.it.faults;

import dev.floe.it.servers.ServerLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The figures a reliability test measured, printed to its output and appended to {@code
 * it-tests/target/reliability-figures.txt}, which CI prints after the build (failsafe sends test
 * output to files, where nobody reads it).
 */
public final class Figures {
  private static boolean started;

  private Figures() {}

  public static synchronized void report(String title, List<String> lines) {
    StringBuilder text = new StringBuilder(title).append(System.lineSeparator());
    lines.forEach(line -> text.append("  ").append(line).append(System.lineSeparator()));
    System.out.print(text);
    Path file = ServerLayout.fromSystemProperties().serversDir().getParent().resolve("reliability-figures.txt");
    try {
      if (!started) {
        Files.deleteIfExists(file); // one test JVM, one set of figures
        started = true;
      }
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
