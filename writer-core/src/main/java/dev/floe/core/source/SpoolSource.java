package dev.floe.core.source;

import dev.floe.core.Batch;
import dev.floe.core.RunLimits;
import dev.floe.core.commit.BatchLedger;
import dev.floe.core.config.InvalidConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder that producers drop finished batch files into. A file is taken once it is finished: not
 * hidden ({@code .name}), not a temp name ({@code .tmp}, {@code .part}, {@code .partial}, {@code
 * .inprogress}), and unmodified for the settle time, so a producer that writes in place is not read
 * half-way. After the commit that holds it, a file moves to {@code done/}; a file that cannot be
 * read at all moves to {@code failed/} beside a {@code .reason.txt}. floe's own state lives in
 * {@code .floe/}: the lock (held by the OS, so released even by {@code kill -9}) and the claims.
 */
public final class SpoolSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(SpoolSource.class);
  static final String STATE = ".floe";
  static final String DONE = "done";
  static final String FAILED = "failed";
  private static final List<String> TEMP_SUFFIXES = List.of(".tmp", ".part", ".partial", ".inprogress");

  private final Path directory;
  private final Duration settleTime;
  private final RunLimits limits;
  private final Clock clock;
  private FileLock lock;
  private Unsettled unsettled = Unsettled.NONE;

  /**
   * @param limits take files, oldest first, while {@link RunLimits#bytesReached} allows (at least one file)
   */
  public SpoolSource(Path directory, Duration settleTime, RunLimits limits, Clock clock) {
    this.directory = directory.toAbsolutePath().normalize();
    this.settleTime = settleTime;
    this.limits = limits;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "spool " + directory;
  }

  @Override
  public Optional<String> key() {
    return Optional.of(BatchLedger.digest("spool:" + directory).replace('-', 'x').replace('_', 'y'));
  }

  @Override
  public void lock() {
    if (!Files.isDirectory(directory)) {
      throw new InvalidConfigException("Invalid spool: " + directory + " is not a directory");
    }
    if (lock == null) {
      lock = FileLock.acquire(state("lock"), "floe pid " + ProcessHandle.current().pid());
    }
  }

  /** Also removes the temp file of a claim whose run died while writing it. */
  @Override
  public List<Claim> leftoverClaims() {
    Path claims = state("claims");
    if (!Files.isDirectory(claims)) {
      return List.of();
    }
    List<Claim> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(claims)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp")) {
          // A claim its run died writing: that run had not read anything yet, so nothing to settle.
          Files.deleteIfExists(file);
          continue;
        }
        if (!name.endsWith(".claim")) {
          continue;
        }
        String claimId = name.substring(0, name.length() - ".claim".length());
        found.add(ClaimText.parse(claimId, Files.readString(file, StandardCharsets.UTF_8), file.toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the claims in " + claims + ": " + e.getMessage(), e);
    }
    return found;
  }

  @Override
  public List<Batch> pending() {
    Instant settledBefore = clock.instant().minus(settleTime);
    List<Candidate> candidates = new ArrayList<>();
    List<Instant> settling = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (!isFinishedName(file)) {
          continue; // a producer's file in the making, which it may rename away at any moment
        }
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // gone since the listing (deleted or renamed by its producer): nothing to take
        }
        if (!attributes.isRegularFile()) {
          continue;
        }
        Instant modified = attributes.lastModifiedTime().toInstant();
        if (modified.isBefore(settledBefore)) {
          candidates.add(new Candidate(file, modified, attributes.size()));
        } else {
          settling.add(modified);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list spool " + directory + ": " + e.getMessage(), e);
    }
    unsettled = Unsettled.of(settling, settleTime);
    candidates.sort(Comparator.comparing(Candidate::modified).thenComparing(c -> c.file().getFileName().toString()));
    List<Batch> batches = new ArrayList<>();
    long bytes = 0;
    for (Candidate candidate : candidates) {
      if (!batches.isEmpty() && limits.bytesReached(bytes, OptionalLong.of(candidate.size()))) {
        break;
      }
      Batch batch;
      try {
        batch = Batch.ofFile(candidate.file());
      } catch (UncheckedIOException e) {
        // Taken like any batch, so that it is set aside through the claim's outcome (and not by a
        // dry run): opening it fails with what reading it did.
        IOException cause = e.getCause();
        batch = Batch.of("unreadable:" + candidate.file(), candidate.file().toString(), () -> { throw cause; });
      }
      bytes += candidate.size();
      batches.add(batch);
    }
    return batches;
  }

  @Override
  public Unsettled unsettled() {
    return unsettled;
  }

  private record Candidate(Path file, Instant modified, long size) {}

  static boolean isFinishedName(Path file) {
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && TEMP_SUFFIXES.stream().noneMatch(lower::endsWith);
  }

  @Override
  public void claim(String claimId, List<Batch> batches) {
    writeClaim(claimId, ClaimText.taken(batches.stream().map(Batch::source).toList()));
  }

  @Override
  public void recordOutcome(String claimId, Claim.Outcome outcome) {
    writeClaim(claimId, ClaimText.outcome(outcome));
  }

  /** Writes a claim durably and atomically: a temp file, forced to disk, renamed over the claim. */
  private void writeClaim(String claimId, String text) {
    Path claims = state("claims");
    Path target = claims.resolve(claimId + ".claim");
    Path temp = claims.resolve("." + claimId + ".tmp");
    try {
      Files.createDirectories(claims);
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(claims);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write claim " + target + ": " + e.getMessage(), e);
    }
  }

  /** Makes a rename in {@code folder} durable; where the platform cannot open a directory, skips it. */
  private static void forceDirectory(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("Cannot force directory {}: {}", folder, e.toString());
    }
  }

  @Override
  public void acknowledge(List<String> batchSources) {
    for (String source : batchSources) {
      moveAside(Path.of(source), DONE);
    }
  }

  @Override
  public void releaseClaim(String claimId) {
    try {
      Files.deleteIfExists(state("claims").resolve(claimId + ".claim"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete claim " + claimId + " in " + directory + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void fail(String batchSource, String reason) {
    Path moved = moveAside(Path.of(batchSource), FAILED);
    if (moved != null) {
      try {
        Files.writeString(moved.resolveSibling(moved.getFileName() + ".reason.txt"), reason + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        LOG.warn("Cannot write the reason file for {}: {}", moved, e.toString());
      }
      LOG.warn("Moved {} to {}/: {}", batchSource, FAILED, reason);
    }
  }

  /** Moves {@code file} into {@code subdirectory}; a name already there gets a numeric suffix. */
  private Path moveAside(Path file, String subdirectory) {
    if (!Files.exists(file)) {
      return null; // Moved by an earlier attempt.
    }
    try {
      Path target = directory.resolve(subdirectory);
      Files.createDirectories(target);
      Path destination = target.resolve(file.getFileName());
      for (int n = 1; Files.exists(destination); n++) {
        destination = target.resolve(file.getFileName() + "." + n);
      }
      return Files.move(file, destination, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot move " + file + " to " + subdirectory + "/: " + e.getMessage(), e);
    }
  }

  private Path state(String name) {
    try {
      Files.createDirectories(directory.resolve(STATE));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + directory.resolve(STATE) + ": " + e.getMessage(), e);
    }
    return directory.resolve(STATE).resolve(name);
  }

  @Override
  public void close() {
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }
}
