package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunIdsTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T08:45:12Z"), ZoneOffset.UTC);

  @Test
  void anIdIsItsStartSecondAnd128RandomBits() {
    assertThat(RunIds.next(clock)).matches("20261124T084512Z-[0-9a-f]{32}");
  }

  @Test
  void idsOfOneSecondDoNotCollide() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertThat(ids.add(RunIds.next(clock))).isTrue();
    }
  }
}
