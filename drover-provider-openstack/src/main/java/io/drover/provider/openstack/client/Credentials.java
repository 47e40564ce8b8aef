package io.drover.provider.openstack.client;

import java.util.Objects;

/**
 * How to prove who we are to Keystone v3. Secrets never appear in {@link #toString()}.
 */
public sealed interface Credentials {

    /** A domain (or a user/project's domain) by id or by name; id wins when both are given. */
    record DomainRef(String id, String name) {
        public static final DomainRef DEFAULT = new DomainRef("default", null);

        public DomainRef {
            if (id == null && name == null) {
                throw new IllegalArgumentException("a domain needs an id or a name");
            }
        }
    }

    /**
     * The {@code password} method, scoped to a project.
     *
     * @param userId the user's id, or null to name the user ({@code username} + {@code userDomain})
     * @param projectId the project's id, or null to name it ({@code projectName} + {@code projectDomain})
     */
    record Password(
            String userId,
            String username,
            DomainRef userDomain,
            String password,
            String projectId,
            String projectName,
            DomainRef projectDomain)
            implements Credentials {
        public Password {
            if (userId == null && username == null) {
                throw new IllegalArgumentException("password authentication needs a username or a user id");
            }
            Objects.requireNonNull(password, "password");
            if (projectId == null && projectName == null) {
                throw new IllegalArgumentException("password authentication needs a project name or a project id");
            }
        }

        @Override
        public String toString() {
            return "Password[user=" + (userId != null ? userId : username) + ", project="
                    + (projectId != null ? projectId : projectName) + ", password=****]";
        }
    }

    /**
     * The {@code application_credential} method: by id, or by name together with its owner. Application
     * credentials carry their own project scope.
     */
    record ApplicationCredential(String id, String name, String userId, String username, DomainRef userDomain, String secret)
            implements Credentials {
        public ApplicationCredential {
            if (id == null && (name == null || (userId == null && username == null))) {
                throw new IllegalArgumentException(
                        "application credential authentication needs an id, or a name and its user");
            }
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "ApplicationCredential[" + (id != null ? "id=" + id : "name=" + name) + ", secret=****]";
        }
    }
}
