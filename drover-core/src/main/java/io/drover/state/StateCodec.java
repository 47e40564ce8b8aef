package io.drover.state;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/** State to and from JSON: sorted, indented, stable, so a state file diffs well. */
public final class StateCodec {
    private final JsonMapper mapper = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public byte[] encode(State state) {
        return mapper.writeValueAsBytes(state);
    }

    public State decode(byte[] json, String where) throws StateException {
        try {
            State state = mapper.readValue(json, State.class);
            if (state.formatVersion() > State.FORMAT_VERSION) {
                throw new StateException("the state at " + where + " has format version " + state.formatVersion()
                        + ", newer than this drover understands (" + State.FORMAT_VERSION + "): upgrade drover");
            }
            return state;
        } catch (JacksonException e) {
            throw new StateException("the state at " + where + " is not valid JSON (" + e.getOriginalMessage()
                    + "): restore it from its backup (" + where + ".backup)", e);
        }
    }
}
