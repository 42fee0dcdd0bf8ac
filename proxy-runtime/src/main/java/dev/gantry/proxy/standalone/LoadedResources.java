package dev.gantry.proxy.standalone;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * The objects read from a folder, and every problem met while reading it. A non-empty {@code
 * errors} list means the folder must not be applied: serving part of what the user wrote is worse
 * than serving the last good config.
 */
public record LoadedResources(List<HasMetadata> objects, List<String> errors) {

  public LoadedResources {
    objects = List.copyOf(objects);
    errors = List.copyOf(errors);
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
