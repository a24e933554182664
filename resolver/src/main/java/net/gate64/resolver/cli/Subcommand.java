package net.gate64.resolver.cli;

import java.util.concurrent.Callable;

/**
 * A {@code gate64} subcommand that lives in another module and is found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/net.gate64.resolver.cli.Subcommand}): {@code demo} and {@code lab} come from the demo
 * module, which brings the lab (zone signer, authoritative test servers). The recursor does not depend on either,
 * and the production artifacts (image, Debian package) carry neither. Implementations are picocli
 * {@code @Command}s with a public no-argument constructor.
 */
public interface Subcommand extends Callable<Integer> {}
