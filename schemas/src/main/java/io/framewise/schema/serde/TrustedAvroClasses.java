package io.framewise.schema.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes outside a trusted list while decoding. Framewise's generated classes are
 * added to that list once per JVM, so users need not set {@code org.apache.avro.SERIALIZABLE_PACKAGES}; whatever the
 * user trusts through that property stays trusted.
 */
final class TrustedAvroClasses {
    static final String PACKAGE = "io.framewise.schema";

    private static boolean installed;

    private TrustedAvroClasses() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                type -> type.getPackageName().equals(PACKAGE)));
        installed = true;
    }
}
