package dev.floe.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.Batch;
import dev.floe.core.RunLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolSourceClaimsTest {
  @TempDir Path spool;

  private SpoolSource source() {
    return new SpoolSource(spool, Duration.ZERO, RunLimits.defaults(), Clock.systemUTC());
  }

  @Test
  void aClaimIsReadBackWithTheSourcesOfItsBatches() throws IOException {
    Path a = Files.writeString(spool.resolve("a.ndjson"), "{}\n");
    try (SpoolSource source = source()) {
      source.lock();
      source.claim("run-1", List.of(Batch.ofFile(a)));
      assertThat(source.leftoverClaims()).containsExactly(Source.Claim.taken("run-1", List.of(a.toString())));
      source.releaseClaim("run-1");
      assertThat(source.leftoverClaims()).isEmpty();
    }
  }

  @Test
  void theTempFileOfAClaimWhoseRunDiedWritingItIsRemovedAndNotTakenForAClaim() throws IOException {
    Path claims = Files.createDirectories(spool.resolve(".floe").resolve("claims"));
    // What SpoolSource.claim leaves when killed between writing the temp file and renaming it.
    Files.writeString(claims.resolve(".run-0.tmp"), spool.resolve("a.ndjson") + "\n");

    try (SpoolSource source = source()) {
      source.lock();
      assertThat(source.leftoverClaims()).isEmpty();
    }

    try (Stream<Path> left = Files.list(claims)) {
      assertThat(left).isEmpty();
    }
  }
}
