package io.drover.provider.openstack;

import io.drover.provider.openstack.client.GlanceImage;
import io.drover.provider.openstack.client.OpenStackClient;
import io.drover.spi.Image;
import io.drover.spi.ImageSource;
import io.drover.spi.ProviderException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts a baked image into Glance once: its qcow2 disk, with the kernel and initramfs it boots with as Glance
 * {@code aki}/{@code ari} images named by the disk's {@code kernel_id}/{@code ramdisk_id} (direct kernel boot, as
 * the disk has no partition table or boot loader). Every part carries the tag {@code drover-digest=<hex>} and the
 * property {@code drover_digest}; an active disk with the digest is reused without uploading anything.
 */
final class BakedImageUpload {
    static final String DIGEST_PROPERTY = "drover_digest";

    private final OpenStackClient client;

    BakedImageUpload(OpenStackClient client) {
        this.client = client;
    }

    Image resolve(ImageSource.Baked image) throws ProviderException {
        if (image.disk().isEmpty()) {
            throw new ProviderException("baked image '" + image.name() + "' has no qcow2 output, which OpenStack servers boot from:"
                    + " add 'outputs: [rootfs, qcow2]' to the image and bake again");
        }
        ImageSource.BootDisk boot = image.disk().get();
        String tag = tag(image.digest());
        List<GlanceImage> parts = client.glance().listImages(null, tag);
        Optional<GlanceImage> disk = parts.stream().filter(i -> i.name().equals(name(image, "disk")) && "active".equals(i.status())).findFirst();
        if (disk.isPresent()) {
            return new Image(image, disk.get().id(), image.digest());
        }
        for (GlanceImage leftover : parts) {
            client.glance().deleteImage(leftover.id()); // an upload that did not finish: start over
        }
        GlanceImage kernel = upload(image, boot, "kernel", "aki", Map.of());
        GlanceImage ramdisk = upload(image, boot, "ramdisk", "ari", Map.of());
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kernel_id", kernel.id());
        properties.put("ramdisk_id", ramdisk.id());
        properties.put("os_command_line", boot.kernelCommandLine());
        properties.put("hw_disk_bus", "virtio");
        GlanceImage uploaded = upload(image, boot, "disk", "qcow2", properties);
        return new Image(image, uploaded.id(), image.digest());
    }

    private GlanceImage upload(ImageSource.Baked image, ImageSource.BootDisk boot, String part, String format, Map<String, String> extra) {
        Map<String, String> properties = new LinkedHashMap<>(extra);
        properties.put(DIGEST_PROPERTY, image.digest());
        properties.put("drover_image", image.name());
        String container = format.equals("qcow2") ? "bare" : format;
        GlanceImage created = client.glance().createImage(name(image, part), format, container, null, List.of(tag(image.digest())), properties);
        client.glance().upload(created.id(), switch (part) {
            case "kernel" -> boot.kernel();
            case "ramdisk" -> boot.initrd();
            default -> boot.disk();
        });
        return created;
    }

    static String tag(String digest) {
        return "drover-digest=" + digest.substring(digest.indexOf(':') + 1, Math.min(digest.length(), digest.indexOf(':') + 1 + 40));
    }

    static String name(ImageSource.Baked image, String part) {
        String hex = image.digest().substring(image.digest().indexOf(':') + 1);
        return "drover-" + image.name() + "-" + hex.substring(0, 12) + (part.equals("disk") ? "" : "-" + part);
    }
}
