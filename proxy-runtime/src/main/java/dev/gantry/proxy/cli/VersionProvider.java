package dev.gantry.proxy.cli;

import picocli.CommandLine;

/** The version comes from the jar manifest, so it is whatever Maven built. */
final class VersionProvider implements CommandLine.IVersionProvider {

  @Override
  public String[] getVersion() {
    String v = GantryCli.class.getPackage().getImplementationVersion();
    return new String[] {"gantry " + (v == null ? "(development build)" : v)};
  }
}
