package io.drover.spi;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cluster's image is made from, as the engine hands it to {@link Provider#resolveImage}: either an image the
 * cloud already has, named by the herd file, or an image {@code drover bake} built on this machine, whose files the
 * provider uploads (a cloud) or uses in place (the local provider) the first time it is resolved.
 */
public sealed interface ImageSource {

    /** How the image is named in messages and in {@link Image#reference()}. */
    String reference();

    /**
     * An image the cloud knows by this name or id ({@code flatcar-stable}, a Glance id, {@code host}, a directory for
     * the local provider): the provider looks it up; one it does not have is a non-retryable error naming it.
     */
    record Named(String reference) implements ImageSource {
        public Named {
            Objects.requireNonNull(reference, "reference");
        }
    }

    /**
     * An image {@code drover bake} built. Its {@code digest} covers every input of the bake and is the resolved image's
     * digest as it is (the provider never hashes the files); the same digest always means the same files, so a provider
     * that finds an image of this digest already uploaded uses it without uploading again.
     *
     * @param name the image's name in the herd file ({@code images:}), e.g. {@code etcd}
     * @param digest {@code sha256:<hex>} over the bake's inputs
     * @param rootfs the image's root directory (a container-like tree), if the bake made one
     * @param disk a bootable disk and what boots it, if the bake made one (the {@code qcow2} output)
     */
    record Baked(String name, String digest, Optional<Path> rootfs, Optional<BootDisk> disk) implements ImageSource {
        public Baked {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(digest, "digest");
            if (!digest.startsWith("sha256:")) {
                throw new IllegalArgumentException("a baked image's digest is sha256:<hex>, not " + digest);
            }
            Objects.requireNonNull(rootfs, "rootfs");
            Objects.requireNonNull(disk, "disk");
        }

        @Override
        public String reference() {
            return name;
        }
    }

    /**
     * A qcow2 disk without a partition table or boot loader, booted directly with its kernel and initramfs.
     *
     * @param kernelCommandLine the kernel arguments it boots with
     */
    record BootDisk(Path disk, Path kernel, Path initrd, String kernelCommandLine) {
        public BootDisk {
            Objects.requireNonNull(disk, "disk");
            Objects.requireNonNull(kernel, "kernel");
            Objects.requireNonNull(initrd, "initrd");
            Objects.requireNonNull(kernelCommandLine, "kernelCommandLine");
        }
    }
}
