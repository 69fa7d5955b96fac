package dev.floe.core.source;

import dev.floe.core.source.Source.Claim;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text of a claim as the spool and the S3 prefix store it: one line per batch, tab-separated,
 * with backslash escapes so that no name or reason can break a line.
 *
 * <pre>
 * floe-claim 2 taken          floe-claim 2 outcome
 * taken  &lt;source&gt;              in-table    &lt;source&gt;
 * ...                         unreadable  &lt;source&gt;  &lt;reason&gt;
 * </pre>
 *
 * A text without the header was written by an earlier floe: one source per line, all taken.
 */
final class ClaimText {
  private static final String HEADER = "floe-claim 2 ";
  private static final String TAKEN = "taken";
  private static final String OUTCOME = "outcome";
  private static final String IN_TABLE = "in-table";
  private static final String UNREADABLE = "unreadable";

  private ClaimText() {}

  static String taken(List<String> sources) {
    StringBuilder text = new StringBuilder(HEADER).append(TAKEN).append('\n');
    sources.forEach(source -> line(text, TAKEN, source));
    return text.toString();
  }

  static String outcome(Claim.Outcome outcome) {
    StringBuilder text = new StringBuilder(HEADER).append(OUTCOME).append('\n');
    outcome.inTable().forEach(source -> line(text, IN_TABLE, source));
    outcome.unreadable().forEach((source, reason) -> line(text, UNREADABLE, source, reason));
    return text.toString();
  }

  /** @param where names the claim in an error, e.g. its path */
  static Claim parse(String claimId, String text, String where) {
    List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
    if (lines.isEmpty() || !lines.get(0).startsWith(HEADER)) {
      return new Claim(claimId, lines, Optional.empty()); // an earlier floe: one source per line
    }
    String kind = lines.get(0).substring(HEADER.length());
    List<String> taken = new ArrayList<>();
    List<String> inTable = new ArrayList<>();
    Map<String, String> unreadable = new LinkedHashMap<>();
    for (int n = 1; n < lines.size(); n++) {
      String[] fields = lines.get(n).split("\t", -1);
      String entry = fields[0];
      if (entry.equals(TAKEN) && fields.length == 2 && kind.equals(TAKEN)) {
        taken.add(unescape(fields[1]));
      } else if (entry.equals(IN_TABLE) && fields.length == 2 && kind.equals(OUTCOME)) {
        inTable.add(unescape(fields[1]));
      } else if (entry.equals(UNREADABLE) && fields.length == 3 && kind.equals(OUTCOME)) {
        unreadable.put(unescape(fields[1]), unescape(fields[2]));
      } else {
        throw new IllegalStateException("Invalid claim " + where + ": line " + (n + 1) + " does not belong in a claim of kind '" + kind + "'");
      }
    }
    if (kind.equals(TAKEN)) {
      return new Claim(claimId, taken, Optional.empty());
    }
    if (kind.equals(OUTCOME)) {
      List<String> all = new ArrayList<>(inTable);
      all.addAll(unreadable.keySet());
      return new Claim(claimId, all, Optional.of(new Claim.Outcome(inTable, unreadable)));
    }
    throw new IllegalStateException("Invalid claim " + where + ": line 1 names the unknown kind '" + kind + "'");
  }

  private static void line(StringBuilder text, String entry, String... fields) {
    text.append(entry);
    for (String field : fields) {
      text.append('\t').append(escape(field));
    }
    text.append('\n');
  }

  static String escape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c != '\\' || i + 1 == field.length()) {
        out.append(c);
        continue;
      }
      char next = field.charAt(++i);
      out.append(switch (next) {
        case 't' -> '\t';
        case 'n' -> '\n';
        case 'r' -> '\r';
        default -> next;
      });
    }
    return out.toString();
  }
}
