package io.dsabench.dashboard;

import io.dsabench.model.BadInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A small least-recently-used memo: answers that depend only on their key (a run's bytes on disk, a
 * hardware profile, a price) are computed once, not once per request. Bounded, so that a client
 * walking through prices cannot grow it; thread-safe. Two requests that miss at once may both
 * compute: cheaper than making one wait, and they compute the same value.
 */
final class Memo<K, V> {
  private final Map<K, V> entries;

  Memo(int capacity) {
    if (capacity < 1) {
      throw new BadInputException("capacity: " + capacity + " is not a positive count");
    }
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > capacity;
          }
        };
  }

  V get(K key, Supplier<V> compute) {
    synchronized (entries) {
      V v = entries.get(key);
      if (v != null) {
        return v;
      }
    }
    V v = compute.get();
    synchronized (entries) {
      entries.put(key, v);
    }
    return v;
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
