package io.framewise.app.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.framewise.inference.CpuFeatures;

/** The machine a figure was measured on, at the head of every JSON report. */
final class Machine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Machine() {
    }

    /** A report's root: its kind, and the machine (CPU, cores, native bfloat16, Java). */
    static ObjectNode report(String kind) {
        ObjectNode root = JSON.createObjectNode();
        root.put("mode", kind);
        ObjectNode machine = root.putObject("machine");
        machine.put("cpu", CpuFeatures.modelName());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("bfloat16", CpuFeatures.hasBfloat16());
        machine.put("java", System.getProperty("java.version"));
        return root;
    }
}
