package dev.gantry.model.stream;

/**
 * A NACK: the proxy refused the update carrying {@code versions} and keeps serving what it ran
 * before.
 *
 * @param versions the part versions the rejected update would have produced
 * @param reason the proxy's error, e.g. a validation message naming the field
 */
public record Rejection(PartVersions versions, String reason) {}
