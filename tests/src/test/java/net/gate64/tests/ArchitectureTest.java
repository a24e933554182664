package net.gate64.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shape of the production code (docs/architecture.md), checked on the compiled classes with ArchUnit so that it
 * stays so: no package of the production code (every module's main classes) depends on itself through others, and the layers of each program are only used downwards.
 * A failure names each offending dependency (class, member, line).
 */
class ArchitectureTest {
    /** The main classes of every module on this class path: common, config, scripting, resolver, nat64, lab, demo. */
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("net.gate64");

    private static final String[] RECURSOR_STAGES = {"net.gate64.resolver.dns64..", "net.gate64.resolver.dns46..",
        "net.gate64.resolver.dnssec..", "net.gate64.resolver.script.."};
    /** Every package of each program, by layer below: a new package must be given its place. */
    private static final String[] RECURSOR_PACKAGES = {"net.gate64.resolver", "net.gate64.resolver.cli..",
        "net.gate64.resolver.config..", "net.gate64.resolver.server..", "net.gate64.resolver.pipeline..",
        "net.gate64.resolver.dns64..", "net.gate64.resolver.dns46..", "net.gate64.resolver.dnssec..",
        "net.gate64.resolver.script..", "net.gate64.resolver.query..", "net.gate64.resolver.resolve..",
        "net.gate64.resolver.cache..", "net.gate64.resolver.wire..", "net.gate64.resolver.stats..",
        "net.gate64.resolver.health..", "net.gate64.resolver.lab.." /* the lab module: test and demo servers */};
    private static final String[] GATEWAY_PACKAGES = {"net.gate64.nat64", "net.gate64.nat64.http..",
        "net.gate64.nat64.config..", "net.gate64.nat64.log..", "net.gate64.nat64.ra..", "net.gate64.nat64.tun..",
        "net.gate64.nat64.state..", "net.gate64.nat64.siit..", "net.gate64.nat64.translate..",
        "net.gate64.nat64.packet.."};

    @Test
    void everyPackageHasItsPlaceInTheLayers() {
        classes().that().resideInAPackage("net.gate64.resolver..").should().resideInAnyPackage(RECURSOR_PACKAGES)
                .because("a new recursor package needs its layer in recursorLayersAreOnlyUsedDownwards")
                .check(PRODUCTION);
        classes().that().resideInAPackage("net.gate64.nat64..").should().resideInAnyPackage(GATEWAY_PACKAGES)
                .because("a new gateway package needs its layer in gatewayLayersAreOnlyUsedDownwards")
                .check(PRODUCTION);
    }

    @Test
    void noPackageCycles() {
        slices().matching("net.gate64.(**)").should().beFreeOfCycles().check(PRODUCTION);
    }

    /**
     * The recursor: the listeners hand queries to the pipeline, which runs the stages (DNS64, DNSSEC, the hook
     * script), which use the resolver, which uses the caches and the wire format, never back. The root package and
     * cli wire it all; the config package builds the plain settings values of each layer; stats and health are
     * counters and probes every layer may feed and that import none of them.
     */
    @Test
    void recursorLayersAreOnlyUsedDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Wiring").definedBy("net.gate64.resolver", "net.gate64.resolver.cli..")
                .layer("Config").definedBy("net.gate64.resolver.config..")
                .layer("Server").definedBy("net.gate64.resolver.server..")
                .layer("Pipeline").definedBy("net.gate64.resolver.pipeline..")
                .layer("Stages").definedBy(RECURSOR_STAGES)
                .layer("Query").definedBy("net.gate64.resolver.query..")
                .layer("Resolve").definedBy("net.gate64.resolver.resolve..")
                .layer("Cache").definedBy("net.gate64.resolver.cache..", "net.gate64.resolver.wire..")
                .layer("Observability").definedBy("net.gate64.resolver.stats..", "net.gate64.resolver.health..")
                .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("Config").mayOnlyBeAccessedByLayers("Wiring", "Server")
                .whereLayer("Server").mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Pipeline").mayOnlyBeAccessedByLayers("Wiring", "Server")
                .whereLayer("Stages").mayOnlyBeAccessedByLayers("Wiring", "Config", "Pipeline")
                .whereLayer("Query").mayOnlyBeAccessedByLayers("Wiring", "Server", "Pipeline", "Stages")
                .whereLayer("Resolve").mayOnlyBeAccessedByLayers("Wiring", "Config", "Pipeline", "Stages")
                .whereLayer("Cache").mayOnlyBeAccessedByLayers("Wiring", "Config", "Server", "Pipeline", "Stages",
                        "Query", "Resolve")
                .whereLayer("Observability").mayOnlyBeAccessedByLayers("Wiring", "Config", "Server", "Pipeline",
                        "Stages", "Query", "Resolve", "Cache")
                .check(PRODUCTION);
    }

    /**
     * The gateway: the root package wires the TUN workers, the tables and the HTTP endpoint; the endpoint knows the
     * gateway only through its small control interface (it imports no gateway package); the stateful and SIIT
     * mappers sit on the translator, which sits on the packet helpers.
     */
    @Test
    void gatewayLayersAreOnlyUsedDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Wiring").definedBy("net.gate64.nat64")
                .layer("Http").definedBy("net.gate64.nat64.http..")
                .layer("Config").definedBy("net.gate64.nat64.config..")
                .layer("Services").definedBy("net.gate64.nat64.log..", "net.gate64.nat64.ra..", "net.gate64.nat64.tun..")
                .layer("Mappers").definedBy("net.gate64.nat64.state..", "net.gate64.nat64.siit..")
                .layer("Translate").definedBy("net.gate64.nat64.translate..")
                .layer("Packet").definedBy("net.gate64.nat64.packet..")
                .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("Http").mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Config").mayOnlyBeAccessedByLayers("Wiring", "Services")
                .whereLayer("Services").mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Mappers").mayOnlyBeAccessedByLayers("Wiring", "Config", "Services")
                .whereLayer("Translate").mayOnlyBeAccessedByLayers("Wiring", "Config", "Services", "Mappers")
                .whereLayer("Packet").mayOnlyBeAccessedByLayers("Wiring", "Config", "Services", "Mappers", "Translate")
                .check(PRODUCTION);
    }
}
