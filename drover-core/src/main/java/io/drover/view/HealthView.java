package io.drover.view;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A server's health as checked now.
 *
 * @param status {@code up}, {@code sick}, {@code down}, {@code timeout}, {@code starting} or {@code unknown}
 */
public record HealthView(String status, String detail) {

    public static HealthView unknown(String why) {
        return new HealthView("unknown", why);
    }

    @JsonIgnore
    public boolean isUp() {
        return "up".equals(status);
    }
}
