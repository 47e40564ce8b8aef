package io.drover.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a cloud accepts, declared by its {@link ProviderFactory#limits()} so that the engine refuses a server it could
 * never create before it calls the provider at all, with one message saying which value and how to fix it, instead of
 * a cloud's 400 half-way through an apply. EC2 takes 16 KB of user data and tag values of 256 characters; GCP labels
 * are lower-case letters, digits, {@code _} and {@code -} only, 63 at most ({@code sha256:<hex>} is no valid label).
 *
 * @param tagKey the characters a tag key may hold (the whole key must match)
 * @param tagValue the characters a tag value may hold (the whole value must match)
 * @param maxTagKeyLength the longest tag key, in characters
 * @param maxTagValueLength the longest tag value, in characters
 * @param maxTags how many tags a server may carry
 * @param maxUserDataBytes the largest first-boot config, in bytes as rendered (before any encoding the provider adds)
 */
public record Limits(Pattern tagKey, Pattern tagValue, int maxTagKeyLength, int maxTagValueLength, int maxTags, int maxUserDataBytes) {

    /** No limit the engine knows of: a provider that declares none gets every value as it is. */
    public static final Limits NONE = new Limits(Pattern.compile("(?s).*"), Pattern.compile("(?s).*"), Integer.MAX_VALUE,
            Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public Limits {
        Objects.requireNonNull(tagKey, "tagKey");
        Objects.requireNonNull(tagValue, "tagValue");
        if (maxTagKeyLength < 1 || maxTagValueLength < 0 || maxTags < 0 || maxUserDataBytes < 0) {
            throw new IllegalArgumentException("limits are positive");
        }
    }

    /** The same limits with another user-data size. */
    public Limits withMaxUserDataBytes(int bytes) {
        return new Limits(tagKey, tagValue, maxTagKeyLength, maxTagValueLength, maxTags, bytes);
    }

    /** The same limits with another number of tags. */
    public Limits withMaxTags(int tags) {
        return new Limits(tagKey, tagValue, maxTagKeyLength, maxTagValueLength, tags, maxUserDataBytes);
    }

    /** The same limits with other tag character sets (regular expressions a whole key or value must match). */
    public Limits withTagCharacters(String keyPattern, String valuePattern) {
        return new Limits(Pattern.compile(keyPattern), Pattern.compile(valuePattern), maxTagKeyLength, maxTagValueLength, maxTags,
                maxUserDataBytes);
    }

    /** The same limits with other tag lengths. */
    public Limits withTagLengths(int keyLength, int valueLength) {
        return new Limits(tagKey, tagValue, keyLength, valueLength, maxTags, maxUserDataBytes);
    }

    /** What about {@code tags} this cloud would refuse, one problem a line; empty when it takes them all. */
    public List<String> tagProblems(Map<String, String> tags) {
        List<String> problems = new ArrayList<>();
        if (tags.size() > maxTags) {
            problems.add(tags.size() + " tags, more than the " + maxTags + " a server may carry");
        }
        tags.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String key = e.getKey();
            String value = e.getValue();
            if (key.length() > maxTagKeyLength) {
                problems.add("tag key '" + key + "' has " + key.length() + " characters, more than " + maxTagKeyLength);
            }
            if (!tagKey.matcher(key).matches()) {
                problems.add("tag key '" + key + "' has characters outside " + tagKey.pattern());
            }
            if (value.length() > maxTagValueLength) {
                problems.add("tag " + key + "'s value '" + value + "' has " + value.length() + " characters, more than " + maxTagValueLength);
            }
            if (!tagValue.matcher(value).matches()) {
                problems.add("tag " + key + "'s value '" + value + "' has characters outside " + tagValue.pattern());
            }
        });
        return problems;
    }

    /** Why this cloud would refuse a first-boot config of {@code bytes} bytes, if it would. */
    public java.util.Optional<String> userDataProblem(int bytes) {
        return bytes > maxUserDataBytes
                ? java.util.Optional.of("its first-boot config is " + bytes + " bytes, more than the " + maxUserDataBytes + " the provider takes")
                : java.util.Optional.empty();
    }
}
