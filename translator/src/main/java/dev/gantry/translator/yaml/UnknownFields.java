package dev.gantry.translator.yaml;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Walks a deserialised Fabric8 object tree and lists every field that landed in an {@code
 * additionalProperties} map, i.e. every field the schema does not define, as a path such as {@code
 * spec.rules[0].matchs}.
 */
final class UnknownFields {

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final Map<Class<?>, List<Property>> PROPERTIES = new ConcurrentHashMap<>();

  private record Property(String name, AnnotatedMember accessor) {}

  private UnknownFields() {}

  static List<String> find(Object root) {
    List<String> out = new ArrayList<>();
    walk(root, "", out);
    return out;
  }

  private static void walk(Object value, String path, List<String> out) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", out);
      }
      return;
    }
    Class<?> type = value.getClass();
    // Gantry's own kinds (dev.gantry.api) embed Fabric8 types (targetRefs, HTTPRoute matches).
    if (!(type.getName().startsWith("io.fabric8.") || type.getName().startsWith("dev.gantry.api."))
        || value instanceof Enum<?>
        || value instanceof AnyType
        || value instanceof Quantity) {
      return;
    }
    Map<String, Object> additional = additionalProperties(value);
    if (additional != null) {
      for (String key : additional.keySet().stream().sorted().toList()) {
        out.add(path.isEmpty() ? key : path + "." + key);
      }
    }
    for (Property p : properties(type)) {
      Object child = p.accessor().getValue(value);
      walk(child, path.isEmpty() ? p.name() : path + "." + p.name(), out);
    }
  }

  private static List<Property> properties(Class<?> type) {
    return PROPERTIES.computeIfAbsent(
        type,
        t -> {
          JavaType jt = MAPPER.constructType(t);
          BeanDescription desc = MAPPER.getSerializationConfig().introspect(jt);
          List<Property> props = new ArrayList<>();
          for (BeanPropertyDefinition d : desc.findProperties()) {
            if (d.getAccessor() != null && !"additionalProperties".equals(d.getName())) {
              props.add(new Property(d.getName(), d.getAccessor()));
            }
          }
          return props;
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> additionalProperties(Object value) {
    try {
      Method m = value.getClass().getMethod("getAdditionalProperties");
      Object r = m.invoke(value);
      return r instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      return null;
    }
  }
}
