package dev.gantry.proxy.standalone;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Watches a folder tree and calls {@code onChange} once things have been quiet for the debounce
 * period, so that an editor's save (often several events) or a {@code git pull} (many files)
 * triggers one reload, not dozens.
 *
 * <p>Folders created later are watched too. Events only schedule work on {@code executor}; the
 * reload itself never runs on the watcher thread.
 */
final class DirectoryWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DirectoryWatcher.class.getName());

  private final Path root;
  private final long debounceMillis;
  private final ScheduledExecutorService executor;
  private final Runnable onChange;
  private final WatchService watchService;
  private final Thread thread;
  private ScheduledFuture<?> pending;

  DirectoryWatcher(
      Path root, long debounceMillis, ScheduledExecutorService executor, Runnable onChange)
      throws IOException {
    this.root = root;
    this.debounceMillis = debounceMillis;
    this.executor = executor;
    this.onChange = onChange;
    this.watchService = FileSystems.getDefault().newWatchService();
    registerTree(root);
    this.thread = Thread.ofPlatform().daemon().name("gantry-dir-watch").unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  private void registerTree(Path dir) throws IOException {
    try (Stream<Path> dirs = Files.walk(dir)) {
      for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        d.register(
            watchService,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      }
    }
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = watchService.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Path dir = (Path) key.watchable();
      for (var event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
            && event.context() instanceof Path p) {
          Path created = dir.resolve(p);
          if (Files.isDirectory(created)) {
            try {
              registerTree(created);
            } catch (IOException e) {
              LOG.log(Level.WARNING, "cannot watch " + created + ": " + e.getMessage());
            }
          }
        }
      }
      key.reset();
      schedule();
    }
  }

  private synchronized void schedule() {
    if (pending != null) {
      pending.cancel(false);
    }
    pending = executor.schedule(onChange, debounceMillis, TimeUnit.MILLISECONDS);
  }

  Path root() {
    return root;
  }

  @Override
  public void close() throws IOException {
    watchService.close();
    thread.interrupt();
  }
}
