package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * floe reads no crash switch from its environment: the crash drills install their hook through a
 * test-only main class. A JVM given the system property the drills once used runs as any other.
 */
class CrashPropertyTest {
  @TempDir Path dir;

  @Test
  void theFormerCrashPropertyDoesNotHaltARun() throws Exception {
    Path input = Files.writeString(
        dir.resolve("a.ndjson"), String.join("\n", CronFixture.events("do-a", 1, 5)) + "\n", StandardCharsets.UTF_8);
    ProcessBuilder builder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dfloe.test.crash-at=before-commit",
            "-cp", System.getProperty("java.class.path"), FloeCli.class.getName(),
            "ingest", "--warehouse", dir.resolve("wh").toString(), "--table", "cron.events", input.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("out.txt").toFile());
    // Nothing of the developer's own setup reaches the child's config.
    builder.environment().keySet().removeIf(key -> key.startsWith("FLOE_") || key.startsWith("AWS_"));
    Process process = builder.start();
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();

    String output = Files.readString(dir.resolve("out.txt"));
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("Committed snapshot").doesNotContain("halting");
    assertThat(List.of(output.split("\n"))).anyMatch(line -> line.startsWith("  events   5 read, 5 written"));
  }
}
