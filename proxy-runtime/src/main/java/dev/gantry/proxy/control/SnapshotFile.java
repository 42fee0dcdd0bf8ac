package dev.gantry.proxy.control;

import dev.gantry.model.CanonicalJson;
import dev.gantry.model.ConfigValidationException;
import dev.gantry.model.GatewaySnapshot;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The last good snapshot on local disk (an emptyDir in the pod), so that a restarted proxy serves
 * before the operator is back (static stability). Written to a temporary file and renamed, so a
 * crash mid-write leaves the previous file intact, never a torn one.
 */
public final class SnapshotFile {

  private static final System.Logger LOG = System.getLogger(SnapshotFile.class.getName());

  private final Path path;

  public SnapshotFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  public void write(GatewaySnapshot snapshot) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
    try (var ch =
        java.nio.channels.FileChannel.open(
            tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(CanonicalJson.toBytes(snapshot)));
      ch.force(true);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The persisted snapshot if there is a valid one. A missing file is normal (first start); an
   * unreadable or invalid one is logged and ignored, because serving nothing until the operator
   * answers is better than serving a config that fails validation.
   */
  public Optional<GatewaySnapshot> read() {
    try {
      GatewaySnapshot s = CanonicalJson.read(Files.readAllBytes(path), GatewaySnapshot.class);
      s.validate();
      return Optional.of(s);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | ConfigValidationException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "ignoring persisted snapshot " + path + ": " + e.getMessage());
      return Optional.empty();
    }
  }
}
