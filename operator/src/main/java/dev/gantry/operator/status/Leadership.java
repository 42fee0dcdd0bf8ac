package dev.gantry.operator.status;

/**
 * Whether this operator replica may write (status, fleet). Only one replica is leader at a time.
 */
@FunctionalInterface
public interface Leadership {
  boolean isLeader();

  Leadership ALWAYS = () -> true;
}
