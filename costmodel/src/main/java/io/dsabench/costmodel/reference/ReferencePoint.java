package io.dsabench.costmodel.reference;

/** A vertex of a reference curve: USD per million tokens at a token position. */
public record ReferencePoint(int position, double usdPerMillionTokens) {}
