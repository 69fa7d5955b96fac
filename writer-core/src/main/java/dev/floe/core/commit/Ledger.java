package dev.floe.core.commit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileIO;

/**
 * The batch ledger: which batches the table holds, in a few objects beside its metadata whatever
 * the number of batches, commits or producers.
 *
 * <p>Each commit writes one ledger file ({@link LedgerFile}) holding its batch digests, and names it
 * in the same atomic step as its data: in its snapshot summary ({@link #SUMMARY_FILE}) and in a table
 * property {@code floe.ledger.<level>.<run id> = <file>:<entries>:<oldest second>:<newest second>}.
 * Table properties survive any engine's snapshot expiry, and a key is set by one commit only, so a
 * transaction that Iceberg re-applies on a newer table state never overwrites another writer's part.
 *
 * <p>The parts are kept few by leveled merging, done by the commits themselves: a commit that finds
 * {@value #LEVEL0_MAX} parts of level 0 writes its digests together with theirs as one part of level
 * 1 and removes their keys; a level that would outgrow its capacity ({@value #LEVEL1_CAPACITY}
 * entries at level 1, {@value #FANOUT} times more at each level above) moves up into the next, like
 * a carry. So a table holds at most {@value #LEVEL0_MAX} parts of level 0 and about one per level
 * above: 7 objects for 2M batches. Merges drop entries older than the dedupe window, and parts whose
 * newest entry left it are dropped whole. A merge removes only the keys it merged, so concurrent
 * commits lose nothing; two merges of the same parts only make one entry appear in two parts.
 *
 * <p>Files a merge replaced are not deleted by it (a run that loaded the table before may still be
 * reading them): orphan removal deletes them once they are older than its safety age.
 */
final class Ledger {
  /** Table property prefix of the ledger's parts. */
  static final String PREFIX = "floe.ledger.";
  /** Snapshot summary key: the ledger file that holds the snapshot's batch digests. */
  static final String SUMMARY_FILE = "floe.ledger-file";
  static final String DIRECTORY = "floe-ledger";
  static final int LEVEL0_MAX = 3;
  static final long LEVEL1_CAPACITY = 4096;
  static final int FANOUT = 8;

  private Ledger() {}

  /** One part of the ledger, as its table property names it. */
  record Part(String key, int level, String file, long entries, long oldestSeconds, long newestSeconds) {
    String value() {
      return file + ":" + entries + ":" + oldestSeconds + ":" + newestSeconds;
    }
  }

  /** What one commit does to the ledger: which parts it merges into its file, at which level, and which it drops. */
  record Plan(int level, List<Part> merged, List<Part> expired) {
    /** Keys this commit removes: the parts merged into its file and those out of the window. */
    Set<String> removedKeys() {
      Set<String> keys = new TreeSet<>();
      merged.forEach(part -> keys.add(part.key()));
      expired.forEach(part -> keys.add(part.key()));
      return keys;
    }
  }

  static String key(int level, String runId) {
    return PREFIX + level + "." + runId;
  }

  /** The ledger's parts among a table's properties; a property floe cannot parse is ignored. */
  static List<Part> parts(Map<String, String> properties) {
    List<Part> parts = new ArrayList<>();
    properties.forEach((key, value) -> {
      if (!key.startsWith(PREFIX)) {
        return;
      }
      String rest = key.substring(PREFIX.length());
      int dot = rest.indexOf('.');
      String[] fields = value.split(":");
      if (dot <= 0 || fields.length != 4) {
        return;
      }
      try {
        parts.add(new Part(key, Integer.parseInt(rest.substring(0, dot)), fields[0], Long.parseLong(fields[1]),
            Long.parseLong(fields[2]), Long.parseLong(fields[3])));
      } catch (NumberFormatException e) {
        // not one of floe's
      }
    });
    parts.sort(Comparator.comparing(Part::key));
    return parts;
  }

  static long capacity(int level) {
    long capacity = LEVEL1_CAPACITY;
    for (int i = 1; i < level && capacity < Long.MAX_VALUE / FANOUT; i++) {
      capacity *= FANOUT;
    }
    return capacity;
  }

  /**
   * Where a commit of {@code ownEntries} batches puts them, given the ledger's {@code parts} and the
   * oldest second still inside the dedupe window.
   */
  static Plan plan(List<Part> parts, long ownEntries, long oldestKeptSeconds) {
    List<Part> expired = new ArrayList<>();
    List<Part> live = new ArrayList<>();
    for (Part part : parts) {
      (part.newestSeconds() < oldestKeptSeconds ? expired : live).add(part);
    }
    List<Part> levelZero = live.stream().filter(part -> part.level() == 0).toList();
    if (levelZero.size() < LEVEL0_MAX) {
      return new Plan(0, List.of(), expired);
    }
    List<Part> merged = new ArrayList<>(levelZero);
    long entries = ownEntries + levelZero.stream().mapToLong(Part::entries).sum();
    int level = 1;
    while (true) {
      int at = level;
      List<Part> here = live.stream().filter(part -> part.level() == at).toList();
      merged.addAll(here);
      entries += here.stream().mapToLong(Part::entries).sum();
      if (entries <= capacity(level) || level >= 62) {
        return new Plan(level, merged, expired);
      }
      level++;
    }
  }

  /** The location of ledger file {@code name} of {@code table}: beside its metadata files. */
  static String location(Table table, String name) {
    if (table instanceof HasTableOperations loaded) {
      return loaded.operations().metadataFileLocation(DIRECTORY + "/" + name);
    }
    return table.location() + "/metadata/" + DIRECTORY + "/" + name;
  }

  /** Every ledger file the table's properties name: what orphan removal must keep. */
  static Set<String> files(Table table) {
    Set<String> files = new LinkedHashSet<>();
    parts(table.properties()).forEach(part -> files.add(location(table, part.file())));
    return files;
  }

  /**
   * Which of {@code digests} the ledger records at or after {@code oldestKeptSeconds}; what it read
   * is counted in {@code reads}.
   */
  static Set<String> committed(Table table, Collection<String> digests, long oldestKeptSeconds, ObjectReads reads) {
    Set<String> wanted = new HashSet<>(digests);
    Set<String> found = new HashSet<>();
    FileIO io = table.io();
    // Newest parts first: a batch offered again is most often a recent one.
    List<Part> parts = new ArrayList<>(parts(table.properties()));
    parts.sort(Comparator.comparingLong(Part::newestSeconds).reversed());
    for (Part part : parts) {
      if (found.size() == wanted.size()) {
        break;
      }
      if (part.newestSeconds() >= oldestKeptSeconds) {
        Set<String> missing = new HashSet<>(wanted);
        missing.removeAll(found);
        LedgerFile.find(io, location(table, part.file()), part.entries(), missing,
            second -> second >= oldestKeptSeconds, found, reads);
      }
    }
    return found;
  }
}
