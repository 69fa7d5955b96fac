package dev.floe.it.servers;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One server running as a child process, its output in a log file. The child's standard input stays
 * an open pipe: the launchers exit when it closes, which is how {@link #stop()} asks them to go,
 * and what ends them if this JVM dies without stopping them.
 */
public final class ServerProcess {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final int LOG_TAIL_LINES = 40;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final URI uri;
  private final Path log;
  private final Process process;

  private ServerProcess(String name, URI uri, Path log, Process process) {
    this.name = name;
    this.uri = uri;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code command} with exactly {@code env} on top of this JVM's environment minus its AWS,
   * catalog and FLOE_IT variables, so that nothing of the developer's setup leaks in.
   */
  public static ServerProcess start(
      String name, URI uri, List<String> command, Map<String, String> env, Path log) {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(
            key -> key.startsWith("AWS_") || key.startsWith("CATALOG_") || key.startsWith("FLOE_"));
    builder.environment().putAll(env);
    try {
      return new ServerProcess(name, uri, log, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(
          String.format("Cannot start %s (%s): %s", name, uri, e.getMessage()), e);
    }
  }

  /**
   * Waits until an HTTP GET of {@code path} answers with a status that {@code ready} accepts.
   *
   * @throws IllegalStateException naming the server, its address and its log, with the log's last
   *     lines, when the process exits first or does not answer within {@code timeout}
   */
  public void awaitHttp(String path, IntPredicate ready, Duration timeout) {
    URI probe = uri.resolve(path);
    waitUntil(probe, () -> answers(probe, ready), timeout);
  }

  /**
   * Waits until {@code address} (another port of this server, e.g. its HTTPS one) accepts TCP
   * connections; for a TLS port whose certificate the JDK's HTTP client would refuse.
   */
  public void awaitListening(URI address, Duration timeout) {
    waitUntil(address, () -> accepts(address), timeout);
  }

  private void waitUntil(URI probe, Callable<Boolean> ready, Duration timeout) {
    try {
      await(name + " at " + probe)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(POLL_INTERVAL)
          .failFast(name + " exited", () -> !process.isAlive())
          .until(ready);
    } catch (TerminalFailureException e) {
      throw new IllegalStateException(
          String.format(
              "Cannot start %s: the process exited with code %d before answering at %s%s",
              name, process.exitValue(), probe, logExcerpt()),
          e);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          String.format(
              "Cannot start %s: no answer at %s within %d s%s",
              name, probe, timeout.toSeconds(), logExcerpt()),
          e);
    }
  }

  private static boolean accepts(URI address) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.getHost(), address.getPort()), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean answers(URI probe, IntPredicate ready) {
    HttpRequest request = HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).build();
    try {
      return ready.test(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Asks the process to exit by closing its standard input, and returns at once. */
  public void requestStop() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // a broken pipe: the process is gone or going; stop() checks
    }
  }

  /**
   * Stops the process and anything it started: end of input first, then SIGTERM, then SIGKILL, each
   * given a few seconds. Idempotent.
   */
  public void stop() {
    List<ProcessHandle> tree = process.descendants().toList();
    requestStop();
    if (!exited(GRACE)) {
      tree.forEach(ProcessHandle::destroy);
      process.destroy();
      if (!exited(GRACE)) {
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        exited(GRACE);
      }
    }
  }

  private boolean exited(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public URI uri() {
    return uri;
  }

  public Path log() {
    return log;
  }

  private String logExcerpt() {
    String header = String.format("%nLog: %s", log);
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return String.format(
          "%s (last %d lines)%n%s", header, tail.size(), String.join(System.lineSeparator(), tail));
    } catch (IOException e) {
      return header + " (unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return String.format("%s at %s (pid %d, log %s)", name, uri, process.pid(), log);
  }
}
