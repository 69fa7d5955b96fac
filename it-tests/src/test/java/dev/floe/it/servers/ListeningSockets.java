package dev.floe.it.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local addresses of listening TCP sockets, read from Linux's {@code /proc/net/tcp} and {@code
 * /proc/net/tcp6}: a look at the bind address that needs no traffic to other addresses.
 */
public final class ListeningSockets {
  private static final Path PROC = Path.of("/proc");
  private static final Path TCP = Path.of("/proc/net/tcp");
  private static final Path TCP6 = Path.of("/proc/net/tcp6");
  private static final String LISTEN = "0A";
  private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

  private ListeningSockets() {}

  public static boolean available() {
    return Files.isReadable(TCP);
  }

  /**
   * Addresses that sockets in state LISTEN on {@code port} are bound to. An IPv4-mapped IPv6
   * address (how Java's dual-stack sockets show 127.0.0.1) comes back as its IPv4 address.
   */
  public static List<InetAddress> localAddresses(int port) throws IOException {
    return listening(fields -> Integer.parseInt(fields[1].split(":")[1], 16) == port);
  }

  /**
   * Addresses of every socket in state LISTEN that process {@code pid} holds open, whatever its
   * port: for servers that pick their ports themselves (Spark's driver and block manager).
   */
  public static List<InetAddress> localAddressesOfProcess(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
      for (Path descriptor : descriptors) {
        Matcher socket = SOCKET_LINK.matcher(readLink(descriptor));
        if (socket.matches()) {
          inodes.add(socket.group(1));
        }
      }
    }
    return listening(fields -> inodes.contains(fields[9]));
  }

  /** Local addresses of the LISTEN sockets whose {@code /proc/net/tcp} fields match. */
  private static List<InetAddress> listening(Predicate<String[]> matches) throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (Path table : List.of(TCP, TCP6)) {
      if (!Files.isReadable(table)) {
        continue;
      }
      List<String> lines = Files.readAllLines(table);
      for (String line : lines.subList(1, lines.size())) {
        // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...",
        // local_address = ADDRESS:PORT in hex
        String[] fields = line.trim().split("\\s+");
        if (fields[3].equals(LISTEN) && matches.test(fields)) {
          addresses.add(InetAddress.getByAddress(kernelOrder(fields[1].split(":")[0])));
        }
      }
    }
    return addresses;
  }

  private static String readLink(Path descriptor) {
    try {
      return Files.readSymbolicLink(descriptor).toString();
    } catch (IOException e) {
      // closed since the listing
      return "";
    }
  }

  /** The kernel prints each 32-bit word of the address in the machine's byte order. */
  private static byte[] kernelOrder(String hex) {
    byte[] words = HexFormat.of().parseHex(hex);
    if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
      return words;
    }
    byte[] address = new byte[words.length];
    for (int word = 0; word < words.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        address[word + i] = words[word + 3 - i];
      }
    }
    return address;
  }
}
