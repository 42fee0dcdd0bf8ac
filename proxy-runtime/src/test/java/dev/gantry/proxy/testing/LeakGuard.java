package dev.gantry.proxy.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (level {@code paranoid} in every test JVM) reports
 * a leak. Installs a detector factory whose detectors record reports instead of only logging them;
 * after the class it forces GC and allocates, which makes the detectors drain their reference
 * queues and report.
 */
public final class LeakGuard implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
        new ResourceLeakDetectorFactory() {
          @Override
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
          }
        });
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    drain();
    LEAKS.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    drain();
    if (!LEAKS.isEmpty()) {
      List<String> found = new ArrayList<>(LEAKS);
      LEAKS.clear();
      throw new AssertionError(
          "Netty reported " + found.size() + " leak(s):\n" + String.join("\n---\n", found));
    }
  }

  /** GC, then allocate from every allocator so each detector polls its reference queue. */
  public static void drain() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int i = 0; i < 200; i++) {
        ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
        ByteBuf c = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        a.release();
        b.release();
        c.release();
      }
    }
  }

  public static List<String> leaks() {
    return List.copyOf(LEAKS);
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> type, int samplingInterval) {
      super(type, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add("LEAK " + resourceType + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add("LEAK " + resourceType + " (untraced)");
      super.reportUntracedLeak(resourceType);
    }
  }
}
