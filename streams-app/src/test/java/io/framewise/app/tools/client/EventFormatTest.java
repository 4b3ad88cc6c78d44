package io.framewise.app.tools.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EventFormatTest {
    @Test
    void aDeadLetterIsOneValidJsonObjectWhateverItsKeyAndMessageHold() throws Exception {
        Outcome o = new Outcome("cam \"7\"\\north", null, new Outcome.DeadLetter(new byte[0],
                "io.framewise.decoder.FrameDecodeException", "TRUNCATED: \"end of image\" missing\nat byte 12", "frames", 3, 42));
        JsonNode n = new ObjectMapper().readTree(EventFormat.format(o, true));
        assertThat(n.get("deadLetter").asBoolean()).isTrue();
        assertThat(n.get("key").asText()).isEqualTo("cam \"7\"\\north");
        assertThat(n.get("message").asText()).isEqualTo("TRUNCATED: \"end of image\" missing\nat byte 12");
        assertThat(n.get("exception").asText()).isEqualTo("io.framewise.decoder.FrameDecodeException");
        assertThat(n.get("sourceTopic").asText()).isEqualTo("frames");
        assertThat(n.get("partition").asInt()).isEqualTo(3);
        assertThat(n.get("offset").asLong()).isEqualTo(42);
        assertThat(EventFormat.format(o, false)).contains("DEAD LETTER").contains("TRUNCATED").contains("frames-3@42");
    }
}
