import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another program's main class in this JVM and exits when standard input reaches end of file,
 * that is when the process that started it closes the pipe or dies, even by SIGKILL. This keeps
 * servers that have no such behaviour of their own (s3proxy) from outliving the test JVM.
 *
 * <p>Source-file mode: {@code java -cp server.jar ExitWithParent.java MAIN_CLASS [ARGS...]}.
 */
public class ExitWithParent {
  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      throw new IllegalArgumentException("Invalid arguments: expected MAIN_CLASS [ARGS...]");
    }
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the parent never writes; wait for end of file
                }
              } catch (IOException e) {
                // a broken pipe means the parent is gone as well
              }
              System.exit(0);
            },
            "exit-with-parent");
    watchdog.setDaemon(true);
    watchdog.start();

    Class<?> mainClass = ClassLoader.getSystemClassLoader().loadClass(args[0]);
    Method main = mainClass.getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
