package dev.floe.core.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.io.PositionOutputStream;
import org.junit.jupiter.api.Test;

class LedgerFileTest {
  private final RangeCountingFileIO io = new RangeCountingFileIO();

  private static List<String> digests(String prefix, int count) {
    List<String> digests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      digests.add(BatchLedger.digest(prefix + i));
    }
    return digests;
  }

  private LedgerFile.Written write(String location, List<String> digests, long seconds, List<String> merged, long oldestKept) {
    return LedgerFile.write(io, io.newOutputFile(location), digests, seconds, merged, oldestKept);
  }

  private TreeMap<String, Long> entries(String location) {
    TreeMap<String, Long> entries = new TreeMap<>();
    List<LedgerFile.Entry> order = new ArrayList<>();
    try (LedgerFile.EntryStream stream = LedgerFile.read(io, location, new ObjectReads())) {
      stream.forEachRemaining(entry -> {
        order.add(entry);
        entries.put(entry.text(), entry.seconds());
      });
    }
    assertThat(order).isSortedAccordingTo(LedgerFile.Entry::compareTo);
    assertThat(order).hasSize(entries.size());
    return entries;
  }

  @Test
  void aMergeKeepsEveryDigestOnceWithItsNewestSecondAndDropsWhatLeftTheWindow() {
    write("mem://a", digests("a", 3000), 1000, List.of(), 0);
    List<String> second = new ArrayList<>(digests("b", 3000));
    second.addAll(digests("a", 10));
    write("mem://b", second, 2000, List.of(), 0);
    write("mem://old", digests("old", 50), 10, List.of(), 0);

    LedgerFile.Written written = write("mem://merged", digests("c", 5), 3000, List.of("mem://a", "mem://b", "mem://old"), 500);

    TreeMap<String, Long> merged = entries("mem://merged");
    assertThat(written).isEqualTo(new LedgerFile.Written(6005, 1000, 3000));
    assertThat(merged).hasSize(6005);
    assertThat(merged.get(BatchLedger.digest("a0"))).isEqualTo(2000);
    assertThat(merged.get(BatchLedger.digest("a11"))).isEqualTo(1000);
    assertThat(merged.get(BatchLedger.digest("c4"))).isEqualTo(3000);
    assertThat(merged).doesNotContainKey(BatchLedger.digest("old0"));
  }

  @Test
  void aCheckOfAFewBatchesReadsTheCodesAndTheMatchingEntriesNotTheWholeFile() {
    List<String> committed = digests("producer-", 200_000);
    write("mem://big", committed, 1_700_000_000L, List.of(), 0);
    long size = io.newInputFile("mem://big").getLength();
    List<String> offered = new ArrayList<>(digests("new-", 190));
    offered.addAll(committed.subList(1000, 1010));
    io.bytesRead.set(0);
    ObjectReads reads = new ObjectReads();
    Set<String> found = new HashSet<>();

    LedgerFile.find(io, "mem://big", 200_000, new HashSet<>(offered), second -> true, found, reads);

    assertThat(found).containsExactlyInAnyOrderElementsOf(committed.subList(1000, 1010));
    // 200,000 entries take 2.4 MB; their codes ~0.35 MB; each match one more small read.
    assertThat(size).isGreaterThan(2_400_000);
    assertThat(io.bytesRead.get()).isEqualTo(reads.bytes()).isLessThan(size / 5);
    assertThat(reads.requests()).isBetween(2L, 12L);
  }

  @Test
  void aRangedReadThatLosesItsConnectionIsTriedAgainOnAFreshStream() {
    write("mem://reset", digests("r", 5000), 1000, List.of(), 0);
    Set<String> found = new HashSet<>();
    io.rangedReadsToFail.set(ObjectReads.ATTEMPTS - 1);
    long opened = io.streamsOpened.get();

    LedgerFile.find(io, "mem://reset", 5000, new HashSet<>(digests("r", 3)), second -> true, found, new ObjectReads());

    assertThat(found).containsExactlyInAnyOrderElementsOf(digests("r", 3));
    assertThat(io.rangedReadsToFail.get()).isZero();
    assertThat(io.streamsOpened.get() - opened).isGreaterThanOrEqualTo(ObjectReads.ATTEMPTS);
  }

  @Test
  void aRangedReadThatKeepsFailingFailsTheCheckNamingTheFile() {
    write("mem://down", digests("d", 100), 1000, List.of(), 0);
    io.rangedReadsToFail.set(ObjectReads.ATTEMPTS);

    assertThatThrownBy(
            () -> LedgerFile.find(io, "mem://down", 100, new HashSet<>(digests("d", 1)), s -> true, new HashSet<>(), new ObjectReads()))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("mem://down")
        .hasMessageContaining("Connection reset");
  }

  @Test
  void aCheckHonoursTheSecondsOfWhatItFinds() {
    write("mem://f", digests("x", 100), 1000, List.of(), 0);
    Set<String> found = new HashSet<>();

    LedgerFile.find(io, "mem://f", 100, new HashSet<>(digests("x", 3)), second -> second > 1000, found, new ObjectReads());
    assertThat(found).isEmpty();
    LedgerFile.find(io, "mem://f", -1, new HashSet<>(digests("x", 3)), second -> second >= 1000, found, new ObjectReads());
    assertThat(found).containsExactlyInAnyOrderElementsOf(digests("x", 3));
  }

  @Test
  void everyEntryOfAFileIsFoundWhateverItsSizeAndNothingElse() {
    for (int count : new int[] {0, 1, 2, 17, 4096, 70_000}) {
      List<String> all = digests("n" + count + "-", count);
      write("mem://n" + count, all, 1000 + count, List.of(), 0);
      Set<String> found = new HashSet<>();
      Set<String> wanted = new HashSet<>(all);
      wanted.addAll(digests("absent-", 100));
      LedgerFile.find(io, "mem://n" + count, count, wanted, second -> true, found, new ObjectReads());
      assertThat(found).as("%d entries", count).containsExactlyInAnyOrderElementsOf(all);
      assertThat(entries("mem://n" + count).keySet()).containsExactlyInAnyOrderElementsOf(all);
    }
  }

  @Test
  void filesOfTheFirstFormatAreFoundAndMergedWhole() throws IOException {
    List<String> old = digests("v1-", 500);
    writeFormatOne("mem://v1", old, 1500);
    Set<String> found = new HashSet<>();

    LedgerFile.find(io, "mem://v1", 500, Set.of(old.get(7), BatchLedger.digest("other")), second -> true, found,
        new ObjectReads());
    write("mem://v2", digests("v2-", 10), 2000, List.of("mem://v1"), 0);

    assertThat(found).containsExactly(old.get(7));
    TreeMap<String, Long> merged = entries("mem://v2");
    assertThat(merged).hasSize(510).containsEntry(old.get(499), 1500L);
  }

  @Test
  void aDamagedFileIsRefusedWithItsLocation() throws IOException {
    write("mem://ok", digests("d", 100), 1000, List.of(), 0);
    byte[] whole = io.newInputFile("mem://ok").newStream().readAllBytes();
    put("mem://cut", java.util.Arrays.copyOfRange(whole, 20, whole.length));
    put("mem://junk", "not a ledger file at all, certainly not".getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> LedgerFile.find(io, "mem://cut", -1, Set.of(BatchLedger.digest("d1")), s -> true,
            new HashSet<>(), new ObjectReads()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid batch ledger file mem://cut: its footer does not match its size");
    assertThatThrownBy(() -> LedgerFile.read(io, "mem://junk", new ObjectReads()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid batch ledger file mem://junk: it does not start with FLOELDG1 or end with FLOELDG2");
  }

  @Test
  void riceCodesRoundTripAtTheEdges() {
    Random random = new Random(42);
    for (int count : new int[] {1, 2, 100, 100_000}) {
      long[] values = new long[count];
      for (int i = 0; i < count; i++) {
        values[i] = random.nextLong() >>> 32;
      }
      values[0] = 0;
      values[count - 1] = 0xFFFFFFFFL;
      java.util.Arrays.sort(values);
      int k = RiceCode.parameter(count);
      RiceCode.Writer writer = new RiceCode.Writer(k);
      for (long value : values) {
        writer.add(value);
      }
      byte[] bytes = writer.bytes();
      RiceCode.Reader reader = new RiceCode.Reader(bytes, 0, bytes.length, k);
      for (long value : values) {
        assertThat(reader.next()).isEqualTo(value);
      }
      if (count == 100_000) {
        assertThat(bytes.length * 8.0 / count).as("bits per value").isLessThan(k + 3);
      }
    }
    assertThatThrownBy(() -> new RiceCode.Writer(4).add(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid Rice-coded value -1 after 0");
  }

  private void writeFormatOne(String location, List<String> digests, long seconds) throws IOException {
    List<LedgerFile.Entry> entries = new ArrayList<>();
    digests.forEach(digest -> entries.add(LedgerFile.Entry.of(digest, seconds)));
    entries.sort(null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write("FLOELDG1".getBytes(StandardCharsets.US_ASCII));
    for (LedgerFile.Entry entry : entries) {
      out.write(entry.digest());
      out.writeInt((int) entry.seconds());
    }
    put(location, bytes.toByteArray());
  }

  private void put(String location, byte[] bytes) {
    try (PositionOutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
