package dev.gantry.translator.status;

/**
 * Every condition type and reason Gantry writes, spelled exactly as the Gateway API defines them
 * (conformance compares these strings byte for byte).
 */
public final class Conditions {

  private Conditions() {}

  public static final String TRUE = "True";
  public static final String FALSE = "False";

  // Types
  public static final String ACCEPTED = "Accepted";
  public static final String PROGRAMMED = "Programmed";
  public static final String RESOLVED_REFS = "ResolvedRefs";
  public static final String CONFLICTED = "Conflicted";
  public static final String PARTIALLY_INVALID = "PartiallyInvalid";
  public static final String OVERLAPPING_TLS_CONFIG = "OverlappingTLSConfig";
  public static final String INSECURE_FRONTEND_VALIDATION_MODE = "InsecureFrontendValidationMode";

  // Reasons shared by several kinds
  public static final String REASON_ACCEPTED = "Accepted";
  public static final String REASON_PROGRAMMED = "Programmed";
  public static final String REASON_RESOLVED_REFS = "ResolvedRefs";
  public static final String REASON_INVALID = "Invalid";
  public static final String REASON_INVALID_PARAMETERS = "InvalidParameters";
  public static final String REASON_UNSUPPORTED_VALUE = "UnsupportedValue";
  public static final String REASON_REF_NOT_PERMITTED = "RefNotPermitted";

  // Gateway
  public static final String REASON_LISTENERS_NOT_VALID = "ListenersNotValid";
  public static final String REASON_UNSUPPORTED_ADDRESS = "UnsupportedAddress";
  public static final String REASON_CONFIGURATION_CHANGED = "ConfigurationChanged";

  // Listener
  public static final String REASON_UNSUPPORTED_PROTOCOL = "UnsupportedProtocol";
  public static final String REASON_INVALID_CERTIFICATE_REF = "InvalidCertificateRef";
  public static final String REASON_INVALID_ROUTE_KINDS = "InvalidRouteKinds";
  public static final String REASON_HOSTNAME_CONFLICT = "HostnameConflict";
  public static final String REASON_PROTOCOL_CONFLICT = "ProtocolConflict";
  public static final String REASON_NO_CONFLICTS = "NoConflicts";
  public static final String REASON_OVERLAPPING_HOSTNAMES = "OverlappingHostnames";
  public static final String REASON_NO_VALID_CA_CERTIFICATE = "NoValidCACertificate";
  public static final String REASON_INVALID_CA_CERTIFICATE_REF = "InvalidCACertificateRef";
  public static final String REASON_INVALID_CA_CERTIFICATE_KIND = "InvalidCACertificateKind";

  // Policies (GEP-713, BackendTLSPolicy)
  public static final String REASON_CONFLICTED = "Conflicted";
  public static final String REASON_TARGET_NOT_FOUND = "TargetNotFound";

  // Route parent
  public static final String REASON_NOT_ALLOWED_BY_LISTENERS = "NotAllowedByListeners";
  public static final String REASON_NO_MATCHING_PARENT = "NoMatchingParent";
  public static final String REASON_NO_MATCHING_LISTENER_HOSTNAME = "NoMatchingListenerHostname";
  public static final String REASON_INCOMPATIBLE_FILTERS = "IncompatibleFilters";
  public static final String REASON_BACKEND_NOT_FOUND = "BackendNotFound";
  public static final String REASON_INVALID_KIND = "InvalidKind";
  public static final String REASON_UNSUPPORTED_PROTOCOL_ROUTE = "UnsupportedProtocol";
}
